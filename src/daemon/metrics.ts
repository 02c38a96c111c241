/**
 * The daemon's Prometheus metrics (ECOSYSTEM-NOTES §1.9, §4.4): its own Registry with the default
 * process metrics (no prefix), cycle durations, reinstalls, API requests by status class, HTTP
 * requests to the API by endpoint and status class (read from src/ovh at each scrape), request
 * budget (with each priority's share, grants and waiters), tasks in flight, the background sweep
 * (its pace and the longest time a task started elsewhere can go unseen), the last good cycle, and
 * the "what next" class of failed cycles (by class, and the state the daemon is in now), and the
 * rollout's halts and pauses of the last plan. Names follow Prometheus conventions.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { PRIORITIES, type BudgetStats } from '../ovh/request-budget.js';
import type { EndpointCount } from '../ovh/request-counts.js';
import type { HaltLabels } from './halt-notes.js';
import type { SweepStatus } from './task-sweep.js';
import type { StatusPhase, StatusRecord } from '../records/types.js';
import { STATUS_PHASES } from '../records/status-record.js';

/** What the metrics read at each scrape besides the remaining budget. */
export interface MetricViews {
  budgetStats?: () => BudgetStats | null;
  sweep?: () => SweepStatus | null;
  /** HTTP requests to the API by endpoint and status class (src/ovh/request-counts.ts). */
  requestCounts?: () => readonly EndpointCount[];
  /** The daemon's records now (servers per phase). */
  records?: () => Iterable<Pick<StatusRecord, 'phase'>>;
  /** Verifications running now. */
  verifications?: () => number;
  /** The halts and pauses of the last plan (src/daemon/halt-notes.ts). */
  halts?: () => readonly HaltLabels[];
}

/** The metric objects of one daemon. */
export interface DaemonMetrics {
  registry: Registry;
  cycleDuration: Histogram<'result'>;
  cycles: Counter<'result'>;
  /** Failed cycles by the "what next" class of their code (retry, wait-for-commit, operator). */
  cycleErrors: Counter<'next'>;
  /** 1 for the class the daemon waits on now (`none`: nothing waits), 0 for the others. */
  whatNext: Gauge<'next'>;
  reinstalls: Counter<'result'>;
  apiRequests: Counter<'status_class'>;
  /** HTTP requests to the API by endpoint template and status class (retries and pages included). */
  apiEndpointRequests: Counter<'endpoint' | 'class'>;
  budgetRemaining: Gauge;
  /** Per priority: share, granted since start, held in the sliding minute, waiting. */
  budgetPriority: Gauge<'priority' | 'measure'>;
  budgetPaused: Gauge;
  sweepMaxUnseen: Gauge;
  sweepCallsPerMinute: Gauge;
  sweepChecks: Gauge<'result'>;
  tasksInFlight: Gauge;
  /** Servers per phase of their status record (every phase listed, 0 included). */
  servers: Gauge<'phase'>;
  /** Verifications running now (docs/verification.md, "How the daemon runs it"). */
  verificationsRunning: Gauge;
  /** 1 per halt or pause of the last plan; a lifted one disappears. */
  rolloutHalted: Gauge<'scope' | 'cohort' | 'reason'>;
  lastGoodCycle: Gauge;
  webhookDeliveries: Counter<'source' | 'result'>;
  /** Notifications by sink (docs/notifications.md): accepted, failed attempts, moved to dead/. */
  notificationsSent: Counter<'sink'>;
  notificationsFailed: Counter<'sink'>;
  notificationsDeadLetter: Counter<'sink'>;
  statusCommits: Counter;
}

/** Creates the registry and its metrics; `budget` and the views are read at each scrape. */
export function createDaemonMetrics(
  budget: () => number | null = () => null,
  views: MetricViews = {},
): DaemonMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  return {
    registry,
    cycleDuration: new Histogram({
      name: 'ovh_fleet_cycle_duration_seconds',
      help: 'Duration of reconcile cycles.',
      labelNames: ['result'] as const,
      buckets: [0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600],
      registers,
    }),
    cycles: new Counter({
      name: 'ovh_fleet_cycles_total',
      help: 'Reconcile cycles by result (success, skipped, error).',
      labelNames: ['result'] as const,
      registers,
    }),
    cycleErrors: new Counter({
      name: 'ovh_fleet_cycle_errors_total',
      help: 'Failed reconcile cycles by the "what next" class of their code (retry, wait-for-commit, operator).',
      labelNames: ['next'] as const,
      registers,
    }),
    whatNext: new Gauge({
      name: 'ovh_fleet_what_next',
      help: 'What the daemon waits for after the last cycle: 1 for the current class (retry, wait-for-commit, operator, none), 0 for the others.',
      labelNames: ['next'] as const,
      registers,
    }),
    reinstalls: new Counter({
      name: 'ovh_fleet_reinstalls_total',
      help: 'Reinstalls by result: started (POST answered), done, failed.',
      labelNames: ['result'] as const,
      registers,
    }),
    apiRequests: new Counter({
      name: 'ovh_fleet_ovh_api_requests_total',
      help: 'OVHcloud API calls by status class (2xx, 4xx, 5xx, network) as the adapter returned them.',
      labelNames: ['status_class'] as const,
      registers,
    }),
    apiEndpointRequests: new Counter({
      name: 'ovh_fleet_api_requests_total',
      help: 'HTTP requests to the OVHcloud API by endpoint (method and path template; "(expanded)" for expanded listings) and status class (2xx, 4xx, 5xx, network, aborted), every retry and page counted.',
      labelNames: ['endpoint', 'class'] as const,
      registers,
      collect() {
        // The counts live in src/ovh (every request of the adapter); copied as they are now.
        this.reset();
        for (const { endpoint, statusClass, count } of views.requestCounts?.() ?? [])
          this.inc({ endpoint, class: statusClass }, count);
      },
    }),
    budgetRemaining: new Gauge({
      name: 'ovh_fleet_api_budget_remaining',
      help: 'Requests left in the current minute of the OVHcloud API budget (-1: unknown).',
      registers,
      collect() {
        this.set(budget() ?? -1);
      },
    }),
    budgetPriority: new Gauge({
      name: 'ovh_fleet_api_budget_priority',
      help: 'The request budget per priority (write, follow, plan, background): share (of requests per minute), granted (since start), in_window (held in the sliding minute), waiting (callers now).',
      labelNames: ['priority', 'measure'] as const,
      registers,
      collect() {
        const stats = views.budgetStats?.();
        if (!stats) return;
        for (const priority of PRIORITIES) {
          this.set({ priority, measure: 'share' }, stats.shares[priority]);
          this.set({ priority, measure: 'granted' }, stats.granted[priority]);
          this.set({ priority, measure: 'in_window' }, stats.inWindow[priority]);
          this.set({ priority, measure: 'waiting' }, stats.waiting[priority]);
        }
      },
    }),
    budgetPaused: new Gauge({
      name: 'ovh_fleet_api_budget_paused_seconds',
      help: 'Seconds left of the pause of the whole request budget after a 429 (0: not paused; -1: unknown).',
      registers,
      collect() {
        const stats = views.budgetStats?.();
        this.set(stats ? stats.pausedMs / 1000 : -1);
      },
    }),
    sweepMaxUnseen: new Gauge({
      name: 'ovh_fleet_sweep_max_unseen_seconds',
      help: 'The longest time a reinstall task started outside ovh-fleet can go unseen by the background sweep (-1: unknown, or no budget left for the sweep).',
      registers,
      collect() {
        this.set(views.sweep?.()?.maxUnseenSeconds ?? -1);
      },
    }),
    sweepCallsPerMinute: new Gauge({
      name: 'ovh_fleet_sweep_calls_per_minute',
      help: "The background sweep's pace: what is left of the steady-state share once the daemon's other calls are counted.",
      registers,
      collect() {
        this.set(views.sweep?.()?.callsPerMinute ?? 0);
      },
    }),
    sweepChecks: new Gauge({
      name: 'ovh_fleet_sweep_checks',
      help: 'Task lists the background sweep checked since start (result checked), and the running tasks started elsewhere it found (result found).',
      labelNames: ['result'] as const,
      registers,
      collect() {
        const sweep = views.sweep?.();
        this.set({ result: 'checked' }, sweep?.checks ?? 0);
        this.set({ result: 'found' }, sweep?.found ?? 0);
      },
    }),
    tasksInFlight: new Gauge({
      name: 'ovh_fleet_tasks_in_flight',
      help: 'Reinstall tasks being followed.',
      registers,
    }),
    servers: new Gauge({
      name: 'ovh_fleet_servers',
      help: 'Servers per phase of their status record (pending, reinstalling, verifying, ready, unhealthy, failed, ...).',
      labelNames: ['phase'] as const,
      registers,
      collect() {
        const counts = new Map<StatusPhase, number>(STATUS_PHASES.map((p) => [p, 0]));
        for (const r of views.records?.() ?? []) counts.set(r.phase, (counts.get(r.phase) ?? 0) + 1);
        for (const [phase, n] of counts) this.set({ phase }, n);
      },
    }),
    verificationsRunning: new Gauge({
      name: 'ovh_fleet_verifications_running',
      help: 'Reinstalled servers whose health checks run now.',
      registers,
      collect() {
        this.set(views.verifications?.() ?? 0);
      },
    }),
    rolloutHalted: new Gauge({
      name: 'ovh_fleet_rollout_halted',
      help: 'Halts and pauses of the rollout in the last plan: 1 per halt (reason rollout-halted, scope fleet or cohort) or paused cohort (reason canary-pending: an inconclusive verification); absent when none. cohort is empty for the fleet.',
      labelNames: ['scope', 'cohort', 'reason'] as const,
      registers,
      collect() {
        // Copied from the last plan at each scrape: a lifted halt disappears.
        this.reset();
        for (const h of views.halts?.() ?? [])
          this.set({ scope: h.scope, cohort: h.cohort, reason: h.reason }, 1);
      },
    }),
    lastGoodCycle: new Gauge({
      name: 'ovh_fleet_last_successful_cycle_timestamp_seconds',
      help: 'When the last successful cycle ended (UNIX seconds).',
      registers,
    }),
    webhookDeliveries: new Counter({
      name: 'ovh_fleet_webhook_deliveries_total',
      help: 'Webhook deliveries by source (github, gitlab, unknown) and result (accepted, duplicate, unauthorized, rejected).',
      labelNames: ['source', 'result'] as const,
      registers,
    }),
    notificationsSent: new Counter({
      name: 'ovh_fleet_notifications_sent_total',
      help: 'Notifications a receiver accepted, by sink.',
      labelNames: ['sink'] as const,
      registers,
    }),
    notificationsFailed: new Counter({
      name: 'ovh_fleet_notifications_failed_total',
      help: 'Failed notification attempts (retried with backoff), by sink.',
      labelNames: ['sink'] as const,
      registers,
    }),
    notificationsDeadLetter: new Counter({
      name: 'ovh_fleet_notifications_dead_letter_total',
      help: 'Notifications given up after notifications.maxAttempts failed attempts and kept in <stateDir>/notify/dead/, by sink.',
      labelNames: ['sink'] as const,
      registers,
    }),
    statusCommits: new Counter({
      name: 'ovh_fleet_status_commits_total',
      help: 'Status commits pushed.',
      registers,
    }),
  };
}
