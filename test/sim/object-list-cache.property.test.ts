import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ObjectListCache } from '../../src/sim/object-list-cache.js';

/**
 * Property of the cached object list, on a virtual clock: an answer is never older than
 * `maxAgeMs` (never older than now at all with `no-cache` or `maxAgeMs` 0), it shows the list as
 * it was when its snapshot was taken, and after a `no-cache` answer no answer goes back in time.
 */

type Step =
  | { kind: 'advance'; ms: number }
  | { kind: 'change' }
  | { kind: 'get'; noCache: boolean; consumer: 'a' | 'b' };

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 40_000 }) }),
  fc.record({ kind: fc.constant('change' as const) }),
  fc.record({
    kind: fc.constant('get' as const),
    noCache: fc.boolean(),
    consumer: fc.constantFrom('a' as const, 'b' as const),
  }),
);

describe('the object-list cache (property)', () => {
  it('never answers older than maxAgeMs, shows the list as of its snapshot, never goes back after no-cache', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 60_000 }),
        fc.array(stepArb, { maxLength: 60 }),
        (maxAgeMs, steps) => {
          const cache = new ObjectListCache();
          let now = 1_000_000;
          let version = 0;
          const versionAt: { time: number; version: number }[] = [{ time: now, version }];
          const freshest = new Map<string, number>();

          for (const step of steps) {
            if (step.kind === 'advance') now += step.ms;
            else if (step.kind === 'change') {
              // A change takes a millisecond, so it is never at the instant of an earlier snapshot.
              now += 1;
              versionAt.push({ time: now, version: ++version });
            } else {
              const snapshot = cache.snapshot(
                { consumerKey: step.consumer, listPath: '/dedicated/server' },
                now,
                maxAgeMs,
                step.noCache,
                () => [{ version }],
              );

              const age = now - snapshot.takenAt;
              if (step.noCache || maxAgeMs === 0) expect(age).toBe(0);
              else expect(age).toBeLessThanOrEqual(maxAgeMs);
              const seen = snapshot.objects[0]?.['version'] as number;
              const latestThen = versionAt.filter((v) => v.time <= snapshot.takenAt).at(-1)?.version ?? 0;
              expect(seen).toBeGreaterThanOrEqual(latestThen);
              expect(seen).toBeGreaterThanOrEqual(freshest.get(step.consumer) ?? 0);
              if (step.noCache) freshest.set(step.consumer, seen);
            }
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
