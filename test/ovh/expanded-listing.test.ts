/**
 * Expanded listing through the REAL official client over HTTPS (a stand-in on 127.0.0.1:0 with a
 * self-signed certificate): the paging headers go out, the pages come back checked, an endpoint
 * that answers ids and every kind of bad answer end as `unavailable` with a reason, never as a
 * list, and each HTTP request is counted under its endpoint template.
 */
import createOvhClient from '@ovhcloud/node-ovh';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/core/clock.js';
import { OvhApiError } from '../../src/ovh/errors.js';
import { NodeOvhTransport, type OvhClientLike } from '../../src/ovh/node-ovh-transport.js';
import { OvhClientAdapter } from '../../src/ovh/ovh-client-adapter.js';
import type { ExpandedList } from '../../src/ovh/ovh-api.js';
import { RequestBudget } from '../../src/ovh/request-budget.js';
import { ApiRequestCounts } from '../../src/ovh/request-counts.js';
import { installResponseCapture } from '../../src/ovh/response-capture.js';
import { DEFAULT_RETRY_POLICY } from '../../src/ovh/retry-policy.js';
import { trustExtraCa } from '../../src/ovh/tls-trust.js';
import { SERVER, TASK } from './helpers/answers.js';
import { startExpandedServer, type ExpandedServer, type PageAnswer } from './helpers/expanded-server.js';

const SN = 'ns1.example.net';
const TASKS_PATH = `/dedicated/server/${SN}/task`;
const servers = Array.from({ length: 5 }, (_, i) => ({ ...SERVER, name: `ns${i}.example.net`, serverId: i }));
const tasks = [
  { ...TASK, taskId: 1, function: 'reinstallServer', status: 'doing' },
  { ...TASK, taskId: 2, function: 'hardReboot', status: 'doing' },
  { ...TASK, taskId: 3, function: 'reinstallServer', status: 'done' },
  { ...TASK, taskId: 4, function: 'reinstallServer', status: 'doing' },
];

let stand: ExpandedServer;

beforeAll(async () => {
  stand = await startExpandedServer();
  trustExtraCa(stand.server.cert);
  installResponseCapture();
});

afterAll(async () => {
  clearInterval(drain);
  await stand.server.close();
});

beforeEach(() => {
  stand.lists.set('/dedicated/server', servers);
  stand.lists.set(TASKS_PATH, tasks);
  stand.tamper = null;
  stand.ignoreHeaders = false;
  stand.server.seen.length = 0;
});

/** Calls queued here run from a timer started outside any capture: their context is lost. */
const outside: (() => void)[] = [];
let drain: NodeJS.Timeout | undefined;

/** The client, its requests sent from outside the caller's async context (as after /auth/time). */
function detach(client: OvhClientLike): OvhClientLike {
  drain ??= setInterval(() => outside.splice(0).forEach((run) => run()), 5);
  return {
    get apiTimeDiff() {
      return client.apiTimeDiff;
    },
    set apiTimeDiff(value) {
      client.apiTimeDiff = value;
    },
    requestPromised: (method, path, params) =>
      new Promise((resolve, reject) => {
        outside.push(
          () => void Promise.resolve(client.requestPromised(method, path, params)).then(resolve, reject),
        );
      }) as ReturnType<OvhClientLike['requestPromised']>,
  };
}

/** The real adapter over a new official client, after one plain call (the client's first). */
async function adapter(options: { pageSize?: number; detached?: boolean; attempts?: number } = {}) {
  const client = createOvhClient({
    host: '127.0.0.1',
    port: stand.server.port,
    basePath: '/1.0',
    appKey: 'ak',
    appSecret: 'as',
    consumerKey: 'ck',
    timeout: 2_000,
  });
  const counts = new ApiRequestCounts();
  const budget = new RequestBudget(systemClock, 100_000);
  const api = new OvhClientAdapter({
    transport: new NodeOvhTransport(options.detached ? detach(client) : client, systemClock, {
      deadlineMs: 5_000,
      idleTimeoutMs: 2_000,
    }),
    budget,
    clock: systemClock,
    requestCounts: counts,
    retry: { ...DEFAULT_RETRY_POLICY, maxAttempts: options.attempts ?? 1, baseDelayMs: 10 },
    ...(options.pageSize === undefined ? {} : { expandedPageSize: options.pageSize }),
  });
  await api.listServers();
  stand.server.seen.length = 0;
  return { api, counts, budget };
}

function names(list: ExpandedList<{ name: string }>): string[] {
  expect(list.kind).toBe('objects');
  return list.kind === 'objects' ? list.objects.map((s) => s.name) : [];
}

describe('expanded listing over the official client', () => {
  it('pages through every server with the paging headers and counts each page', async () => {
    const { api, counts } = await adapter({ pageSize: 2 });

    const list = await api.listServersExpanded();

    expect(names(list)).toEqual(servers.map((s) => s.name));
    expect(list).toMatchObject({ fresh: false, calls: 3 });
    expect(
      stand.server.seen.map((r) => [
        r.headers['x-pagination-mode'],
        r.headers['x-pagination-size'],
        r.headers['x-pagination-number'],
        r.headers.pragma,
      ]),
    ).toEqual([
      ['CachedObjectList-Pages', '2', '1', undefined],
      ['CachedObjectList-Pages', '2', '2', undefined],
      ['CachedObjectList-Pages', '2', '3', undefined],
    ]);
    expect(counts.snapshot()).toContainEqual({
      endpoint: 'GET /dedicated/server (expanded)',
      statusClass: '2xx',
      count: 3,
    });
  });

  it('asks for one more page when the total fills the last one, to prove the list ends there', async () => {
    const { api } = await adapter({ pageSize: 2 });
    stand.lists.set('/dedicated/server', servers.slice(0, 4));

    const list = await api.listServersExpanded();

    expect(names(list)).toEqual(servers.slice(0, 4).map((s) => s.name));
    expect(list).toMatchObject({ calls: 3 });
    expect(stand.server.seen.map((r) => r.headers['x-pagination-number'])).toEqual(['1', '2', '3']);
  });

  it('asks for 5,000 objects a page and a fresh list with Pragma: no-cache', async () => {
    const { api } = await adapter();

    const list = await api.listServersExpanded({ fresh: true });

    expect(names(list)).toEqual(servers.map((s) => s.name));
    expect(list).toMatchObject({ fresh: true, calls: 1 });
    expect(stand.server.seen[0]?.headers).toMatchObject({
      'x-pagination-size': '5000',
      'x-pagination-number': '1',
      pragma: 'no-cache',
    });
  });

  it('lists the tasks asked for, with the filter in the query and in X-Pagination-Filter', async () => {
    const { api, counts } = await adapter();

    const list = await api.listTasksExpanded(SN, { function: 'reinstallServer', status: 'doing' });

    expect(list.kind === 'objects' ? list.objects.map((t) => t.taskId) : list).toEqual([1, 4]);
    expect(stand.server.seen[0]?.url).toContain('function=reinstallServer');
    expect(stand.server.seen[0]?.headers['x-pagination-filter']).toBe(
      'function:eq=reinstallServer&status:eq=doing',
    );
    expect(counts.snapshot()).toContainEqual({
      endpoint: 'GET /dedicated/server/{serviceName}/task (expanded)',
      statusClass: '2xx',
      count: 1,
    });
  });

  it('takes one budget token a page at the priority asked for, and retries a page like a read', async () => {
    const { api, counts, budget } = await adapter({ pageSize: 2, attempts: 2 });
    let failed = false;
    stand.tamper = (ask, answer) => {
      if (ask.number !== 2 || failed) return answer;
      failed = true;
      return { status: 503, body: { message: 'Service unavailable' }, total: undefined };
    };
    const before = budget.stats().granted.background;

    const list = await api.listServersExpanded({ priority: 'background' });

    expect(names(list)).toEqual(servers.map((s) => s.name));
    expect(list).toMatchObject({ calls: 4 });
    expect(budget.stats().granted.background - before).toBe(4);
    expect(stand.server.seen.map((r) => r.headers['x-pagination-number'])).toEqual(['1', '2', '2', '3']);
    expect(counts.snapshot()).toEqual(
      expect.arrayContaining([
        { endpoint: 'GET /dedicated/server (expanded)', statusClass: '2xx', count: 3 },
        { endpoint: 'GET /dedicated/server (expanded)', statusClass: '5xx', count: 1 },
      ]),
    );
  });

  it('answers unavailable when the endpoint ignores the header and answers ids', async () => {
    const { api } = await adapter();
    stand.ignoreHeaders = true;

    const list = await api.listServersExpanded();

    expect(list).toEqual({ kind: 'unavailable', reason: expect.stringMatching(/answered ids/), calls: 1 });
  });

  it('answers unavailable, never a list, when the request ran outside the capture (context lost)', async () => {
    const { api } = await adapter({ detached: true });

    const list = await api.listServersExpanded();

    expect(stand.server.seen.map((r) => r.headers['x-pagination-mode'])).toEqual([undefined]);
    expect(list).toEqual({
      kind: 'unavailable',
      reason: expect.stringMatching(/paging headers could not be set/),
      calls: 1,
    });
  });
});

/** Page 1 and page 2 of the five servers at two a page, as the stand-in would send them. */
const first = servers.slice(0, 2);
const second = servers.slice(2, 4);

type Tamper = (page: number, answer: PageAnswer) => PageAnswer;
const onPage =
  (number: number, change: (answer: PageAnswer) => PageAnswer): Tamper =>
  (page, answer) =>
    page === number ? change(answer) : answer;
const body = (answer: PageAnswer): unknown[] => answer.body as unknown[];

describe('bad expanded answers end as unavailable with the reason', () => {
  it.each<[string, Tamper, RegExp]>([
    [
      'an object missing',
      onPage(2, (a) => ({ ...a, body: body(a).slice(1) })),
      /page 2 has 1 objects, fewer than the 2/,
    ],
    [
      'an extra object',
      onPage(3, (a) => ({ ...a, body: [...body(a), { ...SERVER, name: 'extra' }] })),
      /page 3 has 2 objects, more than the 1/,
    ],
    [
      'a malformed object',
      onPage(2, (a) => ({ ...a, body: [{ ...second[0], os: 42 }, second[1]] })),
      /page 2, object 0 is malformed: \[0\]\.os: expected a string/,
    ],
    [
      'a duplicate',
      onPage(2, (a) => ({ ...a, body: [first[1], second[1]] })),
      /"ns1\.example\.net" appears twice \(page 2\)/,
    ],
    [
      'pages that shifted (a server added before page 2)',
      onPage(2, (a) => ({ ...a, body: [first[1], second[0]], total: '6' })),
      /total changed between pages: 5 on page 1, 6 on page 2/,
    ],
    [
      'a total a page short, on page 1 only',
      onPage(1, (a) => ({ ...a, total: '4' })),
      /total changed between pages: 4 on page 1, 5 on page 2/,
    ],
    [
      'a total above the list on every page',
      (_page, a) => ({ ...a, total: '6' }),
      /page 3 has 1 objects, fewer than the 2 expected from X-Pagination-Elements 6/,
    ],
    [
      'a total below the list on every page',
      (_page, a) => ({ ...a, total: '3' }),
      /page 2 has 2 objects, more than the 1 expected from X-Pagination-Elements 3/,
    ],
    ['no total', onPage(1, (a) => ({ ...a, total: undefined })), /page 1 has no X-Pagination-Elements/],
    ['a total that is not a count', onPage(1, (a) => ({ ...a, total: 'many' })), /"many" is not a count/],
    [
      'an object instead of a list',
      onPage(1, (a) => ({ ...a, body: { servers: a.body } })),
      /page 1 is not a list \(a object\)/,
    ],
    ['nulls in the list', onPage(2, (a) => ({ ...a, body: [null, second[1]] })), /page 2 holds null/],
    [
      'a 400 refusing the paging headers',
      onPage(2, (a) => ({ ...a, status: 400, body: { message: 'Invalid pagination' } })),
      /refused page 2: .*Invalid pagination/,
    ],
  ])('%s', async (_name, tamper, reason) => {
    const { api } = await adapter({ pageSize: 2 });
    stand.tamper = (ask, answer) => tamper(ask.number, answer);

    const list = await api.listServersExpanded();

    expect(list).toMatchObject({ kind: 'unavailable', reason: expect.stringMatching(reason) });
  });

  it('refuses a task that does not match the filter asked for', async () => {
    const { api } = await adapter();
    stand.tamper = (_ask, answer) => ({ ...answer, body: [tasks[0], { ...tasks[3], status: 'done' }] });

    const list = await api.listTasksExpanded(SN, { function: 'reinstallServer', status: 'doing' });

    expect(list).toMatchObject({
      kind: 'unavailable',
      reason: 'id 4 (page 1) is not what was asked: status is "done", not "doing"',
    });
  });

  it('still throws what a read throws (403), counted under its endpoint', async () => {
    const { api, counts } = await adapter({ pageSize: 2 });
    stand.tamper = (ask, answer) =>
      ask.number === 2
        ? {
            ...answer,
            status: 403,
            body: { errorCode: 'FORBIDDEN', message: 'This call has not been granted' },
          }
        : answer;

    const error = await api.listServersExpanded().catch((e: unknown) => e);

    expect(error).toBeInstanceOf(OvhApiError);
    expect(error).toMatchObject({ status: 403 });
    expect(counts.snapshot()).toEqual(
      expect.arrayContaining([
        { endpoint: 'GET /dedicated/server (expanded)', statusClass: '2xx', count: 1 },
        { endpoint: 'GET /dedicated/server (expanded)', statusClass: '4xx', count: 1 },
      ]),
    );
  });
});
