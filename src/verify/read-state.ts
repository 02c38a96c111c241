/**
 * Reading a verification state back (from a status record, after a restart): the shape is
 * checked where it enters, so a hand-edited or corrupted record is refused with a sentence
 * instead of resuming from nonsense. A valid state is returned as the same plain data.
 */
import { PROBE_TYPES } from '../specs/verify-types.js';
import type { VerificationState } from './verification-state.js';

const VERDICTS = ['verifying', 'ready', 'unhealthy', 'inconclusive'];
const OUTCOMES = ['success', 'failure', 'inconclusive'];

/** The state in `value`, or a sentence saying what is wrong with it. */
export function readVerificationState(value: unknown): VerificationState | string {
  if (!isObject(value)) return 'verification: not a mapping';
  if (value.version !== 1) return `verification.version: ${JSON.stringify(value.version)} is not 1`;
  const facts = value.facts;
  if (!isObject(facts) || typeof facts.serviceName !== 'string' || typeof facts.ip !== 'string')
    return 'verification.facts: serviceName and ip are required';
  if (facts.reverse !== null && typeof facts.reverse !== 'string')
    return 'verification.facts.reverse: not text';
  if (!isTime(value.endedAt)) return 'verification.endedAt: not a date-time';
  const s = value.settings;
  if (!isObject(s)) return 'verification.settings: not a mapping';
  for (const key of [
    'initialDelayMs',
    'intervalMs',
    'timeoutMs',
    'successes',
    'failureLimit',
    'deadlineMs',
  ]) {
    const n = s[key];
    if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0)
      return `verification.settings.${key}: not a whole number`;
  }
  if (
    !Array.isArray(s.probes) ||
    !s.probes.every((p) => isObject(p) && typeof p.name === 'string' && PROBE_TYPES.includes(p.type as never))
  )
    return 'verification.settings.probes: not a list of probes';
  const rounds = value.rounds;
  if (!isObject(rounds) || !['total', 'success', 'failure', 'inconclusive'].every((k) => isCount(rounds[k])))
    return 'verification.rounds: total, success, failure and inconclusive counts are required';
  if (!isCount(value.passStreak) || !isCount(value.failStreak))
    return 'verification: passStreak and failStreak are required';
  if (value.last !== null && !isRound(value.last)) return 'verification.last: not a round';
  if (value.cameBack !== undefined && typeof value.cameBack !== 'boolean')
    return 'verification.cameBack: not true or false';
  if (!VERDICTS.includes(value.verdict as string))
    return `verification.verdict: ${JSON.stringify(value.verdict)} is not known`;
  if (typeof value.reason !== 'string') return 'verification.reason: not text';
  const deciding = value.verdict === 'verifying';
  if (deciding ? !isTime(value.nextAt) : value.nextAt !== null)
    return 'verification.nextAt: does not match the verdict';
  if (deciding ? value.decidedAt !== null : !isTime(value.decidedAt))
    return 'verification.decidedAt: does not match the verdict';
  if (value.cameBack === undefined) return withCameBackInferred(value);
  return value as unknown as VerificationState;
}

/**
 * A state saved before `cameBack` existed, with it inferred, and its `failStreak` cut to the
 * failing rounds known to be at or after the round in which the server came back (that version
 * counted the rounds before too). When a passing round was seen, the streak already counts only
 * rounds after it, so after the server came back: it stays. When only the last round's probes show
 * the server back, that round is the only one known to be after: 1 if it failed, else 0. Either way
 * the streak can only be shorter than the truth: the inference can make a server late, never
 * wrongly unhealthy.
 */
function withCameBackInferred(value: Record<string, unknown>): VerificationState {
  const cameBack = cameBackBefore(value);
  const rounds = value.rounds as { success: number };
  const last = value.last as { outcome: string } | null;
  const failStreak = value.failStreak as number;
  const sinceBack =
    !cameBack || rounds.success > 0 || (value.passStreak as number) > 0
      ? failStreak
      : Math.min(failStreak, last?.outcome === 'failure' ? 1 : 0);
  return { ...value, cameBack, failStreak: sinceBack } as unknown as VerificationState;
}

/**
 * Whether a state saved before `cameBack` existed had seen the server come back: a passing round
 * (or a pass streak), or a passing probe in its latest round. Earlier rounds' probes were not
 * kept, so a server seen only in such a round reads back as not come back: it can then only be
 * late, never wrongly unhealthy.
 */
function cameBackBefore(value: Record<string, unknown>): boolean {
  const rounds = value.rounds as { success: number };
  const last = value.last as { results: { outcome: string }[] } | null;
  return (
    rounds.success > 0 ||
    (value.passStreak as number) > 0 ||
    (last?.results.some((r) => r.outcome === 'success') ?? false)
  );
}

function isRound(value: unknown): boolean {
  return (
    isObject(value) &&
    isTime(value.at) &&
    OUTCOMES.includes(value.outcome as string) &&
    Array.isArray(value.results) &&
    value.results.every(
      (r) => isObject(r) && typeof r.probe === 'string' && OUTCOMES.includes(r.outcome as string),
    )
  );
}

function isCount(value: unknown): boolean {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function isTime(value: unknown): boolean {
  return typeof value === 'string' && !Number.isNaN(Date.parse(value));
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
