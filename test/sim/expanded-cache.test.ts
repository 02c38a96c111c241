import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_FAULTS, startSimulator, type RunningSimulator } from '../../src/sim/index.js';
import { call, type CallResult } from './sim-client.js';

/**
 * The cached object list of expanded listing: without `Pragma: no-cache` an answer may come from a
 * snapshot up to `expandedCacheMs` old (sim clock); with it the answer is current and refreshes the
 * snapshot. Time moves with the simulator's clock, never with sleeps.
 */

const MODE = { 'X-Pagination-Mode': 'CachedObjectList-Pages' };
const FRESH = { ...MODE, Pragma: 'no-cache' };
type Obj = Record<string, unknown>;

function osOf(result: CallResult, name: string): unknown {
  return (result.body as Obj[]).find((s) => s['name'] === name)?.['os'];
}

describe('the cached object list', () => {
  let sim: RunningSimulator;
  let sn: string;
  beforeEach(async () => {
    sim = await startSimulator({ servers: 4, faults: { expandedCacheMs: 60_000 } });
    sn = sim.control.account()[0]?.server.name as string;
    sim.control.updateServer(sn, { os: 'debian12_64' });
  });
  afterEach(() => sim.close());

  it('is 60 s by default', () => {
    expect(DEFAULT_FAULTS.expandedCacheMs).toBe(60_000);
  });

  it('answers from the snapshot without Pragma, current with Pragma: no-cache, which refreshes it', async () => {
    await call(sim, 'GET', '/dedicated/server', { headers: MODE });
    sim.control.updateServer(sn, { os: 'rocky9_64' });

    const cached = await call(sim, 'GET', '/dedicated/server', { headers: MODE });
    const fresh = await call(sim, 'GET', '/dedicated/server', { headers: FRESH });
    sim.control.updateServer(sn, { os: 'alma9_64' });
    const refreshed = await call(sim, 'GET', '/dedicated/server', { headers: MODE });
    const perObject = await call(sim, 'GET', `/dedicated/server/${sn}`);

    expect(osOf(cached, sn)).toBe('debian12_64');
    expect(osOf(fresh, sn)).toBe('rocky9_64');
    expect(osOf(refreshed, sn)).toBe('rocky9_64');
    expect((perObject.body as Obj)['os']).toBe('alma9_64');
  });

  it('takes a new snapshot once the stored one is older than expandedCacheMs', async () => {
    await call(sim, 'GET', '/dedicated/server', { headers: MODE });
    sim.control.updateServer(sn, { os: 'rocky9_64' });

    sim.control.advanceClock(30_000);
    const young = await call(sim, 'GET', '/dedicated/server', { headers: MODE });
    sim.control.advanceClock(30_001);
    const old = await call(sim, 'GET', '/dedicated/server', { headers: MODE });

    expect(osOf(young, sn)).toBe('debian12_64');
    expect(osOf(old, sn)).toBe('rocky9_64');
  });

  it('is always current with expandedCacheMs 0', async () => {
    sim.control.setFaults({ expandedCacheMs: 0 });
    await call(sim, 'GET', '/dedicated/server', { headers: MODE });
    sim.control.updateServer(sn, { os: 'rocky9_64' });

    const answer = await call(sim, 'GET', '/dedicated/server', { headers: MODE });

    expect(osOf(answer, sn)).toBe('rocky9_64');
  });

  it('keeps one snapshot per consumer key', async () => {
    await call(sim, 'GET', '/dedicated/server', { headers: MODE });
    sim.control.updateServer(sn, { os: 'rocky9_64' });

    const other = await call(sim, 'GET', '/dedicated/server', {
      headers: MODE,
      consumerKey: sim.credentials.readOnlyConsumerKey,
    });
    const same = await call(sim, 'GET', '/dedicated/server', { headers: MODE });

    expect(osOf(other, sn)).toBe('rocky9_64');
    expect(osOf(same, sn)).toBe('debian12_64');
  });

  it('cuts every page of one snapshot while it lasts, so pages agree with each other', async () => {
    const page1 = await call(sim, 'GET', '/dedicated/server', {
      headers: { ...MODE, 'X-Pagination-Size': '2' },
    });
    const last = sim.control.account()[3]?.server.name as string;
    sim.control.updateServer(last, { os: 'rocky9_64' });

    const page2 = await call(sim, 'GET', '/dedicated/server', {
      headers: { ...MODE, 'X-Pagination-Size': '2', 'X-Pagination-Number': '2' },
    });

    expect(page1.headers['x-pagination-elements']).toBe('4');
    expect(osOf(page2, last)).not.toBe('rocky9_64');
  });

  it('caches task lists too: a new task and status changes show only when fresh or expired', async () => {
    await call(sim, 'GET', `/dedicated/server/${sn}/task`, { headers: MODE });
    const taskId = sim.control.startForeignTask(sn);

    const cached = await call(sim, 'GET', `/dedicated/server/${sn}/task`, { headers: MODE });
    const fresh = await call(sim, 'GET', `/dedicated/server/${sn}/task`, { headers: FRESH });
    sim.control.advanceClock(50_000);
    const frozen = await call(sim, 'GET', `/dedicated/server/${sn}/task`, { headers: MODE });
    const current = await call(sim, 'GET', `/dedicated/server/${sn}/task`, { headers: FRESH });

    expect(cached.body).toEqual([]);
    expect(fresh.body).toEqual([expect.objectContaining({ taskId, status: 'init' })]);
    expect(frozen.body).toEqual(fresh.body);
    expect((current.body as Obj[])[0]?.['status']).toBe('doing');
  });

  it('leaves plain id lists and per-object GETs uncached', async () => {
    await call(sim, 'GET', '/dedicated/server', { headers: MODE });
    await call(sim, 'GET', `/dedicated/server/${sn}/task`, { headers: MODE });
    const taskId = sim.control.startForeignTask(sn);

    const ids = await call(sim, 'GET', `/dedicated/server/${sn}/task`);

    expect(ids.body).toEqual([taskId]);
  });
});
