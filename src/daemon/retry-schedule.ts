/**
 * The daemon's retry schedule, pure: from the "what next" class of the last failed cycle
 * (src/core/codes/registry.ts, `NextStep`), when to run again and which triggers may run a cycle.
 * No clock reads and no I/O: the caller passes `now` and what git says (src/daemon/cycle-scheduler.ts
 * is the shell). docs/operations.md#what-next-after-a-failed-cycle describes the behaviour.
 *
 * - `retry`: an extra cycle after `baseMs`, doubling with each consecutive failure; once the delay
 *   reaches `capMs` (the schedule interval) the schedule's own ticks are the retries.
 * - `wait-for-commit`: no extra cycle; automatic triggers fetch, and run a cycle only when the spec
 *   head moved (a commit outside status/) since the failed cycle.
 * - `operator`: no extra cycle, and /readyz is not ready; every trigger still runs a cycle, so a
 *   fix made outside git (an IAM grant, a restored file, the clock set right) is seen at the next
 *   tick, as before the classes existed.
 */
import { nextStepOf, type NextStep } from '../core/codes/registry.js';
import type { OvhApiError } from '../ovh/errors.js';
import type { TriggerKind } from './types.js';

/** The timings of the schedule. */
export interface RetryPolicy {
  /** Delay before the first retry of a transient failure, in ms. */
  readonly baseMs: number;
  /** Longest delay, in ms: the schedule interval. A delay that reaches it arms no extra cycle. */
  readonly capMs: number;
}

/** 15 s, doubling: 15 s, 30 s, 60 s, then the default schedule of 2 minutes takes over. */
export const DEFAULT_RETRY_BASE_MS = 15_000;

/** What the daemon knows of its last cycles: the state the schedule decides from. */
export interface WhatNext {
  /** Class of the last cycle's failure; `none` after a cycle that did not fail. */
  readonly next: NextStep;
  /** Code of that failure; null when `next` is `none`. */
  readonly code: string | null;
  /** Its message (for /readyz); null when `next` is `none`. */
  readonly message: string | null;
  /** Consecutive failed cycles; 0 after a cycle that did not fail. */
  readonly failures: number;
  /**
   * Spec branch head the failed cycle fetched; null when it failed before (or when `next` is
   * `none`). Not a head to apply: only the reference that says whether a new commit arrived.
   */
  readonly head: string | null;
  /** When the current class began (ms since the epoch); null when `next` is `none`. */
  readonly since: number | null;
}

/** Before any cycle, and after a cycle that did not fail. */
export const NOTHING_WAITS: WhatNext = {
  next: 'none',
  code: null,
  message: null,
  failures: 0,
  head: null,
  since: null,
};

/** How a cycle ended, as the schedule sees it (a subset of CycleSummary). */
export interface CycleOutcome {
  readonly result: 'success' | 'skipped' | 'error';
  readonly head: string | null;
  readonly error: { readonly code: string; readonly message: string; readonly next: NextStep } | null;
}

/**
 * The state after a cycle. A skipped cycle (nothing new to do) changes nothing; a cycle that did
 * not fail clears it; a failure counts, and keeps `since` while its class stays the same.
 */
export function afterCycle(state: WhatNext, outcome: CycleOutcome, now: number): WhatNext {
  if (outcome.result === 'skipped') return state;
  if (outcome.result === 'success' || outcome.error === null || outcome.error.next === 'none')
    return NOTHING_WAITS;
  const { code, message, next } = outcome.error;
  return {
    next,
    code,
    message,
    // A new class starts its own count: a retry after an operator's fix starts at the base delay.
    failures: state.next === next ? state.failures + 1 : 1,
    head: outcome.head,
    since: state.next === next && state.since !== null ? state.since : now,
  };
}

/** The backoff delay after `failures` consecutive failures: baseMs · 2^(failures−1), at most capMs. */
export function backoffMs(failures: number, policy: RetryPolicy): number {
  const doublings = Math.min(Math.max(failures - 1, 0), 30);
  return Math.min(policy.capMs, policy.baseMs * 2 ** doublings);
}

/**
 * When to run an extra cycle (ms since the epoch), or null for none: only a `retry` failure
 * arms one, and only while its backoff is shorter than the schedule interval.
 */
export function retryAt(state: WhatNext, policy: RetryPolicy, endedAt: number): number | null {
  if (state.next !== 'retry' || state.failures === 0) return null;
  const delay = backoffMs(state.failures, policy);
  return delay >= policy.capMs ? null : endedAt + delay;
}

/** Triggers of an operator: a restart runs `start`; `RunningDaemon.trigger()` runs `manual`. */
const OPERATOR_TRIGGERS: ReadonlySet<TriggerKind> = new Set(['start', 'manual']);

/**
 * What a trigger may do: `run` a cycle, or `probe`: fetch, and run a cycle only when a commit
 * outside status/ arrived since the failed cycle's head (or when it had none and the fetch now
 * succeeds); otherwise the trigger ends there. While a cycle waits for a commit, automatic
 * triggers (schedule, webhook, watch, task-ended) only probe: the same head fails the same way.
 * Waiting for an operator probes nothing: what the operator fixes is outside git, so only a cycle
 * can see it.
 */
export function admit(state: WhatNext, trigger: TriggerKind): 'run' | 'probe' {
  if (OPERATOR_TRIGGERS.has(trigger)) return 'run';
  return state.next === 'wait-for-commit' ? 'probe' : 'run';
}

/**
 * Readiness (/readyz, /api/status `ready`): a cycle succeeded within 3 schedule intervals, and no
 * operator is awaited. Waiting for an operator is not ready at once: nothing changes by itself.
 * Waiting for a commit, or retrying, stays ready until the 3 intervals have passed (a fix commit
 * usually follows within minutes, and the daemon itself is sound); /readyz names the class as a
 * warning meanwhile.
 */
export function isReady(
  state: WhatNext,
  lastGoodCycleAt: number | null,
  now: number,
  intervalMs: number,
): boolean {
  if (state.next === 'operator') return false;
  return lastGoodCycleAt !== null && now - lastGoodCycleAt <= 3 * intervalMs;
}

/**
 * The class of an API failure that ended a cycle (an account-wide read: the server list, the
 * catalog). What the API said decides, not the code alone: a transient, busy or waiting answer
 * (a 5xx of the token endpoint, a TLS hiccup, a rate limit) is retried; anything else waits for an
 * operator, never for a commit, since no commit changes what the account answers.
 */
export function apiNextStep(error: Pick<OvhApiError, 'code' | 'disposition'>): NextStep {
  if (error.disposition === 'transient' || error.disposition === 'busy' || error.disposition === 'waiting') {
    return 'retry';
  }
  const next = nextStepOf(error.code);
  return next === 'wait-for-commit' || next === 'none' ? 'operator' : next;
}
