/**
 * Properties of the adaptive follow schedule (src/apply/follow-schedule.ts, pure): for random
 * install durations, expectations, elapsed times and knobs, the next look is never sooner than
 * the budget floor, never later than `nearIntervalMs` after the expected end once past it (the
 * queued pace while queued; and
 * never past expectedEnd + margin before it), and the number of looks for an install of true
 * duration D expected to last E is at most 3 + ceil(E / longestSleep) + ceil(max(0, D − E) / near).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  expectedEndAt,
  STEPS_OVERRIDE,
  stepRemainingMs,
  nextLookDelay,
  type AdaptiveSchedule,
  type FollowPhase,
} from '../../src/apply/follow-schedule.js';

const MIN = 60_000;

const scheduleArb: fc.Arbitrary<AdaptiveSchedule> = fc
  .record({
    nearIntervalMs: fc.integer({ min: 1_000, max: MIN }),
    endMarginMs: fc.integer({ min: 0, max: 10_000 }),
    queuedIntervalMs: fc.integer({ min: 1_000, max: 10 * MIN }),
    longestSleepMs: fc.integer({ min: MIN, max: 30 * MIN }),
    minIntervalMs: fc.integer({ min: 1, max: 1_000 }),
    firstLookMs: fc.integer({ min: 1_000, max: 5 * MIN }),
  })
  .map((s) => ({ ...s, endMarginMs: Math.min(s.endMarginMs, s.nearIntervalMs) }));

const phaseArb = fc.constantFrom<FollowPhase>('unseen', 'queued', 'installing');

describe('nextLookDelay', () => {
  it('is never under the floor, and lands no later than the expected end allows', () => {
    fc.assert(
      fc.property(
        scheduleArb,
        phaseArb,
        fc.boolean(),
        fc.integer({ min: 0, max: 3 * 3_600_000 }),
        fc.integer({ min: -3_600_000, max: 3 * 3_600_000 }),
        fc.integer({ min: 0, max: 5 * MIN }),
        fc.boolean(),
        (schedule, phase, progressSeen, now, toEnd, floorMs, durationKnown) => {
          const expectedEnd = now + toEnd;

          const delay = nextLookDelay(
            { now, expectedEndAt: expectedEnd, phase, progressSeen, floorMs, durationKnown },
            schedule,
          );

          expect(delay).toBeGreaterThanOrEqual(Math.max(1, floorMs, schedule.minIntervalMs));
          const allowed = Math.max(floorMs, schedule.minIntervalMs, 1);
          const pace = phase === 'queued' ? schedule.queuedIntervalMs : schedule.nearIntervalMs;
          if (now >= expectedEnd) expect(delay).toBeLessThanOrEqual(Math.max(pace, allowed));
          else
            expect(now + delay).toBeLessThanOrEqual(
              Math.max(expectedEnd + schedule.endMarginMs + 1, now + allowed),
            );
        },
      ),
      { numRuns: 2_000 },
    );
  });

  it('looks at an install of D minutes a bounded number of times, and sees an on-time or late end within nearIntervalMs', () => {
    fc.assert(
      fc.property(
        scheduleArb,
        fc.integer({ min: 5 * MIN, max: 60 * MIN }), // true duration D
        fc.integer({ min: 5 * MIN, max: 60 * MIN }), // expected duration E
        (schedule, trueMs, expectedMs) => {
          let now = 0;
          let looks = 0;
          let progressSeen = false;
          const expectedEnd = expectedEndAt({
            startedAt: 0,
            defaultDurationMs: expectedMs,
            medianDurationMs: null,
            steps: null,
            queuedSeen: false,
          });
          for (;;) {
            now += nextLookDelay(
              {
                now,
                expectedEndAt: expectedEnd,
                phase: progressSeen ? 'installing' : 'unseen',
                progressSeen,
                floorMs: 0,
                durationKnown: false,
              },
              schedule,
            );
            looks++;
            if (now >= trueMs) break;
            progressSeen = true;
          }
          const bound =
            3 +
            Math.ceil(expectedMs / schedule.longestSleepMs) +
            Math.ceil(Math.max(0, trueMs - expectedMs) / schedule.nearIntervalMs);

          expect(looks).toBeLessThanOrEqual(bound);
          if (trueMs >= expectedMs) expect(now - trueMs).toBeLessThanOrEqual(schedule.nearIntervalMs);
          // (+ looks: each delay is rounded to the millisecond)
          else
            expect(now - trueMs).toBeLessThanOrEqual(
              expectedMs - trueMs + Math.max(schedule.endMarginMs, schedule.minIntervalMs) + looks,
            );
        },
      ),
      { numRuns: 2_000 },
    );
  });
});

describe('expectedEndAt', () => {
  it('follows the median; the steps move it later only after a queue seen, earlier only by more than STEPS_OVERRIDE of it', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: MIN, max: 60 * MIN }),
        fc.integer({ min: 1, max: 30 }),
        fc.integer({ min: 0, max: 30 }),
        fc.integer({ min: 1, max: 60 * MIN }),
        fc.integer({ min: 0, max: 60 * MIN }),
        fc.boolean(),
        (median, total, doneRaw, elapsedMs, queuedFor, queuedSeen) => {
          const done = Math.min(doneRaw, total);
          const steps = { done, total, running: done < total, elapsedMs, readAt: queuedFor + elapsedMs };

          const end = expectedEndAt({
            startedAt: 0,
            defaultDurationMs: 15 * MIN,
            medianDurationMs: median,
            steps,
            queuedSeen,
          });

          const byMedian = queuedSeen ? Math.max(median, queuedFor + Math.round(median * 0.9)) : median;
          const stepEnd = steps.done > 0 ? steps.readAt + (stepRemainingMs(steps) ?? 0) : null;
          const early = stepEnd !== null && byMedian - stepEnd > STEPS_OVERRIDE * median;
          // Never later than the median says; earlier only to the steps' own end.
          expect(end).toBe(early ? stepEnd : byMedian);
          expect(end).toBeLessThanOrEqual(byMedian);
        },
      ),
    );
  });
});
