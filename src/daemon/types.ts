/**
 * The daemon's shapes: what startDaemon receives (DaemonDeps), the services every cycle step reads
 * (CycleDeps), what the daemon keeps between cycles (DaemonMemory), and what it reports
 * (/api/status, trigger results). Each step's own result type lives next to the step.
 */
import type { HaltNotes } from './halt-notes.js';
import type { ListingNotes } from './listing-notes.js';
import type { SecretRule } from '../core/secret-rule.js';
import type { FollowProgress } from '../records/outcomes.js';
import type { IntentJournal } from '../apply/intent-journal.js';
import type { PostOptions } from '../apply/post-reinstall.js';
import type { SecretEnv } from '../apply/reinstall-body.js';
import type { FollowerOptions } from '../apply/task-follower.js';
import type { DaemonConfig, DaemonSecrets } from '../config/daemon-config.js';
import type { Clock } from '../core/clock.js';
import type { TaskDurations } from '../apply/task-durations.js';
import type { NextStep } from '../core/codes/registry.js';
import type { Logger } from '../core/logger.js';
import type { GitRepo } from '../git/git-repo.js';
import type { OvhApi } from '../ovh/ovh-api.js';
import type { EndpointCount } from '../ovh/request-counts.js';
import type { BudgetStats } from '../ovh/request-budget.js';
import type { FleetPolicy, FleetRepository } from '../specs/types.js';
import type { ObservationCache } from '../observe/index.js';
import type { AppliedRecordCache } from '../records/read-records.js';
import type { ReadCache } from '../specs/read-cache.js';
import type { CycleBlock, VerificationVerdict } from '../status/build-records.js';
import type { CommandHost, MapTarget, ProbeTransport } from '../verify/index.js';
import type { CanonicalSpec, StatusRecord } from '../records/types.js';
import type { DaemonMetrics } from './metrics.js';
import type { NotifyCycle } from '../notify/notifier.js';
import type { SpecCommits } from './spec-commits.js';
import type { FleetMdMemo } from './fleet-md-memo.js';
import type { SweepStatus } from './task-sweep.js';
import type { DeclaredSpecs } from './ui/declared.js';
import type { CycleTimelineEntry } from './cycle-timeline.js';
import type { LiveRecord } from './live-records.js';
import type { DashboardPlan } from './ui/dashboard-plan.js';

/**
 * What started a cycle. `schedule`, `start`, `manual`, `task-ended`, `task-found` (the
 * background sweep found a task started elsewhere) and `verified` (a verification reached its
 * verdict) always run a full cycle; `webhook` and `watch` stop after the fetch when only status/
 * changed since the last cycle.
 */
export type TriggerKind =
  'start' | 'schedule' | 'webhook' | 'watch' | 'task-ended' | 'task-found' | 'verified' | 'manual';

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
  /** HTTP requests to the API by endpoint and status class, for /metrics (src/ovh/request-counts.ts). */
  apiRequestCounts?: () => readonly EndpointCount[];
  /**
   * Sets the request budget of `api` to fleet.yaml `api.requestsPerMinute`; called every cycle as
   * soon as fleet.yaml is read, before the API is observed. Without it the budget stays as built.
   */
  setRequestsPerMinute?: (requestsPerMinute: number) => void;
  /**
   * Sets fleet.yaml's whole `api` section (limit and steady-state share) on the budget of `api`;
   * called every cycle beside setRequestsPerMinute.
   */
  setApiPolicy?: (api: FleetPolicy['api']) => void;
  /** The request budget's shares, grants and waiters, for /metrics and /api/status; null when unknown. */
  budgetStats?: () => BudgetStats | null;
  /** Follower timings (tests and the demo shorten them). */
  follower?: Partial<FollowerOptions>;
  post?: Partial<PostOptions>;
  /** Which triggers run (default all): the cron schedule, the watcher, the HTTP listener. */
  triggers?: { schedule?: boolean; watch?: boolean; http?: boolean };
  /** Debounce of the local-directory watcher in ms (default 1000; never below 1000 in production). */
  watchDebounceMs?: number;
  /** How health checks reach servers (docs/verification.md, "How the daemon runs it"). */
  probes?: DaemonProbes;
}

/**
 * Where the daemon's probes connect, built by the composition root from the OVHcloud endpoint
 * (src/cli/sim-probes.ts `probesFor`). Without it the loopback guard is on: probes connect only
 * to 127.0.0.0/8 (any other target is refused, the probe inconclusive), so a root that forgot it
 * can never probe the addresses a simulator reports.
 */
export interface DaemonProbes {
  /** True when the endpoint is the simulator (isSimulatorEndpoint): every target must be loopback. */
  simulator: boolean;
  mapTarget: MapTarget;
  transport?: ProbeTransport;
  commands?: CommandHost;
}

/**
 * The daemon's memory between cycles (rebuilt from git and the state dir after a restart). No
 * step writes it: at the end of each cycle, `remember` (remember.ts) makes the next one from the
 * cycle's results.
 */
export interface DaemonMemory {
  /** Spec branch head of the last cycle that fetched. */
  readonly lastHead: string | null;
  /** Head of the last cycle whose plan was applied (history-rewritten detection). */
  readonly lastApplied: string | null;
  /** Head whose signatures were last verified good (persisted in `<stateDir>/verified-head.json`). */
  readonly lastVerified: string | null;
  /**
   * With verification on, the texts of the records the daemon wrote (trusted-records.ts); null
   * until the first cycle keeps them (or without verification).
   */
  readonly trustedRecords: ReadonlyMap<string, string> | null;
  /** The records last written (or read), per server. */
  readonly records: ReadonlyMap<string, StatusRecord>;
  /** Canonical specs by digest, for lastApplied.spec. */
  readonly canonical: ReadonlyMap<string, CanonicalSpec>;
  /** fleet.yaml api.requestsPerMinute of the last plan (the followers' share is computed from it). */
  readonly requestsPerMinute: number;
  readonly block: CycleBlock | null;
  readonly lastGoodCycleAt: number | null;
  readonly lastCycle: CycleSummary | null;
  /** The last cycle's intent commit lost a race with another writer: plan again soon. */
  readonly raceLost: boolean;
}

/**
 * The long-lived services a cycle's steps read (never the cycle's memory). Only daemon.ts builds
 * it. The caches and the progress board change under the steps by design; nothing else does.
 */
export interface CycleDeps {
  readonly config: DaemonConfig;
  readonly api: OvhApi;
  readonly git: GitRepo;
  readonly clock: Clock;
  readonly env: SecretEnv;
  /** The allow-list of `{env}` secrets (configuration `secrets.allow`). */
  readonly secretRule: SecretRule;
  readonly journal: IntentJournal;
  readonly cache: ObservationCache;
  readonly readCache: ReadCache;
  /** Parsed status records by file hash (restore, plan and record skip parsing known files). */
  readonly recordCache: AppliedRecordCache;
  readonly specCommits: SpecCommits;
  /** FLEET.md as last rendered and as last read (the record step of a quiet cycle redoes neither). */
  readonly fleetMd: FleetMdMemo;
  readonly metrics: DaemonMetrics;
  /**
   * The follower's latest progress per server: written as reinstalls are followed (the apply
   * step's events, the task watch between cycles), read by the record step and /api/status.
   */
  readonly progress: Map<string, FollowProgress>;
  /** Absolute path of the fleet root inside the clone (clone + repository.path). */
  readonly root: string;
  /** Repository-relative prefix of the fleet root ('' or 'sub/'). */
  readonly prefix: string;
  /** Absolute path of the clone. */
  readonly cloneDir: string;
  readonly stateDir: string;
  /** This process's id in the shared record of intent (a new one per start: src/apply/shared-intents.ts). */
  readonly writer: string;
  readonly follower?: Partial<FollowerOptions>;
  readonly post?: Partial<PostOptions>;
  /** See DaemonDeps.setRequestsPerMinute. */
  readonly setRequestsPerMinute?: (requestsPerMinute: number) => void;
  /** See DaemonDeps.setApiPolicy (the daemon also keeps it for the background sweep). */
  readonly setApiPolicy?: (api: FleetPolicy['api']) => void;
  /** Hands the fleet each cycle read to the verification watch (the settings of the verifications it starts). */
  readonly setVerifyFleet?: (fleet: Pick<FleetRepository, 'policy' | 'specs' | 'diagnostics'>) => void;
  /** Aborted on shutdown: no new reinstall starts, following stops. */
  readonly stopSignal: AbortSignal;
  /**
   * Servers where the background sweep found a running task: the next cycle's observe step reads
   * them with their own calls (not the expanded list, which says nothing of tasks), then forgets them.
   */
  readonly sweepFound?: Set<string>;
  /** Says in the log when the expanded server list is set aside (once, then at most hourly). */
  readonly listingNotes?: ListingNotes;
  /** The halts of the last plan, for /metrics and the log (src/daemon/halt-notes.ts). */
  readonly haltNotes?: HaltNotes;
  /** How long reinstalls took (tasks seen end done), for every follower of this daemon. */
  readonly durations?: TaskDurations;
  /**
   * The verification watch's board: verdicts reached since the records were last written (the
   * record step writes them; the watch forgets them once a record carries them).
   */
  readonly verdicts?: ReadonlyMap<string, VerificationVerdict>;
  /** Hands what a cycle left in git to the notifier (src/notify); returns at once, never throws. */
  readonly notify?: (cycle: NotifyCycle) => void;
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
  /** Reinstalled servers whose health checks run now (their records say `verifying`). */
  verificationsRunning?: number;
  /** The request budget: limit, and per priority its share, grants and waiters (docs/operations.md). */
  budget?: BudgetStats | null;
  /** The background sweep: its pace and the longest time a task started elsewhere can go unseen. */
  sweep?: SweepStatus | null;
  /** What each spec of the last cycle declares: its OS and labels only (src/daemon/ui/declared.ts). */
  declared?: DeclaredSpecs;
  /** The last cycles, oldest first, with the API requests each used (src/daemon/cycle-timeline.ts). */
  cycles?: readonly CycleTimelineEntry[];
  /**
   * The plan of the last cycle that planned: its halts, cohorts, reinstalls and deferred servers
   * (src/daemon/ui/dashboard-plan.ts); null before any cycle planned.
   */
  plan?: DashboardPlan | null;
  /** The records with the follower's progress laid over their task (src/daemon/live-records.ts). */
  servers: LiveRecord[];
}
