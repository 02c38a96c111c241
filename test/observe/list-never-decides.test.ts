/**
 * Safety rule (docs/plan.md, "Observation and caching"): the expanded server list may only keep a
 * server as it is. For random accounts, specs, running tasks, caches and list answers (fresh or
 * stale, with servers missing, extra, twice or with another OS), every server the plan would act
 * on was observed through getServer in the same run, on what the API really holds; and when the
 * list is unavailable or stale, the result is exactly the per-server path's.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../src/core/virtual-clock.js';
import {
  MemoryObservationCache,
  observeFleet,
  type ActionOf,
  type ObserveOptions,
  type ObserveResult,
} from '../../src/observe/index.js';
import type { DedicatedServer } from '../../src/ovh/types.js';
import { FakeOvhApi } from '../support/fake-ovh-api.js';

const OSES = ['debian11_64', 'debian12_64', 'ubuntu2404-server_64'] as const;
const STATES = ['ok', 'error', 'hacked'] as const;

interface ServerCase {
  os: (typeof OSES)[number];
  state: (typeof STATES)[number];
  /** A reinstall started outside ovh-fleet runs on it. */
  foreignTask: boolean;
  /** Its OS changes between the earlier run (warm cache) and this one. */
  driftTo: (typeof OSES)[number] | null;
  /** What the list does with it. */
  inList: 'as-is' | 'missing' | 'twice' | 'other-os' | 'bad-state';
}

interface Scenario {
  servers: ServerCase[];
  /** Per server of the account (by index), and for names outside it: the spec's OS or none. */
  specs: ((typeof OSES)[number] | null)[];
  /** Names asked about that the account does not hold. */
  outsiders: number;
  /** The list holds a server the account does not. */
  extra: boolean;
  /** An earlier run filled the cache. */
  warm: boolean;
}

const arbServer: fc.Arbitrary<ServerCase> = fc.record({
  os: fc.constantFrom(...OSES),
  state: fc.constantFrom(...STATES),
  foreignTask: fc.integer({ min: 0, max: 6 }).map((n) => n === 0),
  driftTo: fc.option(fc.constantFrom(...OSES), { freq: 5, nil: null }),
  inList: fc.constantFrom('as-is', 'as-is', 'as-is', 'missing', 'twice', 'other-os', 'bad-state'),
});

const arbScenario: fc.Arbitrary<Scenario> = fc
  .record({
    servers: fc.array(arbServer, { minLength: 1, maxLength: 24 }),
    outsiders: fc.integer({ min: 0, max: 3 }),
    extra: fc.boolean(),
    warm: fc.boolean(),
    seed: fc.array(fc.option(fc.constantFrom(...OSES), { freq: 4, nil: null }), {
      minLength: 27,
      maxLength: 27,
    }),
  })
  .map(({ seed, ...s }) => ({ ...s, specs: seed.slice(0, s.servers.length + s.outsiders) }));

const nameOf = (i: number): string => `ns${2000 + i}.ip-9-8-7.eu`;

function names(s: Scenario): string[] {
  return Array.from({ length: s.servers.length + s.outsiders }, (_, i) => nameOf(i));
}

/** reinstall when the spec asks for another OS, follow a running task, invalid when absent. */
function actionOfFor(s: Scenario): ActionOf {
  const specs = new Map(names(s).map((n, i) => [n, s.specs[i] ?? null]));
  return (name, observation) => {
    const spec = specs.get(name) ?? null;
    if (observation.presence === 'absent') return spec === null ? 'none' : 'invalid';
    if (observation.runningTask) return 'follow';
    if (spec === null) return 'none';
    if (observation.state !== 'ok') return 'none';
    return observation.os === spec ? 'none' : 'reinstall';
  };
}

function corrupt(s: Scenario): (objects: DedicatedServer[]) => DedicatedServer[] {
  const cases = new Map(s.servers.map((c, i) => [nameOf(i), c.inList]));
  return (objects) => {
    const out: DedicatedServer[] = [];
    for (const o of objects) {
      const how = cases.get(o.name);
      if (how === 'missing') continue;
      if (how === 'other-os') out.push({ ...o, os: o.os === 'debian12_64' ? 'debian11_64' : 'debian12_64' });
      else if (how === 'bad-state') out.push({ ...o, state: 'unknown' as 'ok' });
      else out.push(o);
      if (how === 'twice') out.push({ ...o, os: 'ubuntu2404-server_64' });
    }
    if (s.extra) out.push({ ...objects[0]!, name: 'extra.ip-9-8-7.eu' });
    return out;
  };
}

/** A fake account and options for the scenario, after the earlier run when `warm`. */
async function arrange(s: Scenario): Promise<{ fake: FakeOvhApi; options: ObserveOptions }> {
  const clock = new VirtualClock();
  const fake = new FakeOvhApi(clock);
  s.servers.forEach((c, i) => fake.addServer(nameOf(i), { os: c.os, state: c.state }));
  const options: ObserveOptions = {
    cache: new MemoryObservationCache(),
    clock,
    actionOf: actionOfFor(s),
    fingerprints: new Map(names(s).map((n) => [n, `fp-${n}`])),
  };
  if (s.warm) await observeFleet(fake, names(s), options);
  s.servers.forEach((c, i) => {
    if (c.driftTo) fake.servers.get(nameOf(i))!.os = c.driftTo;
    if (c.foreignTask) fake.startForeignTask(nameOf(i), 'debian12_64');
  });
  fake.corruptServerList = corrupt(s);
  fake.calls.length = 0;
  return { fake, options };
}

function comparable(result: ObserveResult): unknown {
  return { observed: result.observed, facts: result.facts, errors: result.errors };
}

describe('the expanded server list never decides an action', () => {
  it('every server the plan would act on was observed through getServer in this run, on what the API holds', async () => {
    await fc.assert(
      fc.asyncProperty(
        arbScenario,
        fc.constantFrom('objects', 'stale', 'ids') as fc.Arbitrary<FakeOvhApi['expanded']>,
        async (s, mode) => {
          const { fake, options } = await arrange(s);
          fake.expanded = mode;

          const result = await observeFleet(fake, names(s), options);

          const askedServer = new Set(
            fake.calls.filter((c) => c.method === 'getServer').map((c) => c.serviceName),
          );
          for (const [name, observation] of result.observed) {
            if (options.actionOf!(name, observation, new Set(result.catalog)) === 'none') continue;
            const truth = fake.servers.get(name);
            if (observation.presence === 'absent') {
              expect(truth).toBeUndefined();
              // Absent on a fresh list's silence only after a 404; per-server, on listServers as before.
              if (result.stats.expandedListing === 'objects') expect(askedServer.has(name)).toBe(true);
              continue;
            }
            expect(askedServer.has(name)).toBe(true);
            expect(observation.os).toBe(truth?.os);
            expect(observation.state).toBe(truth?.state);
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  it('with a list that is unavailable or not proven fresh, the result is the per-server path’s', async () => {
    await fc.assert(
      fc.asyncProperty(
        arbScenario,
        fc.constantFrom('stale', 'ids') as fc.Arbitrary<FakeOvhApi['expanded']>,
        async (s, mode) => {
          const withList = await arrange(s);
          const perServer = await arrange(s);
          withList.fake.expanded = mode;

          const result = await observeFleet(withList.fake, names(s), withList.options);
          const today = await observeFleet(perServer.fake, names(s), perServer.options);

          expect(comparable(result)).toEqual(comparable(today));
          expect(result.stats.listed).toBe(0);
          const callsOf = (fake: FakeOvhApi) =>
            fake.calls
              .filter((c) => c.method !== 'listServersExpanded')
              .map((c) => `${c.method} ${c.serviceName}`)
              .sort();
          expect(callsOf(withList.fake)).toEqual(callsOf(perServer.fake));
        },
      ),
      { numRuns: 100 },
    );
  });
});
