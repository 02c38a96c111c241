/**
 * The timeline of the last cycles on its own (src/daemon/cycle-timeline.ts): each cycle with the
 * requests counted between its start and its end and the budget's limit then; the newest 50
 * kept, oldest first; a new array only when a cycle ends. Property: whatever the summaries (even
 * objects carrying more than a summary), the timeline is the newest of them, in order, each with
 * exactly the summary's fields and the two counts (nothing else reaches the browser).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CYCLE_TIMELINE_SIZE, CycleTimeline } from '../../src/daemon/cycle-timeline.js';
import type { CycleSummary } from '../../src/daemon/types.js';

function summary(id: string, extra: Partial<CycleSummary> = {}): CycleSummary {
  return {
    id,
    trigger: 'schedule',
    result: 'success',
    startedAt: '2026-12-03T10:00:00.000Z',
    endedAt: '2026-12-03T10:00:04.000Z',
    head: 'a'.repeat(40),
    planHash: null,
    statusCommit: null,
    block: null,
    error: null,
    ...extra,
  };
}

const KEYS = [
  'apiRequests',
  'block',
  'endedAt',
  'error',
  'head',
  'id',
  'planHash',
  'requestsPerMinute',
  'result',
  'startedAt',
  'statusCommit',
  'trigger',
];

describe('the cycle timeline', () => {
  it('counts the requests made while each cycle ran and notes the limit at its end', () => {
    let calls = 100;
    let limit: number | null = null;
    const timeline = new CycleTimeline(
      () => calls,
      () => limit,
    );
    const first = timeline.begin();
    calls += 7;
    first.end(summary('c1'));
    calls += 50; // between cycles: not counted
    limit = 60;
    const second = timeline.begin();
    calls += 3;
    second.end(summary('c2', { result: 'error' }));

    expect(timeline.entries.map((e) => [e.id, e.apiRequests, e.requestsPerMinute, e.result])).toEqual([
      ['c1', 7, null, 'success'],
      ['c2', 3, 60, 'error'],
    ]);
  });

  it(`keeps the newest ${CYCLE_TIMELINE_SIZE}, oldest first, and a new array only when a cycle ends`, () => {
    const timeline = new CycleTimeline(
      () => 0,
      () => null,
    );
    expect(timeline.entries).toEqual([]);
    for (let i = 1; i <= CYCLE_TIMELINE_SIZE + 5; i++) timeline.add(summary(`c${i}`), i);
    const entries = timeline.entries;
    expect(entries).toHaveLength(CYCLE_TIMELINE_SIZE);
    expect(entries[0]!.id).toBe('c6');
    expect(entries.at(-1)!.id).toBe(`c${CYCLE_TIMELINE_SIZE + 5}`);
    expect(timeline.entries).toBe(entries);
    timeline.add(summary('next'), 0);
    expect(timeline.entries).not.toBe(entries);
    expect(Object.isFrozen(timeline.entries)).toBe(true);
  });

  it('is the newest summaries in order, each with exactly its known fields (property)', () => {
    const arbitrarySummary = fc.record({
      id: fc.string({ maxLength: 8 }),
      trigger: fc.constantFrom('schedule', 'webhook', 'manual', 'task-ended') as fc.Arbitrary<
        CycleSummary['trigger']
      >,
      result: fc.constantFrom('success', 'skipped', 'error') as fc.Arbitrary<CycleSummary['result']>,
      block: fc.option(
        fc.record({
          reason: fc.constant('history-rewritten' as const),
          message: fc.string(),
          extra: fc.string(),
        }),
      ),
      error: fc.option(
        fc.record({
          code: fc.string(),
          message: fc.string(),
          next: fc.constant('retry' as const),
          stack: fc.string(),
        }),
      ),
      // What a summary object must never carry to the browser.
      secret: fc.string(),
    });
    fc.assert(
      fc.property(fc.array(fc.tuple(arbitrarySummary, fc.nat(1000)), { maxLength: 80 }), (cycles) => {
        const timeline = new CycleTimeline(
          () => 0,
          () => 42,
        );
        for (const [s, requests] of cycles)
          timeline.add(summary(s.id, s as unknown as Partial<CycleSummary>), requests);
        const kept = cycles.slice(-CYCLE_TIMELINE_SIZE);
        expect(timeline.entries.map((e) => [e.id, e.apiRequests])).toEqual(kept.map(([s, n]) => [s.id, n]));
        for (const e of timeline.entries) {
          expect(Object.keys(e).sort()).toEqual(KEYS);
          if (e.block) expect(Object.keys(e.block).sort()).toEqual(['message', 'reason']);
          if (e.error) expect(Object.keys(e.error).sort()).toEqual(['code', 'message', 'next']);
        }
      }),
    );
  });
});
