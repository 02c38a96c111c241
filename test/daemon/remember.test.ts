/**
 * remember (src/daemon/remember.ts): what a cycle leaves for the next one, from its results only.
 * A skipped or failed cycle keeps what it did not redo; only a successful, unblocked cycle with a
 * plan moves lastApplied.
 */
import { describe, expect, it } from 'vitest';
import { remember, type CycleResults } from '../../src/daemon/remember.js';
import type { Planned } from '../../src/daemon/steps-plan.js';
import type { CycleSummary, DaemonMemory } from '../../src/daemon/types.js';
import type { CycleBlock } from '../../src/status/build-records.js';

const OLD = 'a'.repeat(40);
const NEW = 'b'.repeat(40);

const memory: DaemonMemory = {
  lastHead: OLD,
  lastApplied: OLD,
  lastVerified: null,
  trustedRecords: null,
  records: new Map(),
  canonical: new Map(),
  requestsPerMinute: 60,
  block: null,
  lastGoodCycleAt: 1,
  lastCycle: null,
  raceLost: false,
};

const planned = { canonical: new Map() } as unknown as Planned;
const block = { reason: 'history-rewritten', message: 'rewritten' } as CycleBlock;

function results(result: CycleSummary['result'], over: Partial<CycleResults>): CycleResults {
  return {
    fetched: null,
    verified: null,
    loaded: null,
    planned: null,
    applied: null,
    built: null,
    kept: null,
    summary: { result } as CycleSummary,
    endedAt: 1000,
    ...over,
  };
}

describe('remember', () => {
  it.each([
    {
      name: 'a skipped cycle moves only the head',
      cycle: results('skipped', { fetched: { outcome: 'skipped', head: NEW } }),
      expected: { lastHead: NEW, lastApplied: OLD, lastGoodCycleAt: 1 },
    },
    {
      name: 'a cycle that failed after the fetch keeps the new head, not a new lastApplied',
      cycle: results('error', { fetched: { outcome: 'synced', head: NEW }, planned }),
      expected: { lastHead: NEW, lastApplied: OLD, lastGoodCycleAt: 1 },
    },
    {
      name: 'a successful cycle with a plan and no block moves lastApplied',
      cycle: results('success', {
        fetched: { outcome: 'synced', head: NEW },
        verified: { block: null, verifiedHead: NEW },
        planned,
      }),
      expected: { lastHead: NEW, lastApplied: NEW, lastVerified: NEW, lastGoodCycleAt: 1000, block: null },
    },
    {
      name: 'a blocked cycle keeps lastApplied and remembers the block',
      cycle: results('success', {
        fetched: { outcome: 'synced', head: NEW },
        verified: { block, verifiedHead: null },
        planned,
      }),
      expected: { lastHead: NEW, lastApplied: OLD, block, lastGoodCycleAt: 1000 },
    },
  ])('$name', ({ cycle, expected }) => {
    const next = remember(memory, cycle);

    expect(next).toMatchObject(expected);
    expect(next.lastCycle).toBe(cycle.summary);
  });

  it('asks for a new plan soon only after the race was lost in this cycle', () => {
    const lost = remember(memory, results('success', { applied: { report: null, raceLost: true } }));

    const next = remember(lost, results('success', {}));

    expect(lost.raceLost).toBe(true);
    expect(next.raceLost).toBe(false);
  });
});
