/**
 * startDaemon: the long-running reconciler (DESIGN.md §5), startable in-process (tests, demo) or
 * by `ovh-fleet daemon`. It wires the clone, the journal, the caches, the triggers (cron, webhook,
 * watcher), the task watch, the background sweep and the HTTP listener around runCycle, keeps the memory each cycle
 * hands to the next (runCycle returns it, remember.ts), and stops in order: no new cycle
 * or reinstall, the cycle in progress finishes its commit, then cron, watcher, HTTP and logs.
 */
import { parseSecretRule, type SecretRule } from '../core/secret-rule.js';
import path from 'node:path';
import type { Plan } from '../plan/types.js';
import type { FSWatcher } from 'chokidar';
import type { ScheduledTask } from 'node-cron';
import { IntentJournal } from '../apply/intent-journal.js';
import { writerIdFor } from '../apply/shared-intents.js';
import { acquireStateLock, type StateLock } from '../apply/state-lock.js';
import type { DaemonConfig } from '../config/daemon-config.js';
import { systemClock, type Clock } from '../core/clock.js';
import { createLogger, type Logger } from '../core/logger.js';
import { SimpleGitRepo } from '../git/simple-git-repo.js';
import { MemoryObservationCache } from '../observe/index.js';
import { AppliedRecordCache } from '../records/read-records.js';
import { ReadCache } from '../specs/read-cache.js';
import { runCycle } from './cycle.js';
import { CycleScheduler } from './cycle-scheduler.js';
import { DEFAULT_RETRY_BASE_MS, isReady } from './retry-schedule.js';
import { readDaemonState } from './daemon-state.js';
import { readVerifiedHead } from '../apply/verified-head.js';
import { loadTrustedRecords } from './trusted-records.js';
import { startHttpServer, type HttpListener } from './http-server.js';
import { meteredApi } from './metered-api.js';
import { TaskDurations } from '../apply/task-durations.js';
import { createDaemonMetrics } from './metrics.js';
import { createNotifier } from '../notify/create-notifier.js';
import { SpecCommits } from './spec-commits.js';
import { HaltNotes } from './halt-notes.js';
import { ListingNotes } from './listing-notes.js';
import { FleetMdMemo } from './fleet-md-memo.js';
import { TaskSweep } from './task-sweep.js';
import { TaskWatch, type WatchedTask } from './task-watch.js';
import { liveRecords, ProgressBoard } from './live-records.js';
import { CycleTimeline } from './cycle-timeline.js';
import { LiveEvents } from './ui/live-events.js';
import { DeclaredMemo } from './ui/declared.js';
import { ServerDetails } from './ui/server-detail.js';
import { DashboardPlanMemo } from './ui/dashboard-plan.js';
import { VerifyWatch, verifySettingsOfFleet } from './verify-watch.js';
import {
  identityTarget,
  netTransport,
  parseCommandAllowList,
  type CommandHost,
  type ProbeEnvironment,
} from '../verify/index.js';
import { mkdir } from 'node:fs/promises';
import type { BudgetStats } from '../ovh/request-budget.js';
import type { EndpointCount } from '../ovh/request-counts.js';
import { DEFAULT_POLICY, type FleetPolicy } from '../specs/types.js';
import {
  CycleRunner,
  localRepositoryDir,
  scheduleIntervalMs,
  startSchedule,
  startWatcher,
} from './triggers.js';
import type {
  CycleDeps,
  CycleSummary,
  DaemonDeps,
  DaemonMemory,
  DaemonStatus,
  TriggerKind,
} from './types.js';

/** A running daemon. */
export interface RunningDaemon {
  /** Asks for a cycle; resolves with the summary of the cycle that served it (null after stop). */
  trigger(kind?: TriggerKind): Promise<CycleSummary | null>;
  /** Stops in order (see the module comment); resolves when everything is closed. */
  stop(): Promise<void>;
  /** What /api/status answers. */
  status(): DaemonStatus;
  /** The HTTP address, when listening. */
  address: { host: string; port: number } | null;
  logger: Logger;
}

/**
 * Starts the daemon: takes the state directory's lock (two daemons, or a daemon and an `apply`, on
 * one state directory would both post), clones, listens, schedules, and runs a first cycle in the
 * background. The lock is released by stop(), or if starting fails.
 */
export async function startDaemon(config: DaemonConfig, deps: DaemonDeps): Promise<RunningDaemon> {
  const lock = await acquireStateLock(config.stateDir, { purpose: 'daemon' });
  try {
    return await startLocked(config, deps, lock);
  } catch (error) {
    await lock.release();
    throw error;
  }
}

async function startLocked(config: DaemonConfig, deps: DaemonDeps, lock: StateLock): Promise<RunningDaemon> {
  const clock = deps.clock ?? systemClock;
  const logger = deps.logger ?? createLogger({ level: config.logLevel, name: 'ovh-fleet' });
  const log = logger.child({ component: 'daemon' });
  const haltNotes = new HaltNotes();
  // The sweep is built below; the metrics read it at each scrape.
  let sweep: TaskSweep | null = null;
  const metrics = createDaemonMetrics(deps.budgetRemaining, {
    budgetStats: () => deps.budgetStats?.() ?? null,
    sweep: () => sweep?.status() ?? null,
    records: () => memory.records.values(),
    verifications: () => verifyWatch.size,
    halts: () => haltNotes.current,
    ...(deps.apiRequestCounts ? { requestCounts: deps.apiRequestCounts } : {}),
  });
  // Every API call of this daemon, counted for the sweep's credit (task-sweep.ts).
  let apiCalls = 0;
  const api = meteredApi(deps.api, (statusClass) => {
    apiCalls++;
    metrics.apiRequests.inc({ status_class: statusClass });
  });
  const stop = new AbortController();
  const cloneDir = path.join(config.stateDir, 'repo');
  const fleetPath = config.repository.path;
  const prefix = fleetPath === '.' ? '' : `${fleetPath}/`;
  const git =
    deps.git ??
    new SimpleGitRepo({
      url: config.repository.url,
      branch: config.repository.branch,
      dir: cloneDir,
      ...(config.status.branch ? { statusBranch: config.status.branch } : {}),
      statusDir: `${prefix}status`,
      auth: authOf(config),
      committer: config.commit,
      clock,
    });
  const state = await readDaemonState(config.stateDir);
  const verifying = config.verify.allowedSignersFile !== null;
  // The cycle's memory is replaced at the end of each cycle (remember.ts); the closures below read
  // the current one. The first cycle always runs in full (no lastHead).
  let memory: DaemonMemory = {
    lastHead: null,
    lastApplied: state?.lastApplied ?? null,
    lastVerified: verifying ? await readVerifiedHead(config.stateDir) : null,
    trustedRecords: verifying ? await loadTrustedRecords(config.stateDir) : null,
    records: new Map(),
    canonical: new Map(),
    requestsPerMinute: 60,
    block: null,
    lastGoodCycleAt: null,
    lastCycle: null,
    raceLost: false,
  };
  // fleet.yaml's api section of the last cycle (the sweep's limits).
  let apiPolicy: FleetPolicy['api'] = { ...DEFAULT_POLICY.api };
  // The follower's progress: the cycles' board, and what /api/status shows (live-records.ts).
  // The dashboard's event stream (src/daemon/ui/live-events.ts): told of each progress and cycle.
  const events = new LiveEvents({ status: () => status() });
  // Each spec's declared OS and labels, for the dashboard.
  const declared = new DeclaredMemo();
  const progress = new ProgressBoard(
    () => events.changed('progress'),
    () => clock.now(),
  );
  // Servers where the sweep found a running task, read one by one by the next cycle.
  const sweepFound = new Set<string>();
  // How long reinstalls take, learned by the task watch and every cycle's apply run alike.
  const durations = new TaskDurations();
  // The health checks after a reinstall (verify-watch.ts); the settings come from the last fleet read.
  let verifySettings: ReturnType<typeof verifySettingsOfFleet> = () => null;
  const verifyWatch = new VerifyWatch({
    api,
    clock,
    log,
    stateDir: config.stateDir,
    probes: probeEnvironment(deps, clock, await commandHostOf(config, path.join(cloneDir, fleetPath))),
    settingsFor: (serviceName) => verifySettings(serviceName),
    onVerdict: () => void runner.trigger('verified'),
  });
  await git.ensureClone();
  // Notifications (docs/notifications.md): an outbox and its own delivery loop; null without sinks.
  const notifier = await createNotifier(config.notifications, {
    stateDir: config.stateDir,
    repository: {
      url: config.repository.url,
      branch: config.repository.branch,
      path: config.repository.path,
      statusBranch: config.status.branch ?? config.repository.branch,
    },
    clock,
    log: log.child({ component: 'notify' }),
    counters: {
      sent: (sink) => metrics.notificationsSent.inc({ sink }),
      failed: (sink) => metrics.notificationsFailed.inc({ sink }),
      deadLettered: (sink) => metrics.notificationsDeadLetter.inc({ sink }),
    },
  });
  const cycleDeps: CycleDeps = {
    config,
    api,
    git,
    clock,
    env: deps.env ?? process.env,
    secretRule: parseSecretRule(config.secrets.allow) as SecretRule,
    journal: new IntentJournal(config.stateDir, clock),
    cache: new MemoryObservationCache(),
    readCache: new ReadCache(),
    recordCache: new AppliedRecordCache(),
    specCommits: new SpecCommits(),
    fleetMd: new FleetMdMemo(),
    metrics,
    progress,
    root: path.join(cloneDir, fleetPath),
    prefix,
    cloneDir,
    stateDir: config.stateDir,
    sweepFound,
    listingNotes: new ListingNotes(),
    haltNotes,
    durations,
    writer: await writerIdFor('daemon', config.stateDir),
    ...(deps.follower ? { follower: deps.follower } : {}),
    post: { settleMs: config.taskListSettleSeconds * 1000, ...deps.post },
    ...(deps.setRequestsPerMinute ? { setRequestsPerMinute: deps.setRequestsPerMinute } : {}),
    setApiPolicy: (policy) => {
      apiPolicy = { ...policy };
      deps.setApiPolicy?.(policy);
    },
    setVerifyFleet: (fleet) => {
      verifySettings = verifySettingsOfFleet(fleet);
      declared.take(fleet.specs);
    },
    verdicts: verifyWatch.verdicts,
    stopSignal: stop.signal,
    ...(notifier ? { notify: (cycle) => notifier.observe(cycle) } : {}),
  };

  const watch = new TaskWatch({
    api,
    clock,
    log,
    ...(deps.follower ? { options: deps.follower } : {}),
    requestsPerMinute: () => memory.requestsPerMinute,
    onProgress: (p) => progress.set(p.serviceName, p),
    onEnd: () => void runner.trigger('task-ended'),
    durations,
  });
  const intervalMs = scheduleIntervalMs(config.schedule);
  // What OVHcloud counts: every HTTP request (each page, each retry) when the adapter counts
  // them, else the port's calls (the sweep's credit, and each cycle's share on the dashboard).
  const requestsSoFar = deps.apiRequestCounts ? httpRequestsSoFar(deps.apiRequestCounts) : () => apiCalls;
  const timeline = new CycleTimeline(requestsSoFar, () => deps.budgetStats?.()?.requestsPerMinute ?? null);
  sweep = new TaskSweep({
    api,
    clock,
    log: log.child({ component: 'sweep' }),
    limits: () => apiPolicy,
    servers: () => sweptServers(memory),
    callsSoFar: requestsSoFar,
    busy: () => rolloutWaits(deps.budgetStats?.() ?? null, watch.size),
    cycleIntervalMs: intervalMs,
    onFound: (serviceName) => {
      // The cycle must look at this server itself, not reuse what the cache or the server list said of it.
      sweepFound.add(serviceName);
      void runner.trigger('task-found');
    },
  });
  const scheduler = new CycleScheduler({
    clock,
    policy: { baseMs: DEFAULT_RETRY_BASE_MS, capMs: intervalMs },
    git,
    metrics,
    log,
    trigger: (kind) => void runner.trigger(kind),
    stopSignal: stop.signal,
  });
  /** The plan of the last cycle that planned (the dashboard's Rollout and Server views). */
  let lastPlan: Plan | null = null;
  /** Its dashboard shape, the same object while the plan did not change (src/daemon/ui/dashboard-plan.ts). */
  const planView = new DashboardPlanMemo();
  const runner: CycleRunner = new CycleRunner(async (kind) => {
    const measure = timeline.begin();
    const probed = await scheduler.admit(kind);
    if (probed) {
      measure.end(probed);
      events.changed('cycle');
      return probed;
    }
    const ended = await runCycle(cycleDeps, memory, kind, logger);
    measure.end(ended.summary);
    memory = ended.memory;
    // The last plan made stands until a cycle makes another (the dashboard shows it).
    lastPlan = ended.plan ?? lastPlan;
    if (ended.plan) planView.take(ended.plan);
    progress.prune(memory.records.values());
    scheduler.settle(ended.summary);
    if (memory.raceLost && !stop.signal.aborted) {
      // Our intent commit lost a race with another writer: plan again soon (jittered), not at the next tick.
      void clock
        .sleep(500 + Math.floor(Math.random() * 1_000), stop.signal)
        .then(() => runner.trigger('manual'))
        .catch(() => undefined);
    }
    if (!stop.signal.aborted) watch.update(runningTasks(memory, clock.now()));
    if (!stop.signal.aborted && ended.summary.result !== 'skipped')
      verifyWatch.update(memory.records.values());
    metrics.tasksInFlight.set(watch.size);
    events.changed('cycle');
    // Only after full cycles: a webhook cycle that stopped early (status/ only) calls nothing.
    if (!stop.signal.aborted && ended.summary.result === 'success') void sweep?.afterCycle();
    return ended.summary;
  });

  const ready = (): boolean => isReady(scheduler.current, memory.lastGoodCycleAt, clock.now(), intervalMs);
  const status = (): DaemonStatus => ({
    ready: ready(),
    head: memory.lastHead,
    block: memory.block,
    lastCycle: memory.lastCycle,
    lastGoodCycleAt: memory.lastGoodCycleAt === null ? null : new Date(memory.lastGoodCycleAt).toISOString(),
    tasksInFlight: watch.size,
    verificationsRunning: verifyWatch.size,
    budget: deps.budgetStats?.() ?? null,
    sweep: sweep?.status() ?? null,
    declared: declared.current,
    cycles: timeline.entries,
    plan: planView.current,
    servers: liveRecords(memory.records.values(), progress.latest),
  });

  // The Server view's history (ui/server-detail.ts). A clone the daemon made itself is read by a
  // second, read-only adapter on the same folder: it reads by commit ids only, so it needs no turn
  // in the cycle's git queue and a long history never delays a cycle.
  const reader = deps.git ?? historyReader(config, cloneDir, prefix, clock);
  const details = new ServerDetails({
    git: {
      history: (serviceName, specPaths, options) => reader.history(serviceName, specPaths, options),
      statusHead: () => git.statusHead(),
    },
    prefix,
    specHead: () => memory.lastHead,
    record: (serviceName) => memory.records.get(serviceName),
    plan: () => lastPlan,
    log,
  });

  const triggers = deps.triggers ?? {};
  let http: HttpListener | null = null;
  if (triggers.http !== false) {
    http = await startHttpServer(config.listen.host, config.listen.port, {
      ready,
      whatNext: () => scheduler.current,
      status,
      onWebhook: () => void runner.trigger('webhook'),
      webhookSecret: deps.secrets?.webhookSecret ?? null,
      uiAuth: deps.secrets?.uiAuth ?? null,
      uiAllowedHosts: config.ui?.allowedHosts ?? null,
      events,
      serverDetail: (segment) => details.answer(segment),
      metrics,
      log,
    });
    log.info({ host: http.host, port: http.port }, 'listening');
  }
  let task: ScheduledTask | null = null;
  if (triggers.schedule !== false)
    task = startSchedule(config.schedule, () => void runner.trigger('schedule'), log);
  let watcher: FSWatcher | null = null;
  const localDir = localRepositoryDir(config.repository.url);
  if (triggers.watch !== false && localDir !== null) {
    watcher = startWatcher(
      localDir,
      Math.max(deps.watchDebounceMs ?? 1000, 50),
      () => void runner.trigger('watch'),
      log,
    );
  }
  void runner.trigger('start');

  let stopping: Promise<void> | null = null;
  return {
    trigger: (kind = 'manual') => runner.trigger(kind),
    status,
    address: http ? { host: http.host, port: http.port } : null,
    logger,
    stop: () =>
      (stopping ??= (async () => {
        log.info('stopping: no new cycle or reinstall');
        stop.abort(new Error('shutting down'));
        if (task) await task.destroy();
        if (watcher) await watcher.close();
        await runner.stop();
        await sweep?.stop();
        await watch.stop();
        await verifyWatch.stop();
        await notifier?.stop();
        if (http) await http.close();
        await lock.release();
        log.info('stopped');
        await new Promise<void>((resolve) => logger.flush(() => resolve()));
      })()),
  };
}

/**
 * The probes' environment: the composition root's mapping, else the identity with the loopback
 * guard on (nothing leaves the machine unless the root says the endpoint is OVHcloud's).
 */
function probeEnvironment(
  deps: DaemonDeps,
  clock: DaemonDeps['clock'] & object,
  commands: CommandHost | undefined,
): ProbeEnvironment {
  const p = deps.probes;
  return {
    targets: { simulator: p?.simulator ?? true, mapTarget: p?.mapTarget ?? identityTarget },
    transport: p?.transport ?? netTransport,
    commands: p?.commands ?? commands,
    clock,
  };
}

/**
 * The command probes this host allows (configuration `probes.allowCommands`), run from a private
 * scratch folder in the state directory (docs/verification.md#command-probes); undefined: none.
 */
async function commandHostOf(config: DaemonConfig, root: string): Promise<CommandHost | undefined> {
  const allow = parseCommandAllowList(config.probes.allowCommands);
  if (typeof allow === 'string' || allow.length === 0) return undefined;
  const scratchDir = path.join(config.stateDir, 'probe-scratch');
  await mkdir(scratchDir, { recursive: true, mode: 0o700 });
  return { root, allow, scratchDir };
}

/** A read-only adapter on the daemon's clone, for histories read by commit ids (no fetch, no write). */
function historyReader(config: DaemonConfig, cloneDir: string, prefix: string, clock: Clock): SimpleGitRepo {
  return new SimpleGitRepo({
    url: config.repository.url,
    branch: config.repository.branch,
    dir: cloneDir,
    statusDir: `${prefix}status`,
    committer: config.commit,
    clock,
  });
}

function authOf(config: DaemonConfig): NonNullable<ConstructorParameters<typeof SimpleGitRepo>[0]['auth']> {
  const r = config.repository;
  return {
    ...(r.sshKeyFile ? { sshKeyFile: r.sshKeyFile } : {}),
    ...(r.knownHostsFile ? { knownHostsFile: r.knownHostsFile } : {}),
    ...(r.httpsTokenFile ? { httpsTokenFile: r.httpsTokenFile } : {}),
    ...(r.httpsUser ? { httpsUser: r.httpsUser } : {}),
  };
}

/** The servers the background sweep checks: managed, and with no reinstall task known to run. */
function sweptServers(memory: DaemonMemory): string[] {
  const out: string[] = [];
  for (const record of memory.records.values())
    if (record.spec !== null && record.phase !== 'reinstalling') out.push(record.serviceName);
  return out;
}

/**
 * A rollout's reinstalls or followers wait for the budget: the sweep gives way. Following alone
 * does not stop it (a task followed for hours would stop it for hours); without the budget's
 * figures, any followed task does.
 */
function rolloutWaits(stats: BudgetStats | null, followed: number): boolean {
  if (stats === null) return followed > 0;
  return stats.waiting.write + stats.waiting.follow > 0;
}

/** Tasks the records say run now, with the OS our intent installs when known. */
function runningTasks(memory: DaemonMemory, now: number): WatchedTask[] {
  const out: WatchedTask[] = [];
  for (const record of memory.records.values()) {
    if (record.phase !== 'reinstalling' || !record.task) continue;
    const attempt = record.lastAttempt;
    const ours =
      attempt && attempt.taskId === record.task.id ? memory.canonical.get(attempt.digest) : undefined;
    out.push({
      serviceName: record.serviceName,
      taskId: record.task.id,
      expectedOs: ours?.operatingSystem ?? null,
      startedAt: Date.parse(record.task.startedAt) || now,
    });
  }
  return out;
}

/** The total of the adapter's HTTP request counts, read at each call. */
function httpRequestsSoFar(counts: () => readonly EndpointCount[]): () => number {
  return () => counts().reduce((sum, c) => sum + c.count, 0);
}
