/**
 * observeFleet and reinstall tasks, against a simulator of its own (a running task must not
 * disturb the other observation tests): a running task is found and never cached; a finished
 * one is remembered so it is not read again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../src/core/virtual-clock.js';
import type { OvhApi } from '../../src/ovh/ovh-api.js';
import { MemoryObservationCache, observeFleet, type ObserveOptions } from '../../src/observe/index.js';
import { startSimulator, type RunningSimulator } from '../../src/sim/index.js';
import { simApi } from '../support/sim-api.js';

let sim: RunningSimulator;
let api: OvhApi;
let names: string[];

beforeAll(async () => {
  // The endpoint ignores the expanded-listing header here, so this file covers the per-server way
  // (test/observe/observe-expanded*.test.ts cover the expanded list).
  sim = await startSimulator({ servers: 12, seed: 1, faults: { expandedAnswer: 'ids' } });
  api = simApi(sim);
  names = sim.control
    .account()
    .map((s) => s.server.name)
    .sort();
});

afterAll(async () => {
  await sim?.close();
});

function options(): ObserveOptions {
  return {
    cache: new MemoryObservationCache(),
    clock: new VirtualClock(),
    fingerprints: new Map(names.map((n) => [n, `digest-of-${n}|no-record`])),
    actionOf: (_name, observation) => (observation.runningTask ? 'follow' : 'none'),
  };
}

describe('observeFleet and reinstall tasks', () => {
  it('finds a running reinstall task, never caches it, and remembers finished tasks', async () => {
    const own = sim;
    const ownApi = api;
    const [running, finished] = [names[5]!, names[6]!];
    const taskId = own.control.startForeignTask(running, { operatingSystem: 'debian12_64' });
    own.control.startForeignTask(finished, { startedAgoMs: 3 * 3_600_000 });
    const opts = options();

    const first = await observeFleet(ownApi, names, opts);
    const second = await observeFleet(ownApi, names, opts);
    const fresh = await observeFleet(ownApi, [finished], { ...opts, fingerprints: new Map() });

    expect(first.observed.get(running)?.runningTask).toMatchObject({ taskId });
    expect(['init', 'todo', 'doing']).toContain(first.observed.get(running)?.runningTask?.status);
    expect(first.observed.get(finished)?.runningTask).toBeNull();
    expect(first.stats.calls.getTask).toBe(2);
    // The running one is asked again (listTasks + getTask); the finished one is reused from the cache.
    expect(second.stats.calls).toMatchObject({ getServer: 1, listTasks: 1, getTask: 1 });
    expect(second.observed.get(running)?.runningTask).toMatchObject({ taskId });
    expect(fresh.stats.calls).toMatchObject({ listTasks: 1, getTask: 0 });
  });
});
