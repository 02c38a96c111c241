/** The adapter in virtual time over a fake of the official client. */
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../src/core/virtual-clock.js';
import { OvhApiError } from '../../src/ovh/errors.js';
import { NodeOvhTransport } from '../../src/ovh/node-ovh-transport.js';
import { OvhClientAdapter } from '../../src/ovh/ovh-client-adapter.js';
import { RequestBudget } from '../../src/ovh/request-budget.js';
import { DEFAULT_RETRY_POLICY } from '../../src/ovh/retry-policy.js';
import { PROGRESS, SERVER, TASK, TASK_RESPONSE } from './helpers/answers.js';
import { FakeOvhClient, type Failure } from './helpers/fake-ovh-client.js';

const SN = 'ns5001234.ip-51-75-1.eu';
const SERVER_PATH = `/dedicated/server/${SN}`;

function setup(requestsPerMinute = 1000) {
  const clock = new VirtualClock();
  const client = new FakeOvhClient(clock);
  const budget = new RequestBudget(clock, requestsPerMinute);
  const api = new OvhClientAdapter({
    transport: new NodeOvhTransport(client, clock, { deadlineMs: 30_000, idleTimeoutMs: 20_000 }),
    budget,
    clock,
    random: () => 0.5,
  });
  return { clock, client, budget, api };
}

async function rejection(clock: VirtualClock, promise: Promise<unknown>): Promise<OvhApiError> {
  const settled = promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  const error = await clock.runUntil(settled, 600_000);
  expect(error).toBeInstanceOf(OvhApiError);
  return error as OvhApiError;
}

describe('reads', () => {
  it('retries transient errors with full-jitter exponential backoff', async () => {
    const { clock, client, api } = setup();
    const start = clock.now();
    client.on(
      'GET',
      SERVER_PATH,
      { fail: { status: 503, message: 'Service Unavailable' } },
      { fail: { errno: -104 } },
      { ok: SERVER },
    );

    const server = await clock.runUntil(api.getServer(SN), 600_000, 10);

    expect(server.name).toBe(SN);
    // latency 10 ms per call; waits 0.5 * 500 and 0.5 * 1000 (random = 0.5)
    expect(client.calls.map((c) => c.at - start)).toEqual([0, 10 + 250, 10 + 250 + 10 + 500]);
  });

  it('gives up after maxAttempts and reports the last error', async () => {
    const { clock, client, api } = setup();
    client.on('GET', SERVER_PATH, { fail: { status: 500, message: 'Internal Server Error' } });

    const error = await rejection(clock, api.getServer(SN));

    expect(error).toMatchObject({
      code: 'api-unavailable',
      disposition: 'transient',
      status: 500,
      ambiguous: false,
    });
    expect(client.calls).toHaveLength(DEFAULT_RETRY_POLICY.maxAttempts);
  });

  it('backs off longer after a 429 (Retry-After is not visible through the client)', async () => {
    const { clock, client, api } = setup();
    const start = clock.now();
    client.on('GET', SERVER_PATH, { fail: { status: 429, message: 'Too many requests' } }, { ok: SERVER });

    await clock.runUntil(api.getServer(SN), 600_000, 10);

    // upper half of rateLimitBaseDelayMs (5000) at random 0.5: 2500 + 1250
    expect(client.calls.map((c) => c.at - start)).toEqual([0, 10 + 3750]);
  });

  it.each([
    {
      name: '404',
      fail: { status: 404, message: 'The requested object (serviceName = x) does not exist' },
      code: 'api-not-found',
    },
    {
      name: 'bad signature',
      fail: { status: 400, message: 'Invalid signature' },
      code: 'api-auth-invalid-signature',
    },
    {
      name: 'not granted',
      fail: { status: 403, message: 'This call has not been granted' },
      code: 'api-auth-not-granted',
    },
  ] satisfies { name: string; fail: Failure; code: string }[])(
    'does not retry $name',
    async ({ fail, code }) => {
      const { clock, client, api } = setup();
      client.on('GET', SERVER_PATH, { fail });

      const error = await rejection(clock, api.getServer(SN));

      expect(error.code).toBe(code);
      expect(client.calls).toHaveLength(1);
    },
  );

  it('times out a call that never answers at the overall deadline', async () => {
    const { clock, client, api } = setup();
    client.on('GET', SERVER_PATH, { fail: { hang: true } }, { ok: SERVER });

    const server = await clock.runUntil(api.getServer(SN), 600_000, 1000);

    expect(server.name).toBe(SN);
    expect(client.calls[1]!.at - client.calls[0]!.at).toBeGreaterThanOrEqual(30_000);
  });

  it('drops unknown fields and checks the shape of answers', async () => {
    const { clock, client, api } = setup();
    client.on('GET', SERVER_PATH, { ok: SERVER });
    client.on('GET', `${SERVER_PATH}/task/1`, { ok: { ...TASK, status: 'finished' } });

    const server = await clock.runUntil(api.getServer(SN));
    const error = await rejection(clock, api.getTask(SN, 1));

    expect(server).not.toHaveProperty('extraFieldFromTheFuture');
    expect(error).toMatchObject({ code: 'api-malformed-answer', ambiguous: false });
    expect(error.message).toContain('status');
  });

  it.each([
    { answer: { ovh: ['debian12_64'] }, expected: { ovh: ['debian12_64'], personal: [] } },
    { answer: { ovh: ['debian12_64'], personal: null }, expected: { ovh: ['debian12_64'], personal: [] } },
    { answer: { ovh: null, personal: [] }, expected: { ovh: [], personal: [] } },
    { answer: {}, expected: { ovh: [], personal: [] } },
  ])('normalises compatibleTemplates $answer', async ({ answer, expected }) => {
    const { clock, client, api } = setup();
    client.on('GET', `${SERVER_PATH}/install/compatibleTemplates`, { ok: answer });

    await expect(clock.runUntil(api.getCompatibleTemplates(SN))).resolves.toEqual(expected);
  });

  it('returns null install progress when the server is not being installed, and the steps otherwise', async () => {
    const { clock, client, api } = setup();
    client.on(
      'GET',
      `${SERVER_PATH}/install/status`,
      { fail: { status: 404, message: 'Server is not being installed or reinstalled at the moment' } },
      { ok: PROGRESS },
    );

    const idle = await clock.runUntil(api.getInstallProgress(SN));
    const busy = await clock.runUntil(api.getInstallProgress(SN));

    expect(idle).toBeNull();
    expect(busy?.progress?.[1]?.status).toBe('doing');
  });

  it('does not mistake another 404 of install/status for an idle server', async () => {
    const { clock, client, api } = setup();
    client.on('GET', `${SERVER_PATH}/install/status`, {
      fail: { status: 404, message: 'The requested object (serviceName = x) does not exist' },
    });

    const error = await rejection(clock, api.getInstallProgress(SN));

    expect(error.code).toBe('api-not-found');
  });

  it('passes function and status of listTasks as query parameters', async () => {
    const { clock, client, api } = setup();
    client.on('GET', `${SERVER_PATH}/task?function=reinstallServer&status=doing`, { ok: [563254948] });

    const ids = await clock.runUntil(api.listTasks(SN, { function: 'reinstallServer', status: 'doing' }));

    expect(ids).toEqual([563254948]);
  });

  it('encodes path parameters', async () => {
    const { clock, client, api } = setup();

    await rejection(clock, api.getTemplate('x/../y?z'));

    expect(client.calls[0]!.path).toBe('/dedicated/installationTemplate/x%2F..%2Fy%3Fz');
  });
});

describe('reinstall', () => {
  const body = { operatingSystem: 'debian12_64', customizations: { hostname: 'web-1.example.com' } };

  it('posts the body unchanged and returns the task', async () => {
    const { clock, client, api } = setup();
    client.on('POST', `${SERVER_PATH}/reinstall`, { ok: TASK_RESPONSE });
    const sent = structuredClone(body);

    const task = await clock.runUntil(api.reinstall(SN, sent));

    expect(task).toEqual(TASK_RESPONSE);
    expect(client.calls[0]!.body).toEqual(body);
    expect(sent).toEqual(body);
  });

  it.each([
    {
      name: '500',
      fail: { status: 500, message: 'An error has occurred while creating installation task on server x' },
      code: 'api-unavailable',
      disposition: 'transient',
      ambiguous: true,
    },
    {
      name: '503 without message',
      fail: { status: 503, message: null },
      code: 'api-unavailable',
      disposition: 'transient',
      ambiguous: true,
    },
    {
      name: 'dropped connection',
      fail: { socket: 'ECONNRESET' },
      code: 'api-network',
      disposition: 'transient',
      ambiguous: true,
    },
    {
      name: 'reset (errno)',
      fail: { errno: -104 },
      code: 'api-network',
      disposition: 'transient',
      ambiguous: true,
    },
    {
      name: 'unparseable answer',
      fail: { client: 'parse' },
      code: 'api-unparseable-answer',
      disposition: 'transient',
      ambiguous: true,
    },
    {
      name: 'connection refused',
      fail: { errno: -111 },
      code: 'api-network',
      disposition: 'transient',
      ambiguous: false,
    },
    {
      name: 'API time unavailable',
      fail: { client: 'time' },
      code: 'api-time-unavailable',
      disposition: 'transient',
      ambiguous: false,
    },
    {
      name: '429',
      fail: { status: 429, message: 'Too many requests' },
      code: 'api-rate-limited',
      disposition: 'waiting',
      ambiguous: false,
    },
    {
      name: 'TaskAlreadyExists',
      fail: {
        status: 400,
        message: `Task 563254948 of type reinstallServer with status todo is already running on server ${SN}`,
      },
      code: 'api-task-already-exists',
      disposition: 'busy',
      ambiguous: false,
    },
    {
      name: 'OperatingSystemIncompatible',
      fail: {
        status: 409,
        message: `Operating system win2022core-std_64 is not compatible for server ${SN}`,
      },
      code: 'api-os-incompatible',
      disposition: 'terminal',
      ambiguous: false,
    },
  ] satisfies { name: string; fail: Failure; code: string; disposition: string; ambiguous: boolean }[])(
    'is never retried: $name -> $code (ambiguous: $ambiguous)',
    async ({ fail, code, disposition, ambiguous }) => {
      const { clock, client, api } = setup();
      client.on('POST', `${SERVER_PATH}/reinstall`, { fail }, { ok: TASK_RESPONSE });

      const error = await rejection(clock, api.reinstall(SN, body));

      expect(error).toMatchObject({ code, disposition, ambiguous, method: 'POST' });
      expect(client.calls.filter((c) => c.method === 'POST')).toHaveLength(1);
    },
  );

  it('is ambiguous when it times out', async () => {
    const { clock, client, api } = setup();
    client.on('POST', `${SERVER_PATH}/reinstall`, { fail: { hang: true } });

    const error = await rejection(clock, api.reinstall(SN, body));

    expect(error).toMatchObject({ code: 'api-timeout', ambiguous: true });
    expect(client.calls).toHaveLength(1);
  });

  it('is ambiguous when the 2xx answer is malformed (the task probably exists)', async () => {
    const { clock, client, api } = setup();
    client.on('POST', `${SERVER_PATH}/reinstall`, { ok: { unexpected: true } });

    const error = await rejection(clock, api.reinstall(SN, body));

    expect(error).toMatchObject({ code: 'api-malformed-answer', ambiguous: true });
  });

  it('resets the API time delta and retries once when the timestamp is refused', async () => {
    const { clock, client, api } = setup();
    client.on(
      'POST',
      `${SERVER_PATH}/reinstall`,
      { fail: { status: 400, message: 'Query out of time' } },
      { ok: TASK_RESPONSE },
    );

    const task = await clock.runUntil(api.reinstall(SN, body));

    expect(task.taskId).toBe(0);
    expect(client.timeFetches).toBe(2);
    expect(client.calls).toHaveLength(2);
  });

  it('reports a timestamp refused twice as api-auth-timestamp', async () => {
    const { clock, client, api } = setup();
    client.on('GET', SERVER_PATH, { fail: { status: 400, message: 'Query out of time' } });

    const error = await rejection(clock, api.getServer(SN));

    expect(error).toMatchObject({ code: 'api-auth-timestamp', disposition: 'auth' });
    expect(client.calls).toHaveLength(2);
  });
});

describe('budget and cancellation', () => {
  it('takes one token per HTTP request, retries included', async () => {
    const { clock, client, api, budget } = setup();
    client.on('GET', SERVER_PATH, { fail: { status: 502, message: null } }, { ok: SERVER });

    await clock.runUntil(api.getServer(SN, { priority: 'follow' }));

    expect(budget.stats().granted.follow).toBe(2);
    expect(client.calls).toHaveLength(2);
  });

  it('a call aborted while waiting for the budget fails with api-aborted, not ambiguous, and sends nothing', async () => {
    const { clock, client, api } = setup(1);
    client.on('GET', SERVER_PATH, { ok: SERVER });
    client.on('POST', `${SERVER_PATH}/reinstall`, { ok: TASK_RESPONSE });
    await clock.runUntil(api.getServer(SN));
    const controller = new AbortController();

    const pending = api.reinstall(SN, { operatingSystem: 'debian12_64' }, { signal: controller.signal });
    await clock.advance(1000);
    controller.abort(new Error('shutdown'));
    const error = await rejection(clock, pending);

    expect(error).toMatchObject({ code: 'api-aborted', ambiguous: false });
    expect(client.calls.filter((c) => c.method === 'POST')).toHaveLength(0);
  });
});
