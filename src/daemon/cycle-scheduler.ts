/**
 * The shell of the retry schedule (src/daemon/retry-schedule.ts): it keeps the daemon's "what
 * next" state, lets a trigger through or answers it with a fetch only (a probe), arms the backoff
 * retry on the injected clock, and keeps the metrics of the state. The daemon's cycle runner
 * calls `admit` before a cycle and `settle` after it.
 */
import { randomUUID } from 'node:crypto';
import type { Clock } from '../core/clock.js';
import { NEXT_STEPS } from '../core/codes/registry.js';
import type { Logger } from '../core/logger.js';
import type { GitRepo } from '../git/git-repo.js';
import type { DaemonMetrics } from './metrics.js';
import {
  admit,
  afterCycle,
  NOTHING_WAITS,
  retryAt,
  type RetryPolicy,
  type WhatNext,
} from './retry-schedule.js';
import type { CycleSummary, TriggerKind } from './types.js';

/** What the scheduler needs from the daemon. */
export interface CycleSchedulerDeps {
  clock: Clock;
  policy: RetryPolicy;
  git: Pick<GitRepo, 'sync' | 'onlyStatusChanges'>;
  metrics: DaemonMetrics;
  log: Logger;
  /** Asks for a cycle (the backoff retry runs as an early tick of the schedule). */
  trigger(kind: TriggerKind): void;
  /** Aborted on shutdown: no retry is armed any more. */
  stopSignal: AbortSignal;
}

/** Keeps the "what next" state between cycles; one per daemon. */
export class CycleScheduler {
  private state: WhatNext = NOTHING_WAITS;
  private retry: AbortController | null = null;

  constructor(private readonly deps: CycleSchedulerDeps) {
    this.publish();
  }

  /** The current state (for /readyz and /api/status). */
  get current(): WhatNext {
    return this.state;
  }

  /**
   * Before a cycle: null to run it, or the summary of a probe that found no new spec commit
   * (the cycle does not run). Never throws: a failed fetch is a probe that found nothing.
   */
  async admit(trigger: TriggerKind): Promise<CycleSummary | null> {
    if (admit(this.state, trigger) === 'run') return null;
    const startedAt = this.deps.clock.now();
    const probe = await this.probe();
    if (probe.run) return null;
    this.deps.log.debug(
      { trigger, next: this.state.next, code: this.state.code, head: probe.head },
      'no new commit since the failed cycle: no cycle',
    );
    this.deps.metrics.cycles.inc({ result: 'skipped' });
    return {
      id: randomUUID().slice(0, 8),
      trigger,
      result: 'skipped',
      startedAt: new Date(startedAt).toISOString(),
      endedAt: new Date(this.deps.clock.now()).toISOString(),
      head: probe.head,
      planHash: null,
      statusCommit: null,
      block: null,
      error: null,
    };
  }

  /** After a cycle: the new state, its metrics, and the backoff retry if one is due. */
  settle(summary: CycleSummary): void {
    // A skipped cycle (only status/ changed) changes nothing: the armed retry keeps its time.
    if (summary.result === 'skipped') return;
    const now = this.deps.clock.now();
    const before = this.state;
    this.state = afterCycle(before, summary, now);
    if (summary.error) this.deps.metrics.cycleErrors.inc({ next: summary.error.next });
    if (this.state.next !== before.next)
      this.deps.log.info(
        { next: this.state.next, code: this.state.code, failures: this.state.failures },
        'what next changed',
      );
    this.publish();
    this.arm(retryAt(this.state, this.deps.policy, now), now);
  }

  /** Cancels the armed retry (shutdown). */
  stop(): void {
    this.retry?.abort();
    this.retry = null;
  }

  /**
   * Fetches; runs when a commit outside status/ arrived since the failed cycle's head, or when
   * that cycle had no head and the fetch now succeeds. A failed fetch learns nothing new.
   */
  private async probe(): Promise<{ run: true } | { run: false; head: string | null }> {
    const failedHead = this.state.head;
    let head: string;
    try {
      head = await this.deps.git.sync();
    } catch (error) {
      this.deps.log.debug({ err: error }, 'probe fetch failed');
      return { run: false, head: failedHead };
    }
    if (failedHead === null) return { run: true };
    if (head === failedHead) return { run: false, head };
    try {
      return (await this.deps.git.onlyStatusChanges(failedHead, head)) ? { run: false, head } : { run: true };
    } catch {
      return { run: true }; // the failed head is gone (rewritten): the cycle decides what that means
    }
  }

  private arm(at: number | null, now: number): void {
    this.retry?.abort();
    this.retry = null;
    if (at === null || this.deps.stopSignal.aborted) return;
    const retry = new AbortController();
    this.retry = retry;
    this.deps.log.info(
      { code: this.state.code, failures: this.state.failures, retryInMs: at - now },
      'transient failure: retrying with backoff',
    );
    this.deps.clock
      .sleep(at - now, AbortSignal.any([retry.signal, this.deps.stopSignal]))
      .then(() => {
        if (this.retry === retry) this.retry = null;
        this.deps.trigger('schedule');
      })
      .catch(() => undefined);
  }

  private publish(): void {
    for (const next of NEXT_STEPS) this.deps.metrics.whatNext.set({ next }, next === this.state.next ? 1 : 0);
  }
}
