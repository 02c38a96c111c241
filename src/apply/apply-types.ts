/**
 * The executor's inputs and outputs: what applyPlan needs (deps, options), the events it emits
 * while it works, and its report. The outcome of each server it touched (ApplyOutcome,
 * src/records/outcomes.ts) is what the status step records; it never holds a secret.
 */
import type { SecretRule } from '../core/secret-rule.js';
import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/logger.js';
import type { OvhApi } from '../ovh/ovh-api.js';
import type { TemplateInfo } from '../ovh/types.js';
import type { PlanServer } from '../plan/types.js';
import type { FleetPolicy, ServerSpec } from '../specs/types.js';
import type { ApplyOutcome, FollowProgress } from '../records/outcomes.js';
import type { StatusRecord } from '../records/types.js';
import type { IntentJournal, JournalProblem } from './intent-journal.js';
import type { SecretEnv } from './reinstall-body.js';
import type { SharedIntentDeps } from './shared-intents.js';
import type { FollowerOptions } from './task-follower.js';
import type { PostOptions } from './post-reinstall.js';
import type { TaskDurations } from './task-durations.js';

/** What applyPlan reports as it goes (for live progress and logs). */
export type ApplyEvent =
  | { type: 'started'; serviceName: string; taskId: number; posted: boolean }
  | { type: 'progress'; progress: FollowProgress }
  | { type: 'outcome'; outcome: ApplyOutcome }
  | { type: 'circuit-open'; failures: number; maxFailures: number }
  /** An unreadable journal entry: moved aside (`quarantinedTo`), or still blocking (null). */
  | { type: 'journal-problem'; problem: JournalProblem; quarantinedTo: string | null };

/** Past reinstalls the plan's status records know of (the journal adds this state dir's own). */
export interface RolloutHistory {
  /** Start times (ms) of reinstalls per server, from the status records. */
  starts: ReadonlyMap<string, readonly number[]>;
  /** Failed attempts that count for the circuit breaker, per the planner's rule. */
  failures: number;
  /**
   * The plan's entries and the records it was made from, for the cohort rules (canaries, halts)
   * and the servers verifying (in flight): the gate applies them as the planner did.
   */
  entries?: readonly PlanServer[];
  records?: ReadonlyMap<string, StatusRecord>;
}

/** What applyPlan needs; the CLI and the daemon build it. */
export interface ApplyDeps {
  api: OvhApi;
  clock: Clock;
  journal: IntentJournal;
  /** Valid specs by serviceName: the bodies are built from them at apply time. */
  specs: ReadonlyMap<string, ServerSpec>;
  /** Environment the `{env}` secrets are read from, now (and $CREDENTIALS_DIRECTORY it names). */
  env: SecretEnv;
  /** Which names `{env}` may read; default: OVH_FLEET_SECRETS_ALLOW of `env`, else FLEET_SECRET_*. */
  secretRule?: SecretRule;
  policy: FleetPolicy;
  history?: RolloutHistory;
  /**
   * The status records the plan was made from (what git holds). A finished journal entry whose
   * outcome a record holds no longer stands in for a plan entry (journal-attempts.ts).
   */
  records?: ReadonlyMap<string, StatusRecord>;
  /** True when the branch was rewritten and not acknowledged: nothing new starts. */
  historyRewritten?: boolean;
  /** The catalog; fetched once (priority write) when not given. */
  catalog?: readonly TemplateInfo[];
  logger?: Logger;
  onEvent?: (event: ApplyEvent) => void;
  /** Aborting stops following (tasks go on at OVHcloud) and starts nothing new. */
  signal?: AbortSignal;
  /**
   * The shared record of intent (shared-intents.ts): every start is claimed in git before its
   * POST, and servers another writer is about to reinstall are held. Absent: this writer is
   * alone by contract (`apply --no-record`, unit tests).
   */
  shared?: SharedIntentDeps;
}

/** Options of one applyPlan run. */
export interface ApplyOptions {
  /** Refuse the plan unless its hash equals this one. */
  planHash?: string;
  /** Follow every started or adopted task to its end, and start held reinstalls as limits free. */
  wait: boolean;
  follower?: Partial<FollowerOptions>;
  post?: Partial<PostOptions>;
  /** Share of the request budget the followers may use together (default 0.5). */
  followShare?: number;
  /** API calls one poll makes (getTask + install/status), for the interval floor (default 2). */
  callsPerPoll?: number;
  /**
   * The durations of the tasks seen end, read for the followers' expectation and added to by this
   * run. The daemon passes one for its lifetime (shared with its task watch), so each cycle's run
   * starts knowing how long reinstalls take; default: a new one for this run.
   */
  durations?: TaskDurations;
}

/** What applyPlan returns. */
export interface ApplyReport {
  planHash: string;
  outcomes: ApplyOutcome[];
  /** Unreadable journal entries that still block their (server, digest). */
  journalProblems: JournalProblem[];
  /** Unreadable journal entries this run resolved and moved to `intents/quarantine/`. */
  journalQuarantined: JournalProblem[];
  /** True when the circuit breaker stopped new reinstalls during (or before) this run. */
  circuitOpen: boolean;
  /** Failures counted for the circuit breaker at the end (history + this run). */
  failures: number;
}
