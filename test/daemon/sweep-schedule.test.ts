/**
 * The pure arithmetic of the background sweep (src/daemon/sweep-schedule.ts): the worked example
 * of docs/operations.md, and properties: the sweep's rate never takes the daemon above its share,
 * and the credit never lets it spend more than the share plus one call.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CALLS_PER_CHECK_EXPANDED,
  CALLS_PER_CHECK_FALLBACK,
  nextCredit,
  pickOldest,
  sweepRate,
} from '../../src/daemon/sweep-schedule.js';

const EXAMPLE = {
  servers: 10_000,
  requestsPerMinute: 60,
  steadyStateShare: 0.5,
  reservedPerMinute: 0,
  cycleSeconds: 120,
};

describe('sweepRate', () => {
  it('gives the figures of the worked example (10,000 servers at 60/min, share 0.5)', () => {
    const expanded = sweepRate({ ...EXAMPLE, callsPerCheck: CALLS_PER_CHECK_EXPANDED });
    const fallback = sweepRate({ ...EXAMPLE, callsPerCheck: CALLS_PER_CHECK_FALLBACK });

    expect(expanded).toEqual({
      callsPerMinute: 30,
      checksPerMinute: 30,
      roundSeconds: 20_000,
      maxUnseenSeconds: 20_120,
    });
    expect(fallback).toEqual({
      callsPerMinute: 30,
      checksPerMinute: 15,
      roundSeconds: 40_000,
      maxUnseenSeconds: 40_120,
    });
  });

  it('leaves the sweep nothing when the quiet cycles alone spend the share, and says the bound is unknown', () => {
    expect(sweepRate({ ...EXAMPLE, callsPerCheck: 2, reservedPerMinute: 45 })).toMatchObject({
      callsPerMinute: 0,
      maxUnseenSeconds: null,
    });
    expect(sweepRate({ ...EXAMPLE, servers: 0, callsPerCheck: 2 }).maxUnseenSeconds).toBe(0);
  });

  it('never takes the daemon above its share, and the bound is one round plus one cycle (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 100_000 }),
        fc.integer({ min: 1, max: 6_000 }),
        fc.double({ min: 0.01, max: 1, noNaN: true }),
        fc.double({ min: 1, max: 3, noNaN: true }),
        fc.double({ min: 0, max: 10_000, noNaN: true }),
        fc.integer({ min: 1, max: 86_400 }),
        (servers, requestsPerMinute, steadyStateShare, callsPerCheck, reservedPerMinute, cycleSeconds) => {
          const rate = sweepRate({
            servers,
            requestsPerMinute,
            steadyStateShare,
            callsPerCheck,
            reservedPerMinute,
            cycleSeconds,
          });
          const share = requestsPerMinute * steadyStateShare;

          expect(rate.callsPerMinute).toBeGreaterThanOrEqual(0);
          expect(rate.callsPerMinute).toBeLessThanOrEqual(share + 1e-9);
          if (reservedPerMinute <= share)
            expect(rate.callsPerMinute + reservedPerMinute).toBeLessThanOrEqual(share + 1e-9);
          if (rate.maxUnseenSeconds !== null) {
            // servers × calls per check ÷ sweep rate (+ one cycle)
            const expected = ((servers * callsPerCheck) / rate.callsPerMinute) * 60 + cycleSeconds;
            expect(rate.maxUnseenSeconds).toBeCloseTo(expected, 6);
          } else expect(rate.callsPerMinute).toBe(0);
        },
      ),
    );
  });
});

describe('nextCredit', () => {
  it('never lets the sweep take the daemon above the share, but for one call, while its cycles stay within it (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 600 }),
        fc.double({ min: 0.01, max: 1, noNaN: true }),
        fc.array(
          fc.record({
            elapsedMs: fc.integer({ min: 0, max: 3_600_000 }),
            othersFraction: fc.double({ min: 0, max: 1, noNaN: true }),
            checkCost: fc.constantFrom(1, 2),
          }),
          { minLength: 1, maxLength: 80 },
        ),
        (requestsPerMinute, steadyStateShare, slices) => {
          const perMinute = requestsPerMinute * steadyStateShare;
          let credit = 0;
          let spent = 0;
          let share = 0;
          for (const slice of slices) {
            const otherCalls = Math.floor(((perMinute * slice.elapsedMs) / 60_000) * slice.othersFraction);
            credit = nextCredit({
              credit,
              elapsedMs: slice.elapsedMs,
              otherCalls,
              requestsPerMinute,
              steadyStateShare,
            });
            // The sweep's rule: a check starts with at least one call of credit.
            while (credit >= 1) {
              credit -= slice.checkCost;
              spent += slice.checkCost;
            }
            spent += otherCalls;
            share += (perMinute * slice.elapsedMs) / 60_000;
          }

          expect(spent).toBeLessThanOrEqual(share + 1 + 1e-6);
        },
      ),
    );
  });

  it('stops the sweep while the cycles alone spend more than the share', () => {
    const credit = nextCredit({
      credit: 3,
      elapsedMs: 60_000,
      otherCalls: 100,
      requestsPerMinute: 60,
      steadyStateShare: 0.5,
    });

    expect(credit).toBeLessThan(1);
  });
});

describe('pickOldest', () => {
  it('takes never-checked servers first by name, then the oldest check', () => {
    const order = new Map([
      ['c', 3],
      ['a', 1],
      ['b', 2],
    ]);

    expect(pickOldest(['c', 'b', 'a', 'e', 'd'], order, 4)).toEqual(['d', 'e', 'a', 'b']);
    expect(pickOldest(['a'], order, 0)).toEqual([]);
  });
});
