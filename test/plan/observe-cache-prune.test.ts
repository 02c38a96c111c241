import { describe, expect, it } from 'vitest';
import { MemoryObservationCache } from '../../src/observe/cache.js';
import { forgetOtherServers, KEYS } from '../../src/observe/cached-values.js';

describe('forgetOtherServers', () => {
  it('drops every per-server value of servers that left the fleet and keeps the rest', () => {
    const cache = new MemoryObservationCache();
    for (const name of ['ns1.eu', 'ns2.eu']) {
      cache.set(KEYS.server(name), { os: 'debian12_64' }, 1);
      cache.set(KEYS.hardware(name), [], 1);
      cache.set(KEYS.compatible(name), { ovh: [], other: [] }, 1);
      cache.set(KEYS.finishedTask(name), 7, 1);
    }
    cache.set(KEYS.catalog, {}, 1);
    cache.set(KEYS.account, ['ns1.eu', 'ns2.eu'], 1);

    forgetOtherServers(cache, new Set(['ns1.eu']));

    expect([...cache.keys()].sort()).toEqual([
      'account',
      'catalog',
      'compatible/ns1.eu',
      'finished-task/ns1.eu',
      'hardware/ns1.eu',
      'server/ns1.eu',
    ]);
  });
});
