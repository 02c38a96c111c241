/**
 * observeFleet against the simulator through the real adapter over HTTPS: what it returns, what
 * it costs cold and warm, running tasks, servers outside the account, the cache file across two
 * "processes", offline.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../src/core/virtual-clock.js';
import { OvhApiError } from '../../src/ovh/errors.js';
import type { OvhApi } from '../../src/ovh/ovh-api.js';
import {
  MemoryObservationCache,
  observeFleet,
  openFileObservationCache,
  type ActionOf,
  type ObserveOptions,
} from '../../src/observe/index.js';
import { startSimulator, type RunningSimulator, type SimServer } from '../../src/sim/index.js';
import { simApi } from '../support/sim-api.js';

let sim: RunningSimulator;
let api: OvhApi;
let account: SimServer[];
let names: string[];
const dirs: string[] = [];

beforeAll(async () => {
  // The endpoint ignores the expanded-listing header here, so this file covers the per-server way
  // (test/observe/observe-expanded*.test.ts cover the expanded list).
  sim = await startSimulator({ servers: 12, seed: 1, faults: { expandedAnswer: 'ids' } });
  api = simApi(sim);
  account = sim.control.account();
  names = account.map((s) => s.server.name).sort();
});

afterAll(async () => {
  await sim?.close();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

beforeEach(() => {
  sim.control.clearRequests();
});

const inSync: ActionOf = (_name, observation) => (observation.runningTask ? 'follow' : 'none');
const wantsReinstall: ActionOf = () => 'reinstall';

function options(over: Partial<ObserveOptions> = {}): ObserveOptions {
  return {
    cache: new MemoryObservationCache(),
    clock: new VirtualClock(),
    fingerprints: new Map(names.map((n) => [n, `digest-of-${n}|no-record`])),
    actionOf: inSync,
    ...over,
  };
}

/** API requests the simulator saw (the client's one-off /auth/time excluded). */
function simCalls(): number {
  return sim.control.requests().filter((r) => !r.path.startsWith('/auth/time')).length;
}

describe('observeFleet', () => {
  it('observes os, state and tasks of every server in at most 3 calls per server when cold', async () => {
    const result = await observeFleet(api, names, options());

    expect(result.errors).toEqual([]);
    for (const s of account) {
      expect(result.observed.get(s.server.name)).toEqual({
        presence: 'present',
        os: s.server.os,
        state: s.server.state,
        commercialRange: s.server.commercialRange,
        runningTask: null,
      });
    }
    expect(result.catalog).toContain('debian12_64');
    expect(result.facts?.accountServers).toEqual(names);
    expect(result.stats.calls).toMatchObject({
      listServers: 1,
      listTemplateInfos: 1,
      getServer: names.length,
      listTasks: names.length,
      getTask: 0,
      getHardware: 0,
      getCompatibleTemplates: 0,
    });
    expect(result.stats.callsPerServer).toBeLessThanOrEqual(3);
    expect(simCalls()).toBe(result.stats.totalCalls);
  });

  it('makes no call at all when warm for servers whose fingerprint did not change', async () => {
    const opts = options();
    await observeFleet(api, names, opts);
    sim.control.clearRequests();

    const warm = await observeFleet(api, names, opts);

    expect(warm.stats.totalCalls).toBe(0);
    expect(warm.stats.reused).toBe(names.length);
    expect(simCalls()).toBe(0);
    expect(warm.observed.get(names[0]!)?.os).toBe(account.find((s) => s.server.name === names[0])?.server.os);
  });

  it.each([
    [
      'the fingerprint changed',
      (o: ObserveOptions) => ({ ...o, fingerprints: new Map(names.map((n) => [n, 'other'])) }),
    ],
    [
      'the observation is older than its lifetime',
      async (o: ObserveOptions) => {
        await (o.clock as VirtualClock).advance(15 * 60_000);
        return o;
      },
    ],
    ['the plan would reinstall the server', (o: ObserveOptions) => ({ ...o, actionOf: wantsReinstall })],
    ['no fingerprint is given', (o: ObserveOptions) => ({ ...o, fingerprints: new Map() })],
  ])('observes a server fresh when %s', async (_why, change) => {
    const opts = options();
    await observeFleet(api, names, opts);

    const warm = await observeFleet(api, names, await change(opts));

    expect(warm.stats.reused).toBe(0);
    expect(warm.stats.calls.getServer).toBe(names.length);
    expect(warm.stats.calls.listTasks).toBe(names.length);
  });

  it('reads hardware and compatible templates only for servers that may be reinstalled, cached afterwards', async () => {
    const target = names[3]!;
    const actionOf: ActionOf = (name) => (name === target ? 'reinstall' : 'none');
    const opts = options({ actionOf });

    const cold = await observeFleet(api, names, opts);
    const warm = await observeFleet(api, names, opts);

    const server = account.find((s) => s.server.name === target)!;
    expect(cold.observed.get(target)?.diskGroups).toEqual(server.hardware.diskGroups);
    expect(cold.observed.get(target)?.compatibleTemplates).toEqual(server.compatibleTemplates);
    expect(cold.facts?.servers[target]?.compatibleTemplates).toEqual([
      ...server.compatibleTemplates.ovh,
      ...server.compatibleTemplates.personal,
    ]);
    expect(Object.keys(cold.facts?.servers ?? {})).toEqual([target]);
    expect(cold.stats.calls).toMatchObject({ getHardware: 1, getCompatibleTemplates: 1 });
    // Warm: the candidate is observed fresh (getServer, listTasks), its hardware comes from the cache.
    expect(warm.stats.calls).toMatchObject({
      getServer: 1,
      listTasks: 1,
      getHardware: 0,
      getCompatibleTemplates: 0,
    });
    expect(warm.observed.get(target)?.diskGroups).toEqual(server.hardware.diskGroups);
  });

  it('reports a server that is not in the account as absent, without asking about it', async () => {
    const stranger = 'ns0000000.ip-10-0-0.eu';

    const result = await observeFleet(api, [...names, stranger], options());

    expect(result.observed.get(stranger)).toEqual({ presence: 'absent' });
    expect(result.stats.calls.getServer).toBe(names.length);
    expect(sim.control.requests().some((r) => r.path.includes(stranger))).toBe(false);
  });

  it('refreshes a cached account list that lacks a named server', async () => {
    const opts = options();
    await observeFleet(api, names, opts);

    const again = await observeFleet(api, [...names, 'ns0000000.ip-10-0-0.eu'], opts);

    expect(again.stats.calls.listServers).toBe(1);
    expect(again.stats.reused).toBe(names.length);
  });

  it('starts warm in a second "process" from the cache file of the state directory', async () => {
    const stateDir = mkdtempSync(path.join(tmpdir(), 'ovh-fleet-observe-'));
    dirs.push(stateDir);
    const clock = new VirtualClock();
    const firstCache = await openFileObservationCache(stateDir);
    const cold = await observeFleet(api, names, options({ cache: firstCache, clock }));
    await firstCache.flush();
    sim.control.clearRequests();

    const secondCache = await openFileObservationCache(stateDir);
    const warm = await observeFleet(api, names, options({ cache: secondCache, clock }));

    expect(cold.stats.totalCalls).toBeGreaterThan(0);
    expect(warm.stats.totalCalls).toBe(0);
    expect(simCalls()).toBe(0);
    expect([...warm.observed.entries()]).toEqual([...cold.observed.entries()]);
  });

  it('ignores a corrupted cache file', async () => {
    const stateDir = mkdtempSync(path.join(tmpdir(), 'ovh-fleet-observe-'));
    dirs.push(stateDir);
    const cache = await openFileObservationCache(stateDir);
    cache.set('server/x', 1, 0);
    await cache.flush();
    const { writeFileSync } = await import('node:fs');
    writeFileSync(cache.path, '{"version":1,"entries":');

    const reopened = await openFileObservationCache(stateDir);

    expect(reopened.size).toBe(0);
  });

  it('calls nothing offline and leaves every server unknown', async () => {
    const result = await observeFleet(api, names, options({ offline: true }));

    expect(result.observed.size).toBe(0);
    expect(result.catalog).toBeUndefined();
    expect(result.facts).toBeUndefined();
    expect(result.stats.totalCalls).toBe(0);
    expect(simCalls()).toBe(0);
  });

  it('reports a failed call as an error and leaves that server unknown', async () => {
    const broken = names[2]!;
    const failing = Object.create(api) as OvhApi;
    failing.listTasks = (name, filter, o) => {
      if (name !== broken) return api.listTasks(name, filter, o);
      return Promise.reject(
        new OvhApiError({
          code: 'api-unavailable',
          disposition: 'transient',
          message: 'Service Unavailable',
          method: 'GET',
          path: `/dedicated/server/${name}/task`,
          status: 503,
        }),
      );
    };

    const result = await observeFleet(failing, names, options());

    expect(result.errors.map((e) => [e.serviceName, e.error.code])).toEqual([[broken, 'api-unavailable']]);
    expect(result.observed.has(broken)).toBe(false);
    expect(result.observed.size).toBe(names.length - 1);
  });
});
