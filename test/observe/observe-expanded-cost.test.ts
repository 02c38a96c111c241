/**
 * What observation costs on a 10,000-server account when the expanded list answers objects
 * (FakeOvhApi): the goal of at most 0.05 calls per unchanged server on a cold plan, the
 * list's pages counted, reinstall candidates still observed one by one. Calls, never time.
 */
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../src/core/virtual-clock.js';
import { MemoryObservationCache, observeFleet, type ActionOf } from '../../src/observe/index.js';
import { FakeOvhApi } from '../support/fake-ovh-api.js';

const ACCOUNT = 10_000;

describe('observation cost with the expanded server list', () => {
  it('costs at most 0.05 calls per unchanged server cold on a 10,000-server account, 0 warm', async () => {
    const clock = new VirtualClock();
    const fake = new FakeOvhApi(clock);
    const names = Array.from({ length: ACCOUNT }, (_, i) => `ns${100_000 + i}.ip-5-6-7.eu`);
    for (const name of names) fake.addServer(name);
    fake.expanded = 'objects';
    // Every tenth spec asks for another OS: a reinstall candidate.
    const candidates = new Set(names.filter((_, i) => i % 10 === 0));
    const actionOf: ActionOf = (name, o) =>
      o.os === (candidates.has(name) ? 'debian12_64' : 'debian11_64') ? 'none' : 'reinstall';
    const options = {
      cache: new MemoryObservationCache(),
      clock,
      actionOf,
      fingerprints: new Map(names.map((n) => [n, `fp-${n}`])),
      concurrency: 64,
    };

    const cold = await observeFleet(fake, names, options);
    const warm = await observeFleet(fake, names, options);

    const unchanged = ACCOUNT - candidates.size;
    const candidateCalls = 4 * candidates.size;
    // Two pages of 5,000, the catalog, and the id list that checks the pages' membership.
    expect(cold.stats.calls).toMatchObject({ listServersExpanded: 2, listTemplateInfos: 1, listServers: 1 });
    expect(cold.stats.totalCalls).toBe(4 + candidateCalls);
    expect((cold.stats.totalCalls - candidateCalls) / unchanged).toBeLessThanOrEqual(0.05);
    expect(cold.stats.listed).toBe(unchanged);
    expect(warm.stats.reused).toBe(unchanged);
    // Warm: the candidates again (getServer, listTasks), the two pages and the id list.
    expect(warm.stats.totalCalls).toBe(3 + 2 * candidates.size);
  });
});
