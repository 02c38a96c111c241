/**
 * The daemon's cycle runner (src/daemon/triggers.ts): one cycle at a time, triggers during a cycle
 * merged into one follow-up, and every trigger answered once the daemon stops (null), even one
 * that waited behind the running cycle (`ovh-fleet demo` stopped by Ctrl-C during its first cycle
 * waited on such a trigger for ever).
 */
import { describe, expect, it } from 'vitest';
import { CycleRunner } from '../../src/daemon/triggers.js';
import type { CycleSummary, TriggerKind } from '../../src/daemon/types.js';

function summary(trigger: TriggerKind): CycleSummary {
  return {
    id: trigger,
    trigger,
    result: 'success',
    startedAt: '2026-01-01T00:00:00.000Z',
    endedAt: '2026-01-01T00:00:01.000Z',
    head: null,
    planHash: null,
    statusCommit: null,
    block: null,
    error: null,
  };
}

/** A runner whose cycles end when the test says so. */
function manualRunner(): { runner: CycleRunner; started: TriggerKind[]; endCycle(): void } {
  const started: TriggerKind[] = [];
  const ends: (() => void)[] = [];
  const runner = new CycleRunner(
    (kind) =>
      new Promise<CycleSummary>((resolve) => {
        started.push(kind);
        ends.push(() => resolve(summary(kind)));
      }),
  );
  return {
    runner,
    started,
    endCycle: () => ends.shift()?.(),
  };
}

describe('CycleRunner', () => {
  it('merges triggers during a cycle into one follow-up cycle', async () => {
    const { runner, started, endCycle } = manualRunner();
    const first = runner.trigger('start');
    const a = runner.trigger('webhook');
    const b = runner.trigger('manual');
    endCycle();
    expect((await first)?.trigger).toBe('start');
    await Promise.resolve();
    endCycle();
    expect((await a)?.trigger).toBe('manual');
    expect(await b).toBe(await a);
    expect(started).toEqual(['start', 'manual']);
  });

  it('answers null to a trigger that waited behind the cycle running when it stopped', async () => {
    const { runner, started, endCycle } = manualRunner();
    const first = runner.trigger('start');
    const waiting = runner.trigger('manual');
    const stopped = runner.stop();
    endCycle();
    await stopped;
    expect((await first)?.trigger).toBe('start');
    expect(await waiting).toBeNull();
    expect(await runner.trigger('manual')).toBeNull();
    expect(started).toEqual(['start']);
  });
});
