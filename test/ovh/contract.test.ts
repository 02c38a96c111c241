/**
 * Contract tests: the REAL official client through the adapter, over HTTPS, against the
 * simulator. Every reinstall body the adapter sent is validated against the official
 * `dedicated.server.Reinstall` schema.
 */
import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseEndpoint, type OvhEndpoint } from '../../src/config/endpoints.js';
import type { LoadedCredentials } from '../../src/config/credentials.js';
import { systemClock } from '../../src/core/clock.js';
import { createOvhApi } from '../../src/ovh/create-ovh-api.js';
import { OvhApiError } from '../../src/ovh/errors.js';
import type { OvhApi } from '../../src/ovh/ovh-api.js';
import { RequestBudgetRegistry } from '../../src/ovh/request-budget.js';
import { DEFAULT_RETRY_POLICY } from '../../src/ovh/retry-policy.js';
import type { ReinstallBody } from '../../src/ovh/types.js';
import { startSimulator, type RunningSimulator } from '../../src/sim/index.js';

let sim: RunningSimulator;
let api: OvhApi;
let budgets: RequestBudgetRegistry;

function credentials(overrides: { appSecret?: string; consumerKey?: string } = {}): LoadedCredentials {
  return {
    endpoint: parseEndpoint(sim.url) as OvhEndpoint,
    auth: {
      kind: 'application',
      applicationKey: sim.credentials.appKey,
      applicationSecret: overrides.appSecret ?? sim.credentials.appSecret,
      consumerKey: overrides.consumerKey ?? sim.credentials.consumerKey,
    },
    caFile: sim.certPath,
    caPem: sim.caCert,
    budgetKey: `test:${overrides.consumerKey ?? sim.credentials.consumerKey}:${overrides.appSecret ?? ''}`,
  };
}

function makeApi(overrides: { appSecret?: string; consumerKey?: string } = {}, fastRetries = true): OvhApi {
  return createOvhApi(credentials(overrides), {
    requestsPerMinute: 100_000,
    budgets,
    clock: systemClock,
    ...(fastRetries
      ? { retry: { ...DEFAULT_RETRY_POLICY, baseDelayMs: 5, rateLimitBaseDelayMs: 10, maxAttempts: 2 } }
      : {}),
  });
}

async function failure(promise: Promise<unknown>): Promise<OvhApiError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(OvhApiError);
  return error as OvhApiError;
}

/** Server `index` of the account, with a compatible and an incompatible catalog template. */
async function pick(index: number): Promise<{ sn: string; compatible: string; incompatible: string }> {
  const catalog = (await api.listTemplateInfos()).map((t) => t.templateName);
  const account = sim.control.account();
  // index < 0: the first server with a catalog template it cannot install
  const server =
    index >= 0
      ? account[index]!
      : account.find((s) => catalog.some((t) => !s.compatibleTemplates.ovh.includes(t)))!;
  const ok = server.compatibleTemplates.ovh;
  const compatible = ['debian12_64', 'ubuntu2404-server_64', ...ok].find((t) => ok.includes(t))!;
  const incompatible = catalog.find((t) => !ok.includes(t))!;
  return { sn: server.server.name, compatible, incompatible };
}

/** The official schema, `nullable` turned into JSON Schema null types. */
function reinstallValidator() {
  const openapi = JSON.parse(
    readFileSync('test/fixtures/reference/dedicated-server.openapi3.json', 'utf8'),
  ) as {
    components: { schemas: Record<string, unknown> };
  };
  const fix = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(fix);
    if (typeof node !== 'object' || node === null) return node;
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(node)) if (key !== 'nullable') out[key] = fix(value);
    const record = node as Record<string, unknown>;
    if (record.nullable === true && typeof record.type === 'string') out.type = [record.type, 'null'];
    return out;
  };
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  ajv.addSchema({ $id: 'https://ovh-fleet.test/openapi.json', components: fix(openapi.components) });
  return ajv.compile({
    $ref: 'https://ovh-fleet.test/openapi.json#/components/schemas/dedicated.server.Reinstall',
  });
}

beforeAll(async () => {
  sim = await startSimulator({ servers: 8, seed: 1 });
  budgets = new RequestBudgetRegistry(systemClock);
  api = makeApi();
});

afterAll(async () => {
  const validate = reinstallValidator();
  const bodies = sim.control.requests().filter((r) => r.method === 'POST' && r.path.endsWith('/reinstall'));
  expect(bodies.length).toBeGreaterThan(5);
  for (const request of bodies) {
    expect(validate(request.body), JSON.stringify(validate.errors)).toBe(true);
  }
  await sim.close();
});

describe('reads of every endpoint of the port', () => {
  it('lists the servers of the account and reads each one', async () => {
    const names = await api.listServers();

    expect(names.sort()).toEqual(
      sim.control
        .account()
        .map((s) => s.server.name)
        .sort(),
    );
    for (const sn of names) {
      const [server, compatible, hardware] = await Promise.all([
        api.getServer(sn),
        api.getCompatibleTemplates(sn),
        api.getHardware(sn),
      ]);
      expect(server.name).toBe(sn);
      expect(Array.isArray(compatible.ovh) && Array.isArray(compatible.personal)).toBe(true);
      expect(hardware.diskGroups.length).toBeGreaterThan(0);
    }
  });

  it('reads the catalog and every template', async () => {
    const infos = await api.listTemplateInfos();

    expect(infos.length).toBeGreaterThanOrEqual(14);
    for (const info of infos)
      expect((await api.getTemplate(info.templateName)).templateName).toBe(info.templateName);
  });

  it('maps unknown objects to not-found', async () => {
    expect((await failure(api.getServer('ns0.ip-0-0-0.eu'))).disposition).toBe('not-found');
    expect((await failure(api.getTemplate('nothing_64'))).disposition).toBe('not-found');
  });

  it('passes task filters as query parameters', async () => {
    const { sn } = await pick(0);

    await api.listTasks(sn, { function: 'reinstallServer', status: 'doing' });

    expect(sim.control.requests().at(-1)?.path).toBe(
      `/dedicated/server/${sn}/task?function=reinstallServer&status=doing`,
    );
  });
});

describe('expanded listing: the adapter and the simulator agree (API-NOTES §5.6)', () => {
  it('lists every server object, fresh, equal to the per-server reads', async () => {
    const listed = await api.listServersExpanded({ fresh: true });

    expect(listed.kind).toBe('objects');
    if (listed.kind !== 'objects') return;
    expect(listed.fresh).toBe(true);
    const names = await api.listServers();
    expect(listed.objects.map((s) => s.name).sort()).toEqual([...names].sort());
    for (const server of listed.objects) expect(server).toEqual(await api.getServer(server.name));
  });

  it('lists the task objects of a server with the filter applied, equal to the per-task reads', async () => {
    const { sn, compatible } = await pick(1);
    await api.reinstall(sn, { operatingSystem: compatible, customizations: {} });
    const ids = await api.listTasks(sn, { function: 'reinstallServer' });
    expect(ids.length).toBeGreaterThan(0);

    const listed = await api.listTasksExpanded(sn, { function: 'reinstallServer' }, { fresh: true });

    expect(listed.kind).toBe('objects');
    if (listed.kind !== 'objects') return;
    expect(listed.objects.map((t) => t.taskId).sort()).toEqual([...ids].sort());
    for (const task of listed.objects) {
      expect(task.function).toBe('reinstallServer');
      expect(task).toEqual(await api.getTask(sn, task.taskId));
    }
  });
});

describe('authentication', () => {
  it('refuses a wrong application secret as api-auth-invalid-signature', async () => {
    const error = await failure(
      makeApi({ appSecret: 'wrong-secret' }).getServer(sim.control.account()[0]!.server.name),
    );

    expect(error).toMatchObject({ code: 'api-auth-invalid-signature', disposition: 'auth', status: 400 });
  });

  it('refuses an unknown consumer key as api-auth-invalid-credential', async () => {
    const error = await failure(makeApi({ consumerKey: 'no-such-key' }).listServers());

    expect(error).toMatchObject({ code: 'api-auth-invalid-credential', disposition: 'auth' });
  });

  it('lets the read-only key read but not reinstall', async () => {
    const readOnly = makeApi({ consumerKey: sim.credentials.readOnlyConsumerKey });
    const { sn, compatible } = await pick(1);

    await expect(readOnly.getServer(sn)).resolves.toMatchObject({ name: sn });
    const error = await failure(readOnly.reinstall(sn, { operatingSystem: compatible }));

    expect(error).toMatchObject({
      code: 'api-auth-not-granted',
      disposition: 'auth',
      status: 403,
      ambiguous: false,
    });
  });
});

describe('reinstall errors of the simulator', () => {
  const cases: {
    name: string;
    body: (p: { compatible: string; incompatible: string }) => ReinstallBody;
    code: string;
    disposition: string;
    ovhClass?: string;
  }[] = [
    {
      name: 'unknown OS',
      body: () => ({ operatingSystem: 'nothing_64' }),
      code: 'api-os-not-found',
      disposition: 'terminal',
      ovhClass: 'Client::NotFound::OperatingSystem',
    },
    {
      name: 'incompatible OS',
      body: (p) => ({ operatingSystem: p.incompatible }),
      code: 'api-os-incompatible',
      disposition: 'terminal',
      ovhClass: 'Client::Conflict::OperatingSystemIncompatible',
    },
    {
      name: 'unknown customization',
      body: (p) => ({ operatingSystem: p.compatible, customizations: { favouriteColour: 'blue' } }),
      code: 'api-customization-name',
      disposition: 'terminal',
    },
    {
      name: 'an SSH key that is not one',
      body: (p) => ({ operatingSystem: p.compatible, customizations: { sshKey: 'not a key' } }),
      code: 'api-customization-invalid-format',
      disposition: 'terminal',
    },
    {
      name: 'two storage entries',
      body: (p) => ({ operatingSystem: p.compatible, storage: [{ diskGroupId: 1 }, { diskGroupId: 2 }] }),
      code: 'api-storage-not-implemented',
      disposition: 'terminal',
    },
    {
      name: 'unknown disk group',
      body: (p) => ({ operatingSystem: p.compatible, storage: [{ diskGroupId: 99 }] }),
      code: 'api-disk-group-not-found',
      disposition: 'terminal',
    },
    {
      name: 'a file system the template lacks',
      body: (p) => ({
        operatingSystem: p.compatible,
        storage: [
          { diskGroupId: 1, partitioning: { layout: [{ mountPoint: '/', fileSystem: 'vmfs6', size: 0 }] } },
        ],
      }),
      code: 'api-partition-invalid',
      disposition: 'terminal',
    },
  ];

  it.each(cases)('$name -> $code', async ({ body, code, disposition, ovhClass }) => {
    const p = await pick(-1);

    const error = await failure(api.reinstall(p.sn, body(p)));

    expect(error).toMatchObject({ code, disposition, ambiguous: false, method: 'POST' });
    if (ovhClass) expect(error.ovhClass).toBe(ovhClass);
  });
});

describe('the task lifecycle', () => {
  it('posts, follows, refuses a second post as busy, and ends with the new OS', async () => {
    const { sn, compatible } = await pick(3);

    const posted = await api.reinstall(sn, { operatingSystem: compatible, customizations: {} });
    const busy = await failure(api.reinstall(sn, { operatingSystem: compatible }));
    const ids = await api.listTasks(sn, { function: 'reinstallServer' });
    expect(ids.length).toBeGreaterThan(0);
    sim.control.advanceClock(120_000);
    const progress = await api.getInstallProgress(sn);
    const running = await api.getTask(sn, posted.taskId);
    sim.control.advanceClock(3_600_000);
    const done = await api.getTask(sn, posted.taskId);
    const server = await api.getServer(sn);
    const idle = await api.getInstallProgress(sn);

    expect(posted).toMatchObject({ status: 'init', function: 'reinstallServer', doneDate: null });
    expect(busy).toMatchObject({ code: 'api-task-already-exists', disposition: 'busy', ambiguous: false });
    expect(ids).toContain(posted.taskId);
    expect(progress?.progress?.length).toBe(21);
    expect(['todo', 'doing']).toContain(running.status);
    expect(done.status).toBe('done');
    expect(server.os).toBe(compatible);
    expect(idle).toBeNull();
  });
});

describe('faults', () => {
  it('reports 429 as waiting with the Retry-After of the answer', async () => {
    const { sn } = await pick(4);
    // A budget of its own: a 429 pauses the whole budget of the key for Retry-After (issue 14),
    // which must not hold up the tests after this one.
    const paused = new RequestBudgetRegistry(systemClock);
    const once = createOvhApi(credentials(), {
      requestsPerMinute: 100_000,
      budgets: paused,
      retry: { ...DEFAULT_RETRY_POLICY, maxAttempts: 1 },
    });
    await once.getServer(sn); // reads the API time before the limit is set
    sim.control.setFaults({ rateLimitPerMinute: 1 });
    try {
      const error = await failure(Promise.all([once.getServer(sn), once.getServer(sn), once.getServer(sn)]));

      expect(error).toMatchObject({ code: 'api-rate-limited', disposition: 'waiting', status: 429 });
      expect(error.retryAfterMs).toBeGreaterThan(0);
      expect(paused.stats()[0]?.stats.pausedMs).toBeGreaterThan(0);
    } finally {
      sim.control.setFaults({ rateLimitPerMinute: 0 });
    }
  });

  it('retries reads through 5xx answers and fails after the last attempt', async () => {
    const { sn } = await pick(4);
    sim.control.setFaults({ errorRate: 1 });
    const mark = sim.control.requests().length;
    try {
      const error = await failure(api.getServer(sn));

      expect(error).toMatchObject({ disposition: 'transient', ambiguous: false });
      expect(
        sim.control
          .requests()
          .slice(mark)
          .map((r) => `${r.status} ${r.path}`),
      ).toEqual([`500 /dedicated/server/${sn}`, `500 /dedicated/server/${sn}`]);
    } finally {
      sim.control.setFaults({ errorRate: 0 });
    }
  });

  it.each([
    {
      name: '500 after the task was created',
      faults: { errorRate: 1, ambiguousWrites: true },
      code: 'api-unavailable',
    },
    {
      name: 'a dropped connection after the task was created',
      faults: { dropRate: 1, ambiguousWrites: true },
      code: 'api-network',
    },
  ])('makes a reinstall POST ambiguous on $name, without posting twice', async ({ faults, code }) => {
    const { sn, compatible } = await pick(5 + (code === 'api-network' ? 1 : 0));
    const mark = sim.control.requests().length;
    sim.control.setFaults(faults);
    let error: OvhApiError;
    try {
      error = await failure(api.reinstall(sn, { operatingSystem: compatible }));
    } finally {
      sim.control.setFaults({ errorRate: 0, dropRate: 0, ambiguousWrites: false });
    }
    const tasks = await api.listTasks(sn, { function: 'reinstallServer' });

    expect(error).toMatchObject({ code, disposition: 'transient', ambiguous: true });
    expect(
      sim.control
        .requests()
        .slice(mark)
        .filter((r) => r.method === 'POST'),
    ).toHaveLength(1);
    expect(tasks).toHaveLength(1);
  });
});

describe('clock', () => {
  it('re-reads the API time when the simulator clock jumps, and the call succeeds', async () => {
    const { sn } = await pick(7);
    sim.control.advanceClock(2 * 3_600_000);
    const mark = sim.control.requests().length;

    const server = await api.getServer(sn);

    expect(server.name).toBe(sn);
    expect(
      sim.control
        .requests()
        .slice(mark)
        .map((r) => `${r.status} ${r.path}`),
    ).toEqual([`400 /dedicated/server/${sn}`, '200 /auth/time', `200 /dedicated/server/${sn}`]);
  });
});
