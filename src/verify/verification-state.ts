/**
 * The state of one server's verification: plain data that round-trips through JSON and YAML, so
 * that a restarted daemon resumes where it was (the same streaks, the same next round, the same
 * deadline) instead of starting over. Times are ISO 8601 strings; durations are milliseconds.
 */
import type { DedicatedServer } from '../ovh/types.js';
import type { ProbeSpec, VerifySettings } from '../specs/verify-types.js';

/** What one probe gave in one round. */
export type ProbeOutcome = 'success' | 'failure' | 'inconclusive';

/**
 * One probe's result. `reason` (failure and inconclusive) is a short sentence with no secret in
 * it: never a command's output, never a response body.
 */
export interface ProbeResult {
  /** The probe's name in fleet.yaml. */
  probe: string;
  outcome: ProbeOutcome;
  reason?: string;
}

/**
 * Where verification stands.
 * - `verifying`: keep probing (at `nextAt`).
 * - `ready`: `successes` passing rounds in a row.
 * - `unhealthy`: `failureLimit` failing rounds in a row once the server has come back, or the
 *   deadline passed after a failure (a server that never came back ends here).
 * - `inconclusive`: the deadline passed with no failing round but without enough passes, because
 *   probes could not run on our side (or no round could run); an operator must look.
 */
export type Verdict = 'verifying' | 'ready' | 'unhealthy' | 'inconclusive';

/** A round: every probe once. It fails when one probe fails; else it is inconclusive when one is. */
export interface RoundRecord {
  /** When the round started (ISO). */
  at: string;
  outcome: ProbeOutcome;
  results: ProbeResult[];
}

/** The server's addresses, from `GET /dedicated/server/{serviceName}` (read once). */
export interface ServerFacts {
  serviceName: string;
  /** The API's `ip`. */
  ip: string;
  /** The API's `reverse` (may end with a dot); null when the server has none. */
  reverse: string | null;
}

/** One server's verification. Never holds a secret: it is meant for status records. */
export interface VerificationState {
  /** The format; a reader refuses another. */
  version: 1;
  facts: ServerFacts;
  /** When the reinstall task ended: the zero of every timing (ISO). */
  endedAt: string;
  /** The settings in force when verification started; a later fleet.yaml does not change them. */
  settings: VerifySettings;
  /** Rounds recorded so far, and how many of each outcome. */
  rounds: { total: number; success: number; failure: number; inconclusive: number };
  /** Passing rounds in a row (inconclusive rounds neither add nor break). */
  passStreak: number;
  /**
   * Failing rounds in a row (inconclusive rounds neither add nor break). It starts again at the
   * round in which the server came back: the rounds before count only toward the deadline.
   */
  failStreak: number;
  /**
   * Whether the server has come back: some probe of some round of this verification passed.
   * Until then it is "not answering yet" and failing rounds never make it `unhealthy` before the
   * deadline. A state saved before this field existed reads back with it inferred
   * (src/verify/read-state.ts).
   */
  cameBack: boolean;
  /** The latest round, or null before the first. */
  last: RoundRecord | null;
  verdict: Verdict;
  /** One sentence on the verdict (why it is decided, or what is awaited). */
  reason: string;
  /** When the next round is due (ISO); null once decided. */
  nextAt: string | null;
  /** When the verdict was reached (ISO); null while verifying. */
  decidedAt: string | null;
}

/** The probes of a state, for the runner. */
export function probesOf(state: VerificationState): readonly ProbeSpec[] {
  return state.settings.probes;
}

/** The facts a verification needs from `GET /dedicated/server/{serviceName}` (read once). */
export function serverFactsOf(server: Pick<DedicatedServer, 'name' | 'ip' | 'reverse'>): ServerFacts {
  return { serviceName: server.name, ip: server.ip, reverse: server.reverse };
}
