/**
 * The one registry of stable codes: CLI and configuration errors, OVHcloud API error codes,
 * validation diagnostics and plan reasons. Each area keeps its codes in its own file beside this
 * one; docs/errors.md lists every code and a test keeps the two in agreement.
 */
import { API_CODES } from './api-codes.js';
import { APPLY_CODES } from './apply-codes.js';
import { CLI_CODES } from './cli-codes.js';
import { DAEMON_CODES } from './daemon-codes.js';
import { DIAGNOSTIC_CODES } from './diagnostic-codes.js';
import { GIT_CODES } from './git-codes.js';
import { PLAN_CODES } from './plan-codes.js';

/**
 * What the loop does next after a code (Flux's terminal/transient split, in the words of this
 * daemon). The daemon's retry schedule (src/daemon/retry-schedule.ts) acts on the class of a
 * failed cycle's code; for a per-server reason or outcome it says what unblocks that server.
 * - `retry`: transient (network, 5xx, a git push race, a budget or window): it clears by itself;
 *   retry soon with exponential backoff.
 * - `wait-for-commit`: the fleet repository is at fault (invalid spec, unsigned commit, failed
 *   attempt at this digest): only a new commit changes the outcome; the same head is not retried.
 * - `operator`: someone must act outside the loop (credentials refused, lock held by another
 *   writer, quarantined journal entry, an acknowledgement): nothing automatic may act meanwhile.
 * - `none`: not a failure (in sync, adopted, done): nothing waits.
 */
export type NextStep = 'retry' | 'wait-for-commit' | 'operator' | 'none';

/** Every class, in the order docs and metrics list them. */
export const NEXT_STEPS: readonly NextStep[] = ['retry', 'wait-for-commit', 'operator', 'none'];

/** What the registry says about one code. */
export interface CodeInfo {
  /** One line: what happened. Shown in docs/errors.md. */
  readonly summary: string;
  /** What the operator should do next. */
  readonly action: string;
  /** Exit code of the CLI when an error with this code ends a command. */
  readonly exitCode: number;
  /** What the loop does next (see {@link NextStep}); required, so a new code must decide. */
  readonly next: NextStep;
}

export type CodeTable = Readonly<Record<string, CodeInfo>>;

export const CODE_AREAS = {
  cli: CLI_CODES,
  api: API_CODES,
  diagnostic: DIAGNOSTIC_CODES,
  plan: PLAN_CODES,
  apply: APPLY_CODES,
  git: GIT_CODES,
  daemon: DAEMON_CODES,
} as const;

export type ErrorCode = {
  [Area in keyof typeof CODE_AREAS]: keyof (typeof CODE_AREAS)[Area] & string;
}[keyof typeof CODE_AREAS];

const ALL: Record<string, CodeInfo> = Object.assign({}, ...Object.values(CODE_AREAS)) as Record<
  string,
  CodeInfo
>;

export function describeCode(code: ErrorCode): CodeInfo {
  const info = ALL[code];
  if (!info) throw new Error(`unregistered code ${code}`);
  return info;
}

/**
 * The class of a code. An unregistered code (a foreign error's `code`, e.g. ENOSPC) is `retry`:
 * the daemon backs off, bounded by its schedule interval, as it did before classes existed.
 */
export function nextStepOf(code: string): NextStep {
  return isRegisteredCode(code) ? ALL[code]!.next : 'retry';
}

export function isRegisteredCode(code: string): code is ErrorCode {
  return Object.hasOwn(ALL, code);
}

export function allCodes(): string[] {
  return Object.keys(ALL).sort();
}
