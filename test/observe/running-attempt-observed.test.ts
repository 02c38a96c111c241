/**
 * Safety rule (src/pipeline/observe.ts): a server whose status record says a reinstall attempt
 * runs is always observed on the server itself, its tasks read, in the same run; never taken from
 * the cache or the expanded list, which say nothing of tasks. Here with servers whose spec is gone
 * (records only), where the plan would otherwise leave them as they are.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../src/core/virtual-clock.js';
import { MemoryObservationCache } from '../../src/observe/index.js';
import type { Loaded } from '../../src/pipeline/load.js';
import { observeLoaded } from '../../src/pipeline/observe.js';
import type { StatusRecord } from '../../src/records/types.js';
import { DEFAULT_POLICY } from '../../src/specs/types.js';
import { FakeOvhApi } from '../support/fake-ovh-api.js';

interface Case {
  attemptRuns: boolean;
  taskRuns: boolean;
}

const nameOf = (i: number): string => `ns${3000 + i}.ip-4-4-4.eu`;

function record(serviceName: string, attemptRuns: boolean): StatusRecord {
  return {
    serviceName,
    phase: attemptRuns ? 'reinstalling' : 'ready',
    reason: attemptRuns ? 'task-in-progress' : 'in-sync',
    message: '',
    since: '2026-11-27T10:00:00.000Z',
    spec: null,
    desiredDigest: null,
    observedOs: 'debian11_64',
    task: null,
    lastApplied: null,
    lastAttempt: attemptRuns
      ? {
          digest: 'sha256:1',
          result: 'running',
          startedAt: '2026-11-27T10:00:00.000Z',
          finishedAt: null,
          taskId: null,
          message: null,
        }
      : null,
    attempts: [],
    lastError: null,
  } as StatusRecord;
}

/** A loaded repository whose specs are all gone: only status records name the servers. */
function recordsOnly(cases: readonly Case[]): Loaded {
  const applied = new Map(cases.map((c, i) => [nameOf(i), record(nameOf(i), c.attemptRuns)]));
  const hashes = new Map(cases.map((c, i) => [nameOf(i), `hash-${i}-${c.attemptRuns}`]));
  const fleet = { root: '', policy: DEFAULT_POLICY, specs: [], invalid: [], diagnostics: [] };
  const records = {
    applied,
    hashes,
    diagnostics: [],
    unreadable: new Set(),
    recovered: new Map(),
    lost: new Set(),
  };
  return { fleet, records } as unknown as Loaded;
}

describe('a server whose record says a reinstall runs', () => {
  it('is observed on the server itself in every run, whatever the cache or the list say', async () => {
    const arbCase = fc.record({ attemptRuns: fc.boolean(), taskRuns: fc.boolean() });
    const arbMode = fc.constantFrom<FakeOvhApi['expanded']>('objects', 'stale', 'ids', 'not-implemented');
    await fc.assert(
      fc.asyncProperty(
        fc.array(arbCase, { minLength: 1, maxLength: 12 }),
        arbMode,
        fc.boolean(),
        async (cases, mode, warm) => {
          const clock = new VirtualClock();
          const fake = new FakeOvhApi(clock);
          cases.forEach((_, i) => fake.addServer(nameOf(i)));
          fake.expanded = mode;
          const loaded = recordsOnly(cases);
          const options = { api: fake, cache: new MemoryObservationCache(), clock };
          if (warm) await observeLoaded(loaded, options);
          cases.forEach((c, i) => c.taskRuns && fake.startForeignTask(nameOf(i), 'debian12_64'));
          fake.calls.length = 0;

          const { observation } = await observeLoaded(loaded, options);

          cases.forEach((c, i) => {
            if (!c.attemptRuns) return;
            const name = nameOf(i);
            expect(fake.calls.some((call) => call.method === 'getServer' && call.serviceName === name)).toBe(
              true,
            );
            expect(fake.calls.some((call) => call.method === 'listTasks' && call.serviceName === name)).toBe(
              true,
            );
            expect(observation.observed.get(name)?.runningTask?.taskId !== undefined).toBe(c.taskRuns);
          });
        },
      ),
      { numRuns: 100 },
    );
  });
});
