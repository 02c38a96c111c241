/**
 * observeFleet with the expanded server list (FakeOvhApi's `expanded` switch): which servers take
 * the list's observation with no call of their own, which are still observed one by one, what it
 * costs cold and warm, and how an unavailable, stale or corrupted list falls back.
 */
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../src/core/virtual-clock.js';
import {
  MemoryObservationCache,
  observeFleet,
  type ActionOf,
  type ObserveOptions,
} from '../../src/observe/index.js';
import { FakeOvhApi } from '../support/fake-ovh-api.js';

const SERVERS = 40;
const names = Array.from({ length: SERVERS }, (_, i) => `ns${1000 + i}.ip-1-2-3.eu`);
/** By default the specs of two servers ask for another OS than they run. */
const TWO_CHANGED = new Map([
  [names[3]!, 'debian12_64'],
  [names[7]!, 'debian12_64'],
]);

/** reinstall when the spec asks for another OS, follow a running task, invalid when absent. */
function actionOfFor(wanted: ReadonlyMap<string, string>): ActionOf {
  return (name, observation) => {
    if (observation.presence === 'absent') return 'invalid';
    if (observation.runningTask) return 'follow';
    return observation.os === (wanted.get(name) ?? 'debian11_64') ? 'none' : 'reinstall';
  };
}

function setup(
  expanded: FakeOvhApi['expanded'],
  wanted: ReadonlyMap<string, string> = TWO_CHANGED,
): { fake: FakeOvhApi; options: ObserveOptions } {
  const clock = new VirtualClock();
  const fake = new FakeOvhApi(clock);
  for (const name of names) fake.addServer(name);
  fake.expanded = expanded;
  const options: ObserveOptions = {
    cache: new MemoryObservationCache(),
    clock,
    actionOf: actionOfFor(wanted),
    fingerprints: new Map(names.map((n) => [n, `digest-of-${n}|no-record`])),
  };
  return { fake, options };
}

function getServerCalls(fake: FakeOvhApi): string[] {
  return fake.calls.filter((c) => c.method === 'getServer').map((c) => c.serviceName);
}

describe('observeFleet with the expanded server list', () => {
  it('observes one by one the servers named in observeOneByOne, so a task the list cannot show is seen', async () => {
    const { fake, options } = setup('objects', new Map());
    const target = names[5]!;
    const taskId = fake.startForeignTask(target, 'debian12_64');

    const listed = await observeFleet(fake, names, options);
    fake.calls.length = 0;
    const looked = await observeFleet(fake, names, {
      ...options,
      cache: new MemoryObservationCache(),
      observeOneByOne: new Set([target]),
    });

    expect(listed.observed.get(target)?.runningTask ?? null).toBeNull();
    expect(looked.observed.get(target)?.runningTask).toMatchObject({ taskId });
    expect(getServerCalls(fake)).toEqual([target]);
  });

  it('reads the account once, fresh, checks its membership against the id list, and observes one by one only the servers the plan would act on', async () => {
    const { fake, options } = setup('objects');

    const result = await observeFleet(fake, names, options);

    expect(result.errors).toEqual([]);
    expect(result.stats).toMatchObject({
      expandedListing: 'objects',
      listed: SERVERS - 2,
      fresh: 2,
      reused: 0,
      totalCalls: 3 + 2 * 4,
    });
    expect(result.stats.calls).toMatchObject({
      listServers: 1,
      listServersExpanded: 1,
      listTemplateInfos: 1,
      getServer: 2,
      listTasks: 2,
      getHardware: 2,
      getCompatibleTemplates: 2,
    });
    expect(getServerCalls(fake).sort()).toEqual([names[3], names[7]]);
    expect(fake.calls.find((c) => c.method === 'listServersExpanded')?.priority).toBe('plan');
    expect(result.observed.get(names[0]!)).toEqual({
      presence: 'present',
      os: 'debian11_64',
      state: 'ok',
      commercialRange: 'advance-1',
      runningTask: null,
    });
    expect(result.facts?.accountServers).toEqual([...names].sort());
  });

  it('keeps the list observations for the warm path: no call at all for unchanged servers', async () => {
    const { fake, options } = setup('objects');
    await observeFleet(fake, names, options);
    fake.calls.length = 0;

    const warm = await observeFleet(fake, names, options);

    expect(warm.stats.reused).toBe(SERVERS - 2);
    // The two reinstall candidates are observed one by one; the list is worth its one page.
    expect(getServerCalls(fake).sort()).toEqual([names[3], names[7]]);
    expect(warm.stats.calls.listServersExpanded).toBe(1);
  });

  it('does not read the list when nothing needs observing', async () => {
    const { fake, options } = setup('objects', new Map());
    await observeFleet(fake, names, options);
    fake.calls.length = 0;

    const warm = await observeFleet(fake, names, options);

    expect(warm.stats).toMatchObject({ totalCalls: 0, expandedListing: 'not-used', reused: SERVERS });
    expect(fake.calls).toEqual([]);
  });

  it.each([
    ['ids', 'the API answered ids, not objects (fake)'],
    ['stale', 'the expanded server list was not proven fresh (Pragma: no-cache not honoured)'],
  ] as const)(
    'falls back to the per-server path when the list answers %s, and says why',
    async (mode, reason) => {
      const { fake, options } = setup(mode);
      const perServer = setup('not-implemented');

      const result = await observeFleet(fake, names, options);
      const today = await observeFleet(perServer.fake, names, perServer.options);

      expect(result.stats).toMatchObject({
        expandedListing: 'unavailable',
        expandedReason: reason,
        listed: 0,
      });
      expect(result.observed).toEqual(today.observed);
      expect(result.facts).toEqual(today.facts);
      expect(result.stats.calls).toEqual({ ...today.stats.calls, listServersExpanded: 1 });
      expect(getServerCalls(fake)).toHaveLength(SERVERS);
    },
  );

  it('observes one by one a server the list holds malformed or with another OS', async () => {
    const { fake, options } = setup('objects');
    const [malformed, otherOs] = [names[12]!, names[13]!];
    fake.corruptServerList = (objects) =>
      objects
        .map((o) => (o.name === malformed ? { ...o, state: 'weird' as 'ok' } : o))
        .map((o) => (o.name === otherOs ? { ...o, os: 'ubuntu2404-server_64' } : o));

    const result = await observeFleet(fake, names, options);

    expect(result.stats.expandedListing).toBe('objects');
    expect(getServerCalls(fake).sort()).toEqual([names[3], names[7], malformed, otherOs].sort());
    // getServer answered: the server is there, with the OS it runs (the list's other OS was wrong).
    expect(result.observed.get(otherOs)).toMatchObject({ presence: 'present', os: 'debian11_64' });
  });

  it.each([
    [
      'lacks a server',
      (o: Parameters<NonNullable<FakeOvhApi['corruptServerList']>>[0]) => o.slice(1),
      '1 missing',
    ],
    [
      'holds one twice',
      (o: Parameters<NonNullable<FakeOvhApi['corruptServerList']>>[0]) => [...o, o[4]!],
      '41 objects for 40 servers',
    ],
    [
      'holds one not in the account',
      (o: Parameters<NonNullable<FakeOvhApi['corruptServerList']>>[0]) => [
        ...o,
        { ...o[0]!, name: 'extra.example' },
      ],
      '1 not in the account (extra.example)',
    ],
  ])(
    'sets aside a list that %s (pages shifted while read): every server one by one, membership from the id list',
    async (_what, corrupt, reason) => {
      const { fake, options } = setup('objects');
      fake.corruptServerList = corrupt;

      const result = await observeFleet(fake, names, options);

      expect(result.stats.expandedListing).toBe('unavailable');
      expect(result.stats.expandedReason).toContain(reason);
      expect(result.facts?.accountServers).toEqual(names);
      expect(getServerCalls(fake)).toHaveLength(SERVERS);
      expect(result.observed.get(names[0]!)).toMatchObject({ presence: 'present', os: 'debian11_64' });
      expect(result.observed.has('extra.example')).toBe(false);
    },
  );

  it('takes a server missing from the list as absent only when getServer says 404', async () => {
    const { fake, options } = setup('objects');
    const gone = 'ns9999.ip-1-2-3.eu';

    const result = await observeFleet(fake, [...names, gone], options);

    expect(result.observed.get(gone)).toEqual({ presence: 'absent' });
    expect(getServerCalls(fake)).toContain(gone);
  });
});
