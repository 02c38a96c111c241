/**
 * The background sweep: finds reinstall tasks started outside ovh-fleet (the control panel,
 * another tool) on servers whose observation comes from the expanded server list, which says
 * nothing of tasks. After each cycle the daemon calls `afterCycle`; the sweep then checks the
 * task list of the managed servers no follower watches, oldest check first, at priority
 * `background`, spending only its credit: what is left of `steadyStateShare × requestsPerMinute`
 * once every other call of the daemon is counted (sweep-schedule.ts, pure). It pauses while a
 * rollout's follow or write traffic needs the budget. When it finds a running task it asks for a
 * cycle, so that the plan and the status records show it (docs/operations.md#the-background-sweep).
 *
 * It never posts, never decides anything, and keeps no timer of its own: it runs in slices
 * started by cycles (the "+ one cycle" of the bound).
 */
import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/logger.js';
import type { OvhApi } from '../ovh/ovh-api.js';
import { PENDING_TASK_STATUSES } from '../ovh/types.js';
import {
  CALLS_PER_CHECK_FALLBACK,
  nextCredit,
  pickOldest,
  sweepRate,
  type SweepRate,
} from './sweep-schedule.js';

const REINSTALL_FUNCTION = 'reinstallServer';
/** The stretch over which the rest of the daemon's spending is averaged for the reported bound. */
const RESERVED_WINDOW_MS = 60 * 60_000;

/** fleet.yaml's `api` section, as the last cycle read it. */
export interface SweepLimits {
  requestsPerMinute: number;
  steadyStateShare: number;
}

/** What the sweep needs from the daemon. */
export interface TaskSweepDeps {
  api: OvhApi;
  clock: Clock;
  log: Logger;
  limits: () => SweepLimits;
  /** The servers to sweep: managed, and not followed by the task watch. */
  servers: () => readonly string[];
  /** Every API call the daemon has made so far (the sweep's own included). */
  callsSoFar: () => number;
  /** True while a rollout's follow or write traffic needs the budget: the sweep waits. */
  busy: () => boolean;
  /** The schedule's interval between cycles, in ms. */
  cycleIntervalMs: number;
  /** A task runs on `serviceName` that no follower watches: the daemon runs a cycle. */
  onFound: (serviceName: string, taskId: number) => void;
}

/** What /metrics and /api/status show of the sweep. */
export interface SweepStatus extends SweepRate {
  servers: number;
  /** Calls per check measured so far (2 until the first check). */
  callsPerCheck: number;
  /** Calls per minute the rest of the daemon spent between the last two slices. */
  reservedPerMinute: number;
  checks: number;
  found: number;
  paused: boolean;
  /** A slice is under way (checks are being made now). */
  sweeping: boolean;
}

/** A check's result. */
interface Checked {
  calls: number;
  running: number | null;
}

/** The sweep of one daemon. */
export class TaskSweep {
  private readonly lastChecked = new Map<string, number>();
  private credit = 0;
  private lastSliceAt: number | null = null;
  private lastCalls = 0;
  /** The sweep's own calls since the last slice started (so they are not counted as others'). */
  private ownCalls = 0;
  private reservedPerMinute = 0;
  /** Other calls per stretch between slices over the last {@link RESERVED_WINDOW_MS}. */
  private stretches: { from: number; to: number; others: number }[] = [];
  private measuredCalls = 0;
  private checks = 0;
  private found = 0;
  private paused = false;
  private running: Promise<void> | null = null;
  private stopped = false;
  /** Aborts the check under way on stop: a background call may wait minutes for the budget. */
  private readonly stopping = new AbortController();

  constructor(private readonly deps: TaskSweepDeps) {}

  /** Starts a slice unless one runs; resolves when that slice ends (tests await it). */
  afterCycle(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    this.running ??= this.slice().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  /** No new check starts, and the current one is aborted; resolves when it has ended. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.stopping.abort(new Error('the daemon is stopping'));
    await this.running;
  }

  status(): SweepStatus {
    const limits = this.deps.limits();
    const callsPerCheck = this.callsPerCheck();
    const servers = this.deps.servers().length;
    return {
      ...sweepRate({
        servers,
        ...limits,
        callsPerCheck,
        reservedPerMinute: this.reservedPerMinute,
        cycleSeconds: this.deps.cycleIntervalMs / 1000,
      }),
      servers,
      callsPerCheck,
      reservedPerMinute: this.reservedPerMinute,
      checks: this.checks,
      found: this.found,
      paused: this.paused,
      sweeping: this.running !== null,
    };
  }

  private callsPerCheck(): number {
    return this.checks === 0 ? CALLS_PER_CHECK_FALLBACK : this.measuredCalls / this.checks;
  }

  private async slice(): Promise<void> {
    const now = this.deps.clock.now();
    const calls = this.deps.callsSoFar();
    const previous = this.lastSliceAt;
    const others = Math.max(0, calls - this.lastCalls - this.ownCalls);
    this.lastSliceAt = now;
    this.lastCalls = calls;
    this.ownCalls = 0;
    if (previous === null) return; // the first cycle: the clock of the credit starts now
    this.paused = this.deps.busy();
    // During a rollout no credit accrues: the sweep makes no burst when it ends.
    if (this.paused) return;
    const elapsedMs = now - previous;
    this.reservedPerMinute = this.reservedOver({ from: previous, to: now, others });
    this.credit = nextCredit({ credit: this.credit, elapsedMs, otherCalls: others, ...this.deps.limits() });
    const servers = this.deps.servers();
    // At most one round per slice; a check starts with one call of credit at least (nextCredit).
    for (const name of pickOldest(servers, this.lastChecked, servers.length)) {
      if (this.stopped || this.deps.busy() || this.credit < 1) break;
      const checked = await this.check(name);
      this.credit -= checked.calls;
      this.ownCalls += checked.calls;
      this.measuredCalls += checked.calls;
      this.checks++;
      this.lastChecked.set(name, this.checks);
      if (checked.running !== null) {
        this.found++;
        this.deps.log.info(
          { serviceName: name, taskId: checked.running },
          'background sweep: a reinstall task runs that ovh-fleet did not start here; running a cycle',
        );
        this.deps.onFound(name, checked.running);
      }
    }
    this.forgetGone(servers);
  }

  /**
   * What the rest of the daemon spends per minute, averaged over the last hour of stretches (one
   * busy cycle among quiet ones counts for what it is), so that the longest time unseen the sweep
   * reports holds when cycles are bursty.
   */
  private reservedOver(stretch: { from: number; to: number; others: number }): number {
    this.stretches.push(stretch);
    this.stretches = this.stretches.filter((s) => s.to > stretch.to - RESERVED_WINDOW_MS);
    const from = Math.min(...this.stretches.map((s) => s.from));
    const others = this.stretches.reduce((sum, s) => sum + s.others, 0);
    return stretch.to > from ? (others * 60_000) / (stretch.to - from) : 0;
  }

  /** One server's reinstall task list: the expanded list, else the ids and the newest task. */
  private async check(serviceName: string): Promise<Checked> {
    const options = { priority: 'background' as const, signal: this.stopping.signal };
    let calls = 0;
    try {
      const listed = await this.deps.api.listTasksExpanded(
        serviceName,
        { function: REINSTALL_FUNCTION },
        { ...options, fresh: true },
      );
      calls += listed.calls;
      if (listed.kind === 'objects') {
        const running = listed.objects.filter((t) => PENDING_TASK_STATUSES.includes(t.status));
        return { calls, running: running.length === 0 ? null : Math.max(...running.map((t) => t.taskId)) };
      }
      const ids = await this.deps.api.listTasks(serviceName, { function: REINSTALL_FUNCTION }, options);
      calls++;
      if (ids.length === 0) return { calls, running: null };
      const newest = await this.deps.api.getTask(serviceName, Math.max(...ids), options);
      calls++;
      return { calls, running: PENDING_TASK_STATUSES.includes(newest.status) ? newest.taskId : null };
    } catch (error) {
      // A failed check finds nothing and is not retried before its turn comes again.
      this.deps.log.debug({ err: error, serviceName }, 'background sweep: check failed');
      return { calls: Math.max(calls, 1), running: null };
    }
  }

  private forgetGone(servers: readonly string[]): void {
    if (this.lastChecked.size <= servers.length) return;
    const kept = new Set(servers);
    for (const name of this.lastChecked.keys()) if (!kept.has(name)) this.lastChecked.delete(name);
  }
}
