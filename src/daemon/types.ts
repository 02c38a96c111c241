/**
 * The daemon's shapes: what startDaemon receives (deps), what one cycle carries from step to step
 * (CycleContext, CycleState), and what the daemon reports (/api/status, trigger results).
 */
import type { SecretRule } from '../core/secret-rule.js';
import type { ApplyReport } from '../apply/apply-types.js';
import type { FollowProgress } from '../records/outcomes.js';
import type { IntentJournal } from '../apply/intent-journal.js';
import type { PostOptions } from '../apply/post-reinstall.js';
import type { SecretEnv } from '../apply/reinstall-body.js';
import type { FollowerOptions } from '../apply/task-follower.js';
import type { DaemonConfig, DaemonSecrets } from '../config/daemon-config.js';
import type { Clock } from '../core/clock.js';
import type { NextStep } from '../core/codes/registry.js';
import type { Logger } from '../core/logger.js';
import type { GitRepo } from '../git/git-repo.js';
import type { OvhApi } from '../ovh/ovh-api.js';
import type { GatheredPlanInput, ObservationCache } from '../observe/index.js';
import type { Plan } from '../plan/types.js';
import type { AppliedRecordCache } from '../records/read-records.js';
import type { ReadCache } from '../specs/read-cache.js';
import type { ServerSpec } from '../specs/types.js';
import type { CycleBlock } from '../status/build-records.js';
import type { CanonicalSpec, StatusRecord } from '../records/types.js';
import type { DaemonMetrics } from './metrics.js';
import type { SpecCommits } from './spec-commits.js';

/**
 * What started a cycle. `schedule`, `start`, `manual` and `task-ended` always run a full cycle;
 * `webhook` and `watch` stop after the fetch when only status/ changed since the last cycle.
 */
export type TriggerKind = 'start' | 'schedule' | 'webhook' | 'watch' | 'task-ended' | 'manual';

/** What startDaemon needs besides the configuration. Only composition roots build these. */
export interface DaemonDeps {
  api: OvhApi;
  clock?: Clock;
  logger?: Logger;
  /** Where `{env}` secrets are read from at apply time (default process.env). */
  env?: SecretEnv;
  secrets?: DaemonSecrets;
  /** The clone; default a SimpleGitRepo in `<stateDir>/repo` built from the configuration. */
  git?: GitRepo;
  /** Remaining requests of the API budget, for /metrics; null when unknown. */
  budgetRemaining?: () => number | null;
  /**
   * Sets the request budget of `api` to fleet.yaml `api.requestsPerMinute`; called every cycle as
   * soon as fleet.yaml is read, before the API is observed. Without it the budget stays as built.
   */
  setRequestsPerMinute?: (requestsPerMinute: number) => void;
  /** Follower timings (tests and the demo shorten them). */
  follower?: Partial<FollowerOptions>;
  post?: Partial<PostOptions>;
  /** Which triggers run (default all): the cron schedule, the watcher, the HTTP listener. */
  triggers?: { schedule?: boolean; watch?: boolean; http?: boolean };
  /** Debounce of the local-directory watcher in ms (default 1000; never below 1000 in production). */
  watchDebounceMs?: number;
}

/** The daemon's memory between cycles (rebuilt from git and the state dir after a restart). */
export interface DaemonMemory {
  /** Spec branch head of the last cycle that fetched. */
  lastHead: string | null;
  /** Head of the last cycle whose plan was applied (history-rewritten detection). */
  lastApplied: string | null;
  /** Head whose signatures were last verified good (persisted in `<stateDir>/verified-head.json`). */
  lastVerified: string | null;
  /**
   * With verification on, the texts of the records the daemon wrote (trusted-records.ts); null
   * until the first cycle keeps them (or without verification).
   */
  trustedRecords: Map<string, string> | null;
  /** The records last written (or read), per server. */
  records: Map<string, StatusRecord>;
  /** Canonical specs by digest, for lastApplied.spec. */
  canonical: Map<string, CanonicalSpec>;
  /** The follower's latest progress per server. */
  progress: Map<string, FollowProgress>;
  /** fleet.yaml api.requestsPerMinute of the last plan (the followers' share is computed from it). */
  requestsPerMinute: number;
  block: CycleBlock | null;
  lastGoodCycleAt: number | null;
  lastCycle: CycleSummary | null;
  /** The last cycle's intent commit lost a race with another writer: plan again soon. */
  raceLost: boolean;
}

/** Long-lived parts a cycle uses. */
export interface CycleRuntime {
  config: DaemonConfig;
  api: OvhApi;
  git: GitRepo;
  clock: Clock;
  env: SecretEnv;
  /** The allow-list of `{env}` secrets (configuration `secrets.allow`). */
  secretRule: SecretRule;
  journal: IntentJournal;
  cache: ObservationCache;
  readCache: ReadCache;
  /** Parsed status records by file hash (restore, plan and record skip parsing known files). */
  recordCache: AppliedRecordCache;
  specCommits: SpecCommits;
  metrics: DaemonMetrics;
  memory: DaemonMemory;
  /** Absolute path of the fleet root inside the clone (clone + repository.path). */
  root: string;
  /** Repository-relative prefix of the fleet root ('' or 'sub/'). */
  prefix: string;
  /** Absolute path of the clone. */
  cloneDir: string;
  stateDir: string;
  /** This process's id in the shared record of intent (a new one per start: src/apply/shared-intents.ts). */
  writer: string;
  follower?: Partial<FollowerOptions>;
  post?: Partial<PostOptions>;
  /** See DaemonDeps.setRequestsPerMinute. */
  setRequestsPerMinute?: (requestsPerMinute: number) => void;
  /** Aborted on shutdown: no new reinstall starts, following stops. */
  stopSignal: AbortSignal;
}

/** What the steps of one cycle fill in, in order. */
export interface CycleState {
  trigger: TriggerKind;
  head: string | null;
  /** True when the cycle stopped after the fetch (only status/ changed). */
  skipped: boolean;
  block: CycleBlock | null;
  gathered: GatheredPlanInput | null;
  plan: Plan | null;
  specs: Map<string, ServerSpec>;
  /** Servers whose record file was missing or corrupted and was rewritten from memory. */
  repaired: Set<string>;
  report: ApplyReport | null;
  /** The shared record of intent as this cycle's plan read it; null before the plan. */
  shared: CycleSharedIntents | null;
}

/** What the plan step read of the shared record of intent, for the apply and status steps. */
export interface CycleSharedIntents {
  /** The status-branch revision the plan read: the parent of this cycle's intent commit (CAS). */
  base: string;
  /** The status records with the attempts of other writers recorded (the plan's `applied`). */
  applied: Map<string, StatusRecord>;
  /** Servers another writer is about to reinstall. */
  holds: Map<string, string>;
}

/** One cycle: its id, logger, runtime and state. */
export interface CycleContext {
  id: string;
  log: Logger;
  rt: CycleRuntime;
  state: CycleState;
}

/** One named step of a cycle; `stop` ends the cycle early (not an error). */
export type CycleStep = (ctx: CycleContext) => Promise<'continue' | 'stop'>;

/** How a cycle ended. */
export interface CycleSummary {
  id: string;
  trigger: TriggerKind;
  result: 'success' | 'skipped' | 'error';
  startedAt: string;
  endedAt: string;
  head: string | null;
  planHash: string | null;
  /** Status commit pushed by the cycle, if any. */
  statusCommit: string | null;
  block: CycleBlock | null;
  /** What ended the cycle, with its "what next" class (src/daemon/retry-schedule.ts acts on it). */
  error: { code: string; message: string; next: NextStep } | null;
}

/** The body of /api/status. */
export interface DaemonStatus {
  ready: boolean;
  head: string | null;
  block: CycleBlock | null;
  lastCycle: CycleSummary | null;
  lastGoodCycleAt: string | null;
  tasksInFlight: number;
  servers: StatusRecord[];
}
