import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FleetError } from '../../src/core/errors.js';
import { parseFaultSpec, startSimulator, type RunningSimulator } from '../../src/sim/index.js';
import { call, type CallResult } from './sim-client.js';

/**
 * The `expandedAnswer` fault: expanded answers spoiled the ways the adapter must detect and fall
 * back from (an endpoint that ignores the header, an object missing, an extra object, a malformed
 * object, a total that disagrees with the list, a list that changes between pages).
 */

const MODE = { 'X-Pagination-Mode': 'CachedObjectList-Pages' };
type Obj = Record<string, unknown>;

function page(
  sim: RunningSimulator,
  number: number,
  size = 5,
  path = '/dedicated/server',
): Promise<CallResult> {
  return call(sim, 'GET', path, {
    headers: { ...MODE, 'X-Pagination-Number': String(number), 'X-Pagination-Size': String(size) },
  });
}

function names(result: CallResult): unknown[] {
  return (result.body as Obj[]).map((o) => o['name']);
}

describe('the expandedAnswer fault', () => {
  let sim: RunningSimulator;
  let ids: string[];
  beforeAll(async () => {
    sim = await startSimulator({ servers: 12, faults: { expandedCacheMs: 0 } });
    ids = (await call(sim, 'GET', '/dedicated/server')).body as string[];
  });
  afterEach(() => void sim.control.setFaults({ expandedAnswer: 'faithful' }));
  afterAll(() => sim.close());

  it('ids: ignores the header and every pagination header, answering plain ids', async () => {
    sim.control.setFaults({ expandedAnswer: 'ids' });
    const sn = ids[0] as string;
    const taskId = sim.control.startForeignTask(sn);

    const servers = await call(sim, 'GET', '/dedicated/server', {
      headers: { ...MODE, 'X-Pagination-Size': '99999', 'X-Pagination-Filter': 'nonsense' },
    });
    const tasks = await page(sim, 1, 5, `/dedicated/server/${sn}/task`);

    expect(servers.status).toBe(200);
    expect(servers.body).toEqual(ids);
    expect(servers.headers['x-pagination-elements']).toBeUndefined();
    expect(tasks.body).toEqual([taskId]);
  });

  it('missing-object: leaves the middle object of each page out, the total still counts it', async () => {
    sim.control.setFaults({ expandedAnswer: 'missing-object' });

    const first = await page(sim, 1);

    expect(names(first)).toEqual([ids[0], ids[1], ids[3], ids[4]]);
    expect(first.headers['x-pagination-elements']).toBe('12');
  });

  it('extra-object: adds an object whose id is in no list to each non-empty page', async () => {
    sim.control.setFaults({ expandedAnswer: 'extra-object' });

    const first = await page(sim, 1);
    const pastEnd = await page(sim, 4);

    const got = names(first);
    expect(pastEnd.body).toEqual([]);
    expect(got.slice(0, 5)).toEqual(ids.slice(0, 5));
    expect(got).toHaveLength(6);
    expect(ids).not.toContain(got[5]);
    expect(first.headers['x-pagination-elements']).toBe('12');
  });

  it('malformed-object: the first object has no id and wrongly typed fields', async () => {
    sim.control.setFaults({ expandedAnswer: 'malformed-object' });

    const first = await page(sim, 1);

    const [broken, ...rest] = first.body as Obj[];
    expect(broken).not.toHaveProperty('name');
    expect(broken?.['os']).toBe(42);
    expect(rest.map((o) => o['name'])).toEqual(ids.slice(1, 5));
  });

  it('wrong-total: X-Pagination-Elements is one more than the list', async () => {
    sim.control.setFaults({ expandedAnswer: 'wrong-total' });

    const all = await page(sim, 1, 100);

    expect(names(all)).toEqual(ids);
    expect(all.headers['x-pagination-elements']).toBe('13');
  });

  it('shifting-list: from page 2 the list lost its first object, so one object is skipped', async () => {
    sim.control.setFaults({ expandedAnswer: 'shifting-list' });

    const pages = [await page(sim, 1), await page(sim, 2), await page(sim, 3)];

    expect(pages.map((p) => names(p))).toEqual([ids.slice(0, 5), ids.slice(6, 11), ids.slice(11)]);
    expect(pages.map((p) => p.headers['x-pagination-elements'])).toEqual(['12', '11', '11']);
  });

  it('faithful: the union of the pages is the id list, again', async () => {
    const pages = [await page(sim, 1), await page(sim, 2), await page(sim, 3)];

    expect(pages.flatMap((p) => names(p))).toEqual(ids);
  });

  it('is set through POST /_sim/faults and --faults, and refuses an unknown value', async () => {
    const set = await call(sim, 'POST', '/_sim/faults', { body: { expandedAnswer: 'wrong-total' } });
    const bad = await call(sim, 'POST', '/_sim/faults', { body: { expandedAnswer: 'sometimes' } });

    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({ expandedAnswer: 'wrong-total' });
    expect(bad.status).toBe(400);
    expect(parseFaultSpec('expandedAnswer=ids,expandedCacheMs=0,expandedPageSizeLimit=50000')).toEqual({
      expandedAnswer: 'ids',
      expandedCacheMs: 0,
      expandedPageSizeLimit: 50_000,
    });
    expect(() => parseFaultSpec('expandedPageSizeLimit=0')).toThrow(FleetError);
  });
});
