/**
 * The pure arithmetic of the background sweep (task-sweep.ts): how many calls per minute it may
 * spend so that the daemon's steady state stays within `steadyStateShare × requestsPerMinute`,
 * how much it may spend after each cycle (its credit), which servers it checks next (oldest check
 * first), and the longest time a task started outside ovh-fleet can go unseen
 * (docs/operations.md#the-background-sweep). No clock, no I/O.
 */

/** Calls of one check when the API answers an expanded task list: one page. */
export const CALLS_PER_CHECK_EXPANDED = 1;
/** Calls of one check without it: the task id list, then the newest task. */
export const CALLS_PER_CHECK_FALLBACK = 2;
/**
 * Debt older than this many minutes of the share is written off: after a rollout or a cold plan
 * that spent hours of the share, the sweep resumes within an hour instead of stopping for hours
 * (tasks started elsewhere would go unseen all that time). Steady cycles, even bursty ones, are
 * paid back in full.
 */
export const MAX_DEBT_MINUTES = 60;

/** What the sweep's rate depends on. */
export interface SweepInputs {
  /** Servers swept: the managed servers no follower watches. */
  servers: number;
  /** fleet.yaml `api.requestsPerMinute`. */
  requestsPerMinute: number;
  /** fleet.yaml `api.steadyStateShare`, in (0, 1]. */
  steadyStateShare: number;
  /** API calls one check costs (1 with expanded task lists, 2 without; the daemon measures it). */
  callsPerCheck: number;
  /** Calls per minute the daemon spends on anything else when nothing changes (its quiet cycles). */
  reservedPerMinute: number;
  /** The schedule's interval between cycles, in seconds: the sweep runs in slices after each cycle. */
  cycleSeconds: number;
}

/** The sweep's pace and what it guarantees. */
export interface SweepRate {
  /** The sweep's own calls per minute: the share minus what quiet cycles spend, never below 0. */
  callsPerMinute: number;
  checksPerMinute: number;
  /** Time to check every server once, in seconds (null: no budget left for the sweep). */
  roundSeconds: number | null;
  /**
   * The longest time a task started outside ovh-fleet can go unseen, in seconds: one round, plus
   * one cycle interval (the sweep spends its credit in slices after cycles, and the cycle it asks
   * for records the task). Null when the sweep has no budget: such tasks are then only seen when
   * a plan acts on the server.
   */
  maxUnseenSeconds: number | null;
}

/** The steady-state share in calls per minute. */
export function steadyStateCallsPerMinute(requestsPerMinute: number, steadyStateShare: number): number {
  return requestsPerMinute * steadyStateShare;
}

/** The sweep's rate and the longest time unseen (see {@link SweepRate}). */
export function sweepRate(inputs: SweepInputs): SweepRate {
  const share = steadyStateCallsPerMinute(inputs.requestsPerMinute, inputs.steadyStateShare);
  const callsPerMinute = Math.max(0, share - Math.max(0, inputs.reservedPerMinute));
  const checksPerMinute = callsPerMinute / Math.max(1, inputs.callsPerCheck);
  if (inputs.servers === 0) return { callsPerMinute, checksPerMinute, roundSeconds: 0, maxUnseenSeconds: 0 };
  if (checksPerMinute <= 0)
    return { callsPerMinute, checksPerMinute, roundSeconds: null, maxUnseenSeconds: null };
  const roundSeconds = (inputs.servers / checksPerMinute) * 60;
  return {
    callsPerMinute,
    checksPerMinute,
    roundSeconds,
    maxUnseenSeconds: roundSeconds + inputs.cycleSeconds,
  };
}

/** What the sweep may spend after a stretch of time. */
export interface CreditInputs {
  /** Calls the sweep had left over from the last slice (negative: it owes them). */
  credit: number;
  /** Time since the last slice, in ms. */
  elapsedMs: number;
  /** Calls the daemon made meanwhile besides the sweep's own. */
  otherCalls: number;
  requestsPerMinute: number;
  steadyStateShare: number;
}

/**
 * The sweep's credit after `elapsedMs`: what was left, plus the share of that stretch, minus every
 * other call the daemon made in it (a cycle that spent more than the share is paid back by the
 * sweep). Saved credit never exceeds the share of the stretch itself (plus one call): nothing
 * is saved up across stretches, so there is no burst after a quiet spell. Debt is kept down to
 * {@link MAX_DEBT_MINUTES} of the share (or the stretch, if longer).
 *
 * The sweep starts a check with at least one call of credit and pays its real cost after it, so
 * it owes at most one call (the second of a check without expanded lists): over any stretch from
 * one slice to a later one, the daemon's own calls stay within the share plus that one call,
 * unless a single stretch spent more than an hour of the share by itself.
 */
export function nextCredit(inputs: CreditInputs): number {
  const perMinute = steadyStateCallsPerMinute(inputs.requestsPerMinute, inputs.steadyStateShare);
  const minutes = Math.max(0, inputs.elapsedMs) / 60_000;
  const stretch = perMinute * minutes;
  const earned = stretch - Math.max(0, inputs.otherCalls);
  // Plus one call, or a tiny share could never start a check (which needs one call of credit).
  const ceiling = 1 + stretch;
  const floor = -(CALLS_PER_CHECK_FALLBACK + perMinute * Math.max(MAX_DEBT_MINUTES, minutes));
  return Math.max(floor, Math.min(ceiling, inputs.credit + earned));
}

/**
 * The next `count` servers to check: never-checked first (by name), then the oldest check first.
 * `lastChecked` holds each server's place in the order of checks (a counter, so that checks made
 * in the same millisecond keep their order).
 */
export function pickOldest(
  servers: readonly string[],
  lastChecked: ReadonlyMap<string, number>,
  count: number,
): string[] {
  if (count <= 0) return [];
  const at = (name: string): number => lastChecked.get(name) ?? Number.NEGATIVE_INFINITY;
  return [...servers]
    .sort((a, b) => at(a) - at(b) || (a < b ? -1 : a > b ? 1 : 0))
    .slice(0, Math.floor(count));
}
