import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type RunningSimulator } from '../../src/sim/index.js';
import { call, type CallResult } from './sim-client.js';

/** Expanded listing of the simulator over real HTTPS (API-NOTES §5.6, docs/simulator.md). */

const MODE = { 'X-Pagination-Mode': 'CachedObjectList-Pages' };
type Obj = Record<string, unknown>;

function expanded(
  sim: RunningSimulator,
  path: string,
  headers: Record<string, string> = {},
  consumerKey?: string,
): Promise<CallResult> {
  return call(sim, 'GET', path, {
    headers: { ...MODE, ...headers },
    ...(consumerKey ? { consumerKey } : {}),
  });
}

function names(result: CallResult): string[] {
  return (result.body as Obj[]).map((o) => o['name'] as string);
}

function pagination(result: CallResult): [string?, string?, string?] {
  const h = result.headers;
  return [
    h['x-pagination-elements'] as string | undefined,
    h['x-pagination-number'] as string | undefined,
    h['x-pagination-size'] as string | undefined,
  ];
}

function filterOf(f: string): Record<string, string> {
  return { 'X-Pagination-Filter': f };
}

describe('expanded listing of GET /dedicated/server', () => {
  let sim: RunningSimulator;
  let ids: string[];
  let servers: Obj[];
  beforeAll(async () => {
    sim = await startSimulator({ servers: 12, faults: { expandedCacheMs: 0 } });
    ids = (await call(sim, 'GET', '/dedicated/server')).body as string[];
    servers = [];
    for (const id of ids) servers.push((await call(sim, 'GET', `/dedicated/server/${id}`)).body as Obj);
  });
  afterAll(() => sim.close());

  it('answers plain ids without X-Pagination-Mode, and no pagination headers', async () => {
    const plain = await call(sim, 'GET', '/dedicated/server', { headers: { 'X-Pagination-Size': '2' } });

    expect(plain.body).toEqual(ids);
    expect(pagination(plain)).toEqual([undefined, undefined, undefined]);
  });

  it('answers the full objects the per-object GET answers, in the id list order', async () => {
    const all = await expanded(sim, '/dedicated/server');

    expect(all.status).toBe(200);
    expect(all.body).toEqual(servers);
    expect(pagination(all)).toEqual(['12', '1', '5000']);
  });

  it('pages from 1 with X-Pagination-Size, the total on every page, an empty page past the end', async () => {
    const pages: CallResult[] = [];
    for (const n of [1, 2, 3, 4])
      pages.push(
        await expanded(sim, '/dedicated/server', {
          'X-Pagination-Number': String(n),
          'X-Pagination-Size': '5',
        }),
      );

    expect(pages.map((p) => names(p))).toEqual([ids.slice(0, 5), ids.slice(5, 10), ids.slice(10), []]);
    expect(pages.map((p) => pagination(p))).toEqual([
      ['12', '1', '5'],
      ['12', '2', '5'],
      ['12', '3', '5'],
      ['12', '4', '5'],
    ]);
  });

  const pick = (test: (s: Obj) => boolean): string[] => servers.filter(test).map((s) => s['name'] as string);

  it.each([
    [
      'eq',
      (s: Obj) => `datacenter:eq=${String(s['datacenter'])}`,
      (s: Obj, x: Obj) => x['datacenter'] === s['datacenter'],
    ],
    [
      'ne',
      (s: Obj) => `datacenter:ne=${String(s['datacenter'])}`,
      (s: Obj, x: Obj) => x['datacenter'] !== s['datacenter'],
    ],
    [
      'lt',
      (s: Obj) => `serverId:lt=${String(s['serverId'])}`,
      (s: Obj, x: Obj) => (x['serverId'] as number) < (s['serverId'] as number),
    ],
    [
      'gt',
      (s: Obj) => `serverId:gt=${String(s['serverId'])}`,
      (s: Obj, x: Obj) => (x['serverId'] as number) > (s['serverId'] as number),
    ],
    [
      'eq on a number',
      (s: Obj) => `serverId:eq=${String(s['serverId'])}`,
      (s: Obj, x: Obj) => x['serverId'] === s['serverId'],
    ],
    ['eq on a boolean', () => 'monitoring:eq=true', (_s: Obj, x: Obj) => x['monitoring'] === true],
  ])('filters with %s', async (_name, filter, keep) => {
    const pivot = servers[4] as Obj;

    const answer = await expanded(sim, '/dedicated/server', filterOf(filter(pivot)));

    const expected = pick((x) => keep(pivot, x));
    expect(names(answer)).toEqual(expected);
    expect(answer.headers['x-pagination-elements']).toBe(String(expected.length));
  });

  it('filters with like, % written %25 and matching any text, case-sensitively', async () => {
    const prefix = (ids[0] as string).slice(0, 4);

    const starts = await expanded(sim, '/dedicated/server', filterOf(`name:like=${prefix}%25`));
    const inside = await expanded(sim, '/dedicated/server', filterOf('name:like=%25.ip-%25'));
    const upper = await expanded(sim, '/dedicated/server', filterOf('name:like=NS%25'));
    const exact = await expanded(sim, '/dedicated/server', filterOf(`name:like=${ids[3] as string}`));

    expect(names(starts)).toEqual(ids.filter((id) => id.startsWith(prefix)));
    expect(names(inside)).toEqual(ids);
    expect(names(upper)).toEqual([]);
    expect(names(exact)).toEqual([ids[3]]);
  });

  it('filters with in (comma-separated values) and joins several filters with & (all must hold)', async () => {
    const dcs = [servers[0]?.['datacenter'], servers[1]?.['datacenter']] as string[];

    const within = await expanded(sim, '/dedicated/server', filterOf(`datacenter:in=${dcs.join(',')}`));
    const both = await expanded(
      sim,
      '/dedicated/server',
      filterOf(`datacenter:in=${dcs.join(',')}&serverId:gt=${String(servers[0]?.['serverId'])}`),
    );

    expect(names(within)).toEqual(pick((x) => dcs.includes(x['datacenter'] as string)));
    expect(names(both)).toEqual(
      pick(
        (x) =>
          dcs.includes(x['datacenter'] as string) &&
          (x['serverId'] as number) > (servers[0]?.['serverId'] as number),
      ),
    );
  });

  it('a null field matches only ne', async () => {
    const eq = await expanded(sim, '/dedicated/server', filterOf('rootDevice:eq=x'));
    const ne = await expanded(sim, '/dedicated/server', filterOf('rootDevice:ne=x'));

    expect(names(eq)).toEqual([]);
    expect(names(ne)).toEqual(ids);
  });

  it('sorts ASC and DESC by X-Pagination-Sort, ties in the id list order both ways, then pages', async () => {
    const asc = await expanded(sim, '/dedicated/server', { 'X-Pagination-Sort': 'serverId' });
    const desc = await expanded(sim, '/dedicated/server', {
      'X-Pagination-Sort': 'serverId',
      'X-Pagination-Sort-Order': 'DESC',
      'X-Pagination-Size': '3',
      'X-Pagination-Number': '2',
    });
    const byDc = await expanded(sim, '/dedicated/server', {
      'X-Pagination-Sort': 'datacenter',
      'X-Pagination-Sort-Order': 'DESC',
    });

    const sorted = [...servers].sort((a, b) => (a['serverId'] as number) - (b['serverId'] as number));
    expect(names(asc)).toEqual(sorted.map((s) => s['name']));
    expect(names(desc)).toEqual(
      [...sorted]
        .reverse()
        .slice(3, 6)
        .map((s) => s['name']),
    );
    const dcs = [...new Set(servers.map((s) => s['datacenter'] as string))].sort().reverse();
    expect(names(byDc)).toEqual(dcs.flatMap((dc) => pick((x) => x['datacenter'] === dc)));
  });

  it.each([
    ['a page size above the limit', { 'X-Pagination-Size': '10001' }, /maximum page size of 10000/],
    ['a page size of 0', { 'X-Pagination-Size': '0' }, /X-Pagination-Size.*integer >= 1/],
    ['a page number of 0', { 'X-Pagination-Number': '0' }, /X-Pagination-Number.*integer >= 1/],
    ['another mode', { 'X-Pagination-Mode': 'CachedObjectList-Cursor' }, /Unsupported X-Pagination-Mode/],
    ['an unknown sort field', { 'X-Pagination-Sort': 'colour' }, /unknown field "colour"/],
    ['a sort on an object field', { 'X-Pagination-Sort': 'iam' }, /"iam" is an object/],
    ['a bad sort order', { 'X-Pagination-Sort': 'name', 'X-Pagination-Sort-Order': 'UP' }, /ASC or DESC/],
    ['a filter without op', filterOf('name=x'), /field:op=value/],
    ['an unknown operator', filterOf('name:contains=x'), /unknown operator "contains"/],
    ['an unknown filter field', filterOf('colour:eq=red'), /unknown field "colour"/],
    ['a nested field', filterOf('iam.id:eq=1'), /unknown field "iam.id"/],
    ['a text on a number field', filterOf('serverId:gt=abc'), /"abc" is not a number/],
    ['a bad boolean', filterOf('monitoring:eq=yes'), /not true or false/],
    ['like on a number', filterOf('serverId:like=1%25'), /like needs a text field/],
    ['an unencoded %', filterOf('name:like=%ns'), /write a literal % as %25/],
  ])('answers 400 in OVHcloud error shape for %s', async (_name, headers, message) => {
    const answer = await expanded(sim, '/dedicated/server', headers);

    expect(answer.status).toBe(400);
    expect(answer.body).toEqual({
      class: 'Client::BadRequest',
      message: expect.stringMatching(message) as string,
    });
  });

  it('accepts a page of exactly the limit, and the limit is configurable', async () => {
    const atLimit = await expanded(sim, '/dedicated/server', { 'X-Pagination-Size': '10000' });
    sim.control.setFaults({ expandedPageSizeLimit: 5 });
    const above = await expanded(sim, '/dedicated/server', { 'X-Pagination-Size': '6' });
    const absent = await expanded(sim, '/dedicated/server');
    sim.control.setFaults({ expandedPageSizeLimit: 10_000 });

    expect(atLimit.status).toBe(200);
    expect(above.status).toBe(400);
    expect((above.body as Obj)['message']).toMatch(/maximum page size of 5/);
    // Without X-Pagination-Size the default (5,000) is asked for, so a lower limit refuses it too.
    expect(absent.status).toBe(400);
  });

  it('signs and checks an expanded request like any GET (the headers are not signed)', async () => {
    const bad = await call(sim, 'GET', '/dedicated/server', { headers: MODE, badSignature: true });
    const none = await call(sim, 'GET', '/dedicated/server', { headers: MODE, consumerKey: null });
    const readOnly = await expanded(sim, '/dedicated/server', {}, sim.credentials.readOnlyConsumerKey);

    expect(bad.status).toBe(400);
    expect((bad.body as Obj)['errorCode']).toBe('INVALID_SIGNATURE');
    expect(none.status).toBe(403);
    expect((none.body as Obj)['errorCode']).toBe('INVALID_KEY');
    expect(readOnly.status).toBe(200);
  });

  it('records the pagination headers of expanded requests in the request log', async () => {
    sim.control.clearRequests();

    await call(sim, 'GET', '/dedicated/server');
    await expanded(sim, '/dedicated/server', {
      'X-Pagination-Number': '2',
      'X-Pagination-Size': '5',
      Pragma: 'no-cache',
    });

    const [plain, paged] = sim.control.requests();
    expect(plain?.pagination).toBeUndefined();
    expect(paged?.pagination).toEqual({
      mode: 'CachedObjectList-Pages',
      number: '2',
      size: '5',
      noCache: true,
    });
  });
});

describe('expanded listing of GET /dedicated/server/{serviceName}/task', () => {
  let sim: RunningSimulator;
  let sn: string;
  beforeAll(async () => {
    sim = await startSimulator({ servers: 3, faults: { expandedCacheMs: 0 } });
    sn = sim.control.account()[1]?.server.name as string;
    sim.control.startForeignTask(sn, { startedAgoMs: 3_600_000 });
    sim.control.startForeignTask(sn, { startedAgoMs: 3_000_000, outcome: 'customerError' });
    sim.control.startForeignTask(sn, { startedAgoMs: 1_000 });
  });
  afterAll(() => sim.close());

  it('answers the Task objects the per-task GET answers, oldest first, with the query filters too', async () => {
    const ids = (await call(sim, 'GET', `/dedicated/server/${sn}/task`)).body as number[];
    const tasks: Obj[] = [];
    for (const id of ids)
      tasks.push((await call(sim, 'GET', `/dedicated/server/${sn}/task/${id}`)).body as Obj);

    const all = await expanded(sim, `/dedicated/server/${sn}/task`);
    const done = await expanded(sim, `/dedicated/server/${sn}/task?function=reinstallServer&status=done`);
    const failed = await expanded(
      sim,
      `/dedicated/server/${sn}/task`,
      filterOf('status:in=customerError,ovhError'),
    );
    const newest = await expanded(sim, `/dedicated/server/${sn}/task`, {
      'X-Pagination-Sort': 'startDate',
      'X-Pagination-Sort-Order': 'DESC',
      'X-Pagination-Size': '1',
    });

    expect(tasks.map((t) => t['status'])).toEqual(['done', 'customerError', 'init']);
    expect(all.body).toEqual(tasks);
    expect(done.body).toEqual([tasks[0]]);
    expect(done.headers['x-pagination-elements']).toBe('1');
    expect(failed.body).toEqual([tasks[1]]);
    expect(newest.body).toEqual([tasks[2]]);
    expect(newest.headers['x-pagination-elements']).toBe('3');
  });

  it('answers 404 for an unknown server in both modes', async () => {
    const answer = await expanded(sim, '/dedicated/server/ns0.example.eu/task');

    expect(answer.status).toBe(404);
  });

  it('leaves out tasks younger than taskListLagMs in expanded mode too', async () => {
    sim.control.setFaults({ taskListLagMs: 60_000 });
    const lagging = await expanded(sim, `/dedicated/server/${sn}/task`, { Pragma: 'no-cache' });
    sim.control.setFaults({ taskListLagMs: 0 });

    expect((lagging.body as Obj[]).map((t) => t['status'])).toEqual(['done', 'customerError']);
  });
});
