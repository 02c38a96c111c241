/**
 * The verdict machine (docs/verification.md, "Verdicts"): pure, no I/O, no clock of its own.
 * `startVerification` opens a verification when a reinstall task ends; `recordRound` folds one
 * round's probe results into it; `nextProbeAt` says when the next round is due. The rules:
 * - a round fails when one probe fails; else it is inconclusive when one probe is; else it passes;
 * - the server has *come back* once some probe of some round of this verification passed;
 * - `successes` passing rounds in a row → `ready`; an inconclusive round neither counts nor
 *   breaks a streak;
 * - until the server has come back it is "not answering yet": failing rounds count only toward
 *   the deadline, never toward `failureLimit` (a late server is not unhealthy for being late;
 *   the deadline is the limit for "never comes back");
 * - once it has come back, `failureLimit` failing rounds in a row → `unhealthy` (flapping, ssh
 *   up but http down); the streak counts from the round in which it came back, whatever that
 *   round's outcome (a come-back round that passes or is inconclusive leaves it at 0);
 * - rounds are `interval` apart, the first `initialDelay` after the task's end and the last at
 *   the deadline; a round at or past the deadline always ends verification: `unhealthy` when any
 *   round failed (a server that never came back ends here), else `inconclusive` (no evidence
 *   against the server, not enough for it).
 */
import type { VerifySettings } from '../specs/verify-types.js';
import type {
  ProbeOutcome,
  ProbeResult,
  RoundRecord,
  ServerFacts,
  VerificationState,
} from './verification-state.js';

/** Opens the verification of a server whose task ended at `endedAt` (ms since the epoch). */
export function startVerification(
  settings: VerifySettings,
  facts: ServerFacts,
  endedAt: number,
): VerificationState {
  const first = Math.min(endedAt + settings.initialDelayMs, endedAt + settings.deadlineMs);
  return {
    version: 1,
    facts: { ...facts },
    endedAt: iso(endedAt),
    settings: structuredClone(settings),
    rounds: { total: 0, success: 0, failure: 0, inconclusive: 0 },
    passStreak: 0,
    failStreak: 0,
    cameBack: false,
    last: null,
    verdict: 'verifying',
    reason: `waiting ${settings.initialDelayMs / 1000}s after the task's end for the first round`,
    nextAt: iso(first),
    decidedAt: null,
  };
}

/** When the next round is due (ms since the epoch); undefined once the verdict is reached. */
export function nextProbeAt(state: VerificationState): number | undefined {
  return state.verdict === 'verifying' && state.nextAt !== null ? Date.parse(state.nextAt) : undefined;
}

/** When the verification must end (ms since the epoch). */
export function deadlineOf(state: VerificationState): number {
  return Date.parse(state.endedAt) + state.settings.deadlineMs;
}

/** A round's outcome from its probes' outcomes (no probe: inconclusive). */
export function roundOutcome(results: readonly ProbeResult[]): ProbeOutcome {
  if (results.some((r) => r.outcome === 'failure')) return 'failure';
  if (results.length === 0 || results.some((r) => r.outcome === 'inconclusive')) return 'inconclusive';
  return 'success';
}

/**
 * Folds the round that started at `at` (ms since the epoch) into `state` and returns the new
 * state (`state` is not changed). A decided state comes back as it is: a verdict is final.
 */
export function recordRound(
  state: VerificationState,
  at: number,
  results: readonly ProbeResult[],
): VerificationState {
  if (state.verdict !== 'verifying') return state;
  const s = state.settings;
  const outcome = roundOutcome(results);
  const round: RoundRecord = { at: iso(at), outcome, results: results.map((r) => ({ ...r })) };
  const comesBackNow = !state.cameBack && results.some((r) => r.outcome === 'success');
  const next: VerificationState = {
    ...state,
    rounds: { ...state.rounds, total: state.rounds.total + 1, [outcome]: state.rounds[outcome] + 1 },
    cameBack: state.cameBack || comesBackNow,
    last: round,
  };
  // The rounds before the server came back never count toward failureLimit: the streak starts
  // again in the round in which it comes back, whatever that round's outcome.
  const failStreakBefore = comesBackNow ? 0 : state.failStreak;
  next.failStreak = failStreakBefore;
  if (outcome === 'success') {
    next.passStreak = state.passStreak + 1;
    next.failStreak = 0;
  } else if (outcome === 'failure') {
    next.failStreak = failStreakBefore + 1;
    next.passStreak = 0;
  }
  if (next.passStreak >= s.successes)
    return decide(next, 'ready', at, `${next.passStreak} passing round(s) in a row`);
  if (next.cameBack && next.failStreak >= s.failureLimit)
    return decide(
      next,
      'unhealthy',
      at,
      `${next.failStreak} failing round(s) in a row: ${firstReason(round)}`,
    );
  const deadline = deadlineOf(state);
  if (at >= deadline) return decideAtDeadline(next, at);
  next.nextAt = iso(Math.min(at + s.intervalMs, deadline));
  next.reason = progress(next, round);
  return next;
}

/** The verdict of a verification that reached its deadline undecided. */
function decideAtDeadline(state: VerificationState, at: number): VerificationState {
  const limit = `${state.settings.deadlineMs / 1000}s`;
  if (state.rounds.failure > 0) {
    const failing = state.last?.outcome === 'failure' ? `: ${firstReason(state.last)}` : '';
    const what = state.cameBack ? 'not healthy' : 'never answered';
    return decide(
      state,
      'unhealthy',
      at,
      `${what} by the deadline (${limit}): ${state.rounds.failure} of ${state.rounds.total} round(s) failed${failing}`,
    );
  }
  const why =
    state.rounds.inconclusive > 0
      ? `${state.rounds.inconclusive} of ${state.rounds.total} round(s) could not run on our side`
      : `only ${state.passStreak} passing round(s) in a row of ${state.settings.successes} needed`;
  return decide(
    state,
    'inconclusive',
    at,
    `no verdict by the deadline (${limit}): ${why}; an operator must look`,
  );
}

function decide(
  state: VerificationState,
  verdict: 'ready' | 'unhealthy' | 'inconclusive',
  at: number,
  reason: string,
): VerificationState {
  return { ...state, verdict, reason, nextAt: null, decidedAt: iso(at) };
}

function progress(state: VerificationState, round: RoundRecord): string {
  const s = state.settings;
  if (round.outcome === 'success') return `${state.passStreak} of ${s.successes} passing round(s) in a row`;
  if (round.outcome === 'failure' && !state.cameBack)
    return `not answering yet: ${state.failStreak} failing round(s), counted only toward the deadline (${s.deadlineMs / 1000}s): ${firstReason(round)}`;
  if (round.outcome === 'failure')
    return `${state.failStreak} of ${s.failureLimit} failing round(s) in a row: ${firstReason(round)}`;
  return `round inconclusive (not counted): ${firstReason(round)}`;
}

/** The first reason of the round's worst outcome, prefixed by its probe's name. */
function firstReason(round: RoundRecord): string {
  const r = round.results.find((p) => p.outcome === round.outcome) ?? round.results[0];
  if (!r) return 'no probe ran';
  return `${r.probe}: ${r.reason ?? r.outcome}`;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
