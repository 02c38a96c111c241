/**
 * The shell of the retry schedule with a git port that answers as told and the virtual clock:
 * what counts as a new commit for a probe, and the backoff retry armed, fired and cancelled.
 */
import { describe, expect, it } from 'vitest';
import type { NextStep } from '../../src/core/codes/registry.js';
import { createLogger } from '../../src/core/logger.js';
import { VirtualClock } from '../../src/core/virtual-clock.js';
import { CycleScheduler } from '../../src/daemon/cycle-scheduler.js';
import { createDaemonMetrics } from '../../src/daemon/metrics.js';
import type { CycleSummary, TriggerKind } from '../../src/daemon/types.js';

const H1 = '1'.repeat(40);
const H2 = '2'.repeat(40);

/** A git port whose fetch answers `head` (or fails when null) and whose diff is `statusOnly`. */
class ToldGit {
  head: string | null = H1;
  statusOnly = false;
  fetches = 0;
  sync(): Promise<string> {
    this.fetches += 1;
    return this.head === null ? Promise.reject(new Error('fetch failed')) : Promise.resolve(this.head);
  }
  onlyStatusChanges(): Promise<boolean> {
    return Promise.resolve(this.statusOnly);
  }
}

function setup(): { scheduler: CycleScheduler; git: ToldGit; clock: VirtualClock; triggered: TriggerKind[] } {
  const git = new ToldGit();
  const clock = new VirtualClock();
  const triggered: TriggerKind[] = [];
  const scheduler = new CycleScheduler({
    clock,
    policy: { baseMs: 15_000, capMs: 120_000 },
    git,
    metrics: createDaemonMetrics(),
    log: createLogger({ level: 'silent' }),
    trigger: (kind) => triggered.push(kind),
    stopSignal: new AbortController().signal,
  });
  return { scheduler, git, clock, triggered };
}

function summary(head: string | null, next: NextStep | null): CycleSummary {
  return {
    id: 'c',
    trigger: 'webhook',
    result: next === null ? 'success' : 'error',
    startedAt: '2026-11-27T12:00:00.000Z',
    endedAt: '2026-11-27T12:00:01.000Z',
    head,
    planHash: null,
    statusCommit: null,
    block: null,
    error: next === null ? null : { code: `code-${next}`, message: 'failed', next },
  };
}

describe('a probe while waiting for a commit', () => {
  it('runs no cycle for the same head, nor for commits that only touch status/', async () => {
    const { scheduler, git } = setup();
    scheduler.settle(summary(H1, 'wait-for-commit'));

    const same = await scheduler.admit('schedule');
    git.head = H2;
    git.statusOnly = true;
    const statusOnly = await scheduler.admit('webhook');
    git.statusOnly = false;
    const moved = await scheduler.admit('watch');

    expect(same).toMatchObject({ result: 'skipped', trigger: 'schedule', head: H1 });
    expect(statusOnly).toMatchObject({ result: 'skipped', trigger: 'webhook', head: H2 });
    expect(moved).toBeNull();
  });

  it('runs, without a fetch, what an operator asks for', async () => {
    const { scheduler, git } = setup();
    scheduler.settle(summary(H1, 'operator'));

    const answers = [await scheduler.admit('manual'), await scheduler.admit('start')];

    expect(answers).toEqual([null, null]);
    expect(git.fetches).toBe(0);
  });

  it('after a failure with no head, runs once a fetch succeeds', async () => {
    const { scheduler, git } = setup();
    scheduler.settle(summary(null, 'wait-for-commit'));
    git.head = null;

    const whileFailing = await scheduler.admit('schedule');
    git.head = H2;
    const afterwards = await scheduler.admit('schedule');

    expect(whileFailing?.result).toBe('skipped');
    expect(afterwards).toBeNull();
  });

  it('does not fetch when nothing waits, or when the failure was transient', async () => {
    const { scheduler, git } = setup();

    const healthy = await scheduler.admit('schedule');
    scheduler.settle(summary(H1, 'retry'));
    const retrying = await scheduler.admit('webhook');

    expect([healthy, retrying]).toEqual([null, null]);
    expect(git.fetches).toBe(0);
  });
});

describe('the backoff retry', () => {
  it('fires one early schedule tick after 15 s, then after 30 s', async () => {
    const { scheduler, clock, triggered } = setup();

    scheduler.settle(summary(H1, 'retry'));
    await clock.advance(14_999);
    const before = [...triggered];
    await clock.advance(1);
    scheduler.settle(summary(H1, 'retry'));
    await clock.advance(29_999);
    const beforeSecond = [...triggered];
    await clock.advance(1);

    expect(before).toEqual([]);
    expect(beforeSecond).toEqual(['schedule']);
    expect(triggered).toEqual(['schedule', 'schedule']);
  });

  it('keeps the armed retry when a cycle is skipped (only status/ changed)', async () => {
    const { scheduler, clock, triggered } = setup();

    scheduler.settle(summary(H1, 'retry'));
    await clock.advance(10_000);
    scheduler.settle({ ...summary(H1, null), result: 'skipped' });
    await clock.advance(5_000);

    expect(triggered).toEqual(['schedule']);
  });

  it('is cancelled by a cycle that succeeds, and never armed for the other classes', async () => {
    const { scheduler, clock, triggered } = setup();

    scheduler.settle(summary(H1, 'retry'));
    scheduler.settle(summary(H1, null));
    scheduler.settle(summary(H1, 'wait-for-commit'));
    scheduler.settle(summary(H1, 'operator'));
    await clock.advance(10 * 120_000);

    expect(triggered).toEqual([]);
    expect(clock.pending).toBe(0);
  });
});
