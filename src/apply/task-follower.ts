/**
 * Follows one reinstall task to its end: polls `getTask` (priority `follow`) with an interval
 * proportional to the task's expected remaining time (half of it; a quarter of the delay once the
 * task is overdue), between `minIntervalMs` and the cap, and never below the floor the request
 * budget allows. `install/status` is read only when someone listens to progress (`onProgress`),
 * at most every `progressIntervalMs`. Returns a FollowOutcome; it never posts.
 */
import type { Clock } from '../core/clock.js';
import { OvhApiError } from '../ovh/errors.js';
import type { OvhApi } from '../ovh/ovh-api.js';
import {
  FAILED_TASK_STATUSES,
  type InstallProgress,
  type ServerTask,
  type TaskStatus,
} from '../ovh/types.js';
import type { FollowProgress, StepTiming } from '../records/outcomes.js';
import type { FollowOutcome, FollowResult } from './follow-types.js';

/** Timing knobs of the follower; every value in milliseconds of the injected clock. */
export interface FollowerOptions {
  /** Longest interval while the task is `init` or `todo` (queued at OVHcloud). */
  slowIntervalMs: number;
  /** Longest interval while `doing` (the interval is proportional to the expected remaining time). */
  intervalMs: number;
  /** Shortest interval, used near and just after the expected end. */
  minIntervalMs: number;
  /**
   * Expected duration of a reinstall, from the task's start, when nothing better is known (no
   * step estimate from install/status, no `estimateDurationMs`).
   */
  expectedDurationMs: number;
  /** A better expectation, asked before each sleep (the executor gives the median of the tasks it saw end); null: unknown. */
  estimateDurationMs?: () => number | null;
  /**
   * With a progress listener: install/status is read at most this often, and the task is looked
   * at at least this often (progress stays fresh for the person watching).
   */
  progressIntervalMs: number;
  /**
   * No change of status or step for this long: reported `stuck` (and still followed). Judged only
   * while install/status is read (a progress listener): without steps a long `doing` proves nothing.
   */
  stuckAfterMs: number;
  /** Overall limit from the task's start; past it the outcome is `timeout`. */
  timeoutMs: number;
  /** Consecutive 404 answers to getTask before the task is taken as purged. */
  notFoundLimit: number;
  /** Lower bound of the interval, recomputed before each sleep (request budget share). */
  intervalFloorMs?: () => number;
}

/**
 * Defaults: terraform polls every 10 s, ovhcloud-cli every 30 s; a reinstall takes 11–30 min
 * (API-NOTES §3.9). With the defaults a 15-minute task nobody watches costs about 20 looks
 * instead of 60 at a fixed 15 s.
 */
export const DEFAULT_FOLLOWER_OPTIONS: FollowerOptions = {
  slowIntervalMs: 60_000,
  intervalMs: 60_000,
  minIntervalMs: 5_000,
  expectedDurationMs: 15 * 60_000,
  progressIntervalMs: 15_000,
  stuckAfterMs: 20 * 60_000,
  timeoutMs: 2 * 3_600_000,
  notFoundLimit: 2,
};

/** The task to follow. */
export interface FollowRequest {
  serviceName: string;
  taskId: number;
  /** The OS the reinstall installs; null for a foreign task whose request is unknown. */
  expectedOs: string | null;
  /** When the task started, executor clock (for the overall timeout); default: now. */
  startedAt?: number;
  signal?: AbortSignal;
}

/** What the follower needs. */
export interface FollowerDeps {
  api: OvhApi;
  clock: Clock;
  options?: Partial<FollowerOptions>;
  onProgress?: (progress: FollowProgress) => void;
}

/** Follows `request.taskId` until it ends, times out or `request.signal` aborts. */
export async function followTask(request: FollowRequest, deps: FollowerDeps): Promise<FollowOutcome> {
  const state = new FollowState(request, deps);
  return state.run();
}

class FollowState {
  private readonly options: FollowerOptions;
  private readonly startedAt: number;
  private readonly steps = new Map<number, StepTiming>();
  private lastTask: ServerTask | null = null;
  private lastProgress: InstallProgress | null = null;
  private signature = '';
  private lastChangeAt: number;
  private stuck = false;
  private wasStuck = false;
  private notFound = 0;
  private etaMs: number | null = null;
  /** Executor clock at which the last step estimate puts the end; null when unknown. */
  private etaEndAt: number | null = null;
  /** Executor clock of the last install/status read; null before the first. */
  private progressReadAt: number | null = null;

  constructor(
    private readonly request: FollowRequest,
    private readonly deps: FollowerDeps,
  ) {
    this.options = { ...DEFAULT_FOLLOWER_OPTIONS, ...deps.options };
    this.startedAt = request.startedAt ?? deps.clock.now();
    this.lastChangeAt = deps.clock.now();
  }

  async run(): Promise<FollowOutcome> {
    const { api, clock } = this.deps;
    const { serviceName, taskId, signal } = this.request;
    const call = { priority: 'follow' as const, ...(signal ? { signal } : {}) };
    for (;;) {
      if (signal?.aborted)
        return this.finish('interrupted', 'following stopped; the task goes on at OVHcloud');
      try {
        const task = await api.getTask(serviceName, taskId, call);
        this.notFound = 0;
        this.lastTask = task;
        if (task.status === 'done') return await this.finishDone(call);
        if (FAILED_TASK_STATUSES.includes(task.status)) return await this.finishFailed(task, call);
        if (task.status === 'doing' && this.progressDue()) {
          this.progressReadAt = clock.now();
          const progress = await api.getInstallProgress(serviceName, call);
          if (progress) {
            this.lastProgress = progress;
            this.estimate();
          }
        }
        this.observe();
      } catch (error) {
        if (signal?.aborted)
          return this.finish('interrupted', 'following stopped; the task goes on at OVHcloud');
        if (!(error instanceof OvhApiError) || error.disposition === 'auth') throw error;
        if (error.disposition === 'not-found') {
          const purged = await this.checkPurged(call);
          if (purged) return purged;
        }
        // Any other API failure: the adapter already retried; look again at the next interval.
      }
      const now = clock.now();
      if (now - this.startedAt >= this.options.timeoutMs) {
        return this.finish('timeout', `no end after ${Math.round(this.options.timeoutMs / 60_000)} min`);
      }
      const wait = Math.min(this.nextInterval(), this.startedAt + this.options.timeoutMs - now);
      try {
        await clock.sleep(Math.max(1, wait), signal);
      } catch {
        return this.finish('interrupted', 'following stopped; the task goes on at OVHcloud');
      }
    }
  }

  /** install/status only for a listener, and at most every progressIntervalMs. */
  private progressDue(): boolean {
    if (!this.deps.onProgress) return false;
    if (this.progressReadAt === null) return true;
    // A poll a little early (clock granularity) still counts as due.
    return this.deps.clock.now() - this.progressReadAt >= this.options.progressIntervalMs * 0.9;
  }

  /**
   * Half the expected remaining time (a quarter of the delay once overdue: the later the task,
   * the less the expectation is worth), within [minIntervalMs, cap], and never under the floor.
   */
  private nextInterval(): number {
    const { slowIntervalMs, intervalMs, minIntervalMs, intervalFloorMs, progressIntervalMs } = this.options;
    const status = this.lastTask?.status;
    let cap = status === 'init' || status === 'todo' ? slowIntervalMs : intervalMs;
    if (this.deps.onProgress) cap = Math.min(cap, progressIntervalMs);
    const remaining = this.expectedEnd() - this.deps.clock.now();
    const proportional = remaining > 0 ? remaining / 2 : -remaining / 4;
    const base = Math.min(cap, Math.max(minIntervalMs, proportional));
    return Math.max(base, intervalFloorMs?.() ?? 0);
  }

  /** When the task should end: from the step estimate if install/status gave one, else the expected duration. */
  private expectedEnd(): number {
    if (this.etaEndAt !== null) return this.etaEndAt;
    const duration = this.options.estimateDurationMs?.() ?? this.options.expectedDurationMs;
    return this.startedAt + duration;
  }

  /** The ETA from the steps just read: the mean duration of the finished steps times the steps left. */
  private estimate(): void {
    const entries = this.lastProgress?.progress ?? [];
    const done = entries.filter((e) => e.status === 'done').length;
    this.etaMs =
      done > 0 && entries.length > 0 ? Math.round((this.elapsedMs() / done) * (entries.length - done)) : null;
    this.etaEndAt = this.etaMs === null ? null : this.deps.clock.now() + this.etaMs;
  }

  /** Updates step timings and the stuck flag from the last answers; emits progress. */
  private observe(): void {
    const now = this.deps.clock.now();
    const entries = this.lastProgress?.progress ?? [];
    entries.forEach((entry, index) => {
      if (entry.status === 'todo' || entry.status === 'pending' || entry.status === 'idle') return;
      const timing = this.steps.get(index + 1);
      const ended = entry.status === 'done' || entry.status === 'error' || entry.status === 'expired';
      if (!timing) {
        this.steps.set(index + 1, {
          step: index + 1,
          comment: entry.comment,
          status: entry.status,
          startedAt: now,
          endedAt: ended ? now : null,
        });
      } else {
        timing.status = entry.status;
        if (ended && timing.endedAt === null) timing.endedAt = now;
      }
    });
    const done = entries.filter((e) => e.status === 'done').length;
    const currentIndex = entries.findIndex((e) => e.status === 'doing');
    const signature = `${this.lastTask?.status}|${done}|${currentIndex}`;
    if (signature !== this.signature) {
      this.signature = signature;
      this.lastChangeAt = now;
      this.stuck = false;
      this.emit(currentIndex, done, entries.length);
    } else if (!this.stuck && this.deps.onProgress && now - this.lastChangeAt > this.options.stuckAfterMs) {
      // Without install/status (nobody listens) a long `doing` is not evidence of a stall.
      this.stuck = true;
      this.wasStuck = true;
      this.emit(currentIndex, done, entries.length);
    }
  }

  private emit(currentIndex: number, done: number, count: number): void {
    const entries = this.lastProgress?.progress ?? [];
    const index = currentIndex >= 0 ? currentIndex : done < count ? done : count - 1;
    this.deps.onProgress?.({
      serviceName: this.request.serviceName,
      taskId: this.request.taskId,
      taskStatus: this.lastTask?.status ?? 'init',
      step: count > 0 ? index + 1 : null,
      steps: count > 0 ? count : null,
      currentStep: count > 0 ? (entries[index]?.comment ?? null) : null,
      elapsedMs: this.elapsedMs(),
      etaMs: this.etaMs,
      stuck: this.stuck,
    });
  }

  private elapsedMs(): number {
    const reported = this.lastProgress?.elapsedTime;
    return reported !== undefined ? reported * 1000 : this.deps.clock.now() - this.startedAt;
  }

  private async finishDone(call: { priority: 'follow'; signal?: AbortSignal }): Promise<FollowOutcome> {
    this.observe();
    // install/status is 404 once the task is over: steps still open ended by now.
    for (const timing of this.steps.values()) {
      if (timing.endedAt === null) {
        timing.endedAt = this.deps.clock.now();
        timing.status = 'done';
      }
    }
    const server = await this.deps.api.getServer(this.request.serviceName, call);
    const expected = this.request.expectedOs;
    if (expected !== null && server.os !== expected) {
      return this.finish(
        'inconsistent-result',
        `task ${this.request.taskId} ended done but the server shows os "${server.os}", not "${expected}"`,
        server.os,
      );
    }
    return this.finish('done', `task ${this.request.taskId} done; server runs ${server.os}`, server.os);
  }

  private async finishFailed(
    task: ServerTask,
    call: { priority: 'follow'; signal?: AbortSignal },
  ): Promise<FollowOutcome> {
    if (!this.failedStep()) {
      // The failed step may only show in install/status; one last look (404 once it is over).
      const progress = await this.deps.api
        .getInstallProgress(this.request.serviceName, call)
        .catch(() => null);
      if (progress) this.lastProgress = progress;
    }
    this.observe();
    const failedStep = this.failedStep();
    const comment = task.comment ?? '(no comment)';
    const message = `task ${task.taskId} ended ${task.status}: ${comment}${failedStep ? ` (step ${failedStep})` : ''}`;
    return this.finish('failed', message, null, failedStep);
  }

  private failedStep(): string | null {
    const entries = this.lastProgress?.progress ?? [];
    const index = entries.findIndex((e) => e.status === 'error');
    if (index < 0) return null;
    const entry = entries[index]!;
    return `${index + 1}/${entries.length} ${entry.comment}${entry.error ? `: ${entry.error}` : ''}`;
  }

  private async checkPurged(call: {
    priority: 'follow';
    signal?: AbortSignal;
  }): Promise<FollowOutcome | null> {
    this.notFound++;
    const server = await this.deps.api.getServer(this.request.serviceName, call);
    const expected = this.request.expectedOs;
    if (expected === null || server.os === expected) {
      return this.finish(
        'done',
        `task ${this.request.taskId} no longer exists (purged); server runs ${server.os}`,
        server.os,
      );
    }
    if (this.notFound < this.options.notFoundLimit) return null;
    return this.finish(
      'inconsistent-result',
      `task ${this.request.taskId} no longer exists at OVHcloud and the server shows os "${server.os}", not "${expected}"`,
      server.os,
    );
  }

  private finish(
    result: FollowResult,
    message: string,
    observedOs: string | null = null,
    failedStep: string | null = null,
  ): FollowOutcome {
    return {
      result,
      taskStatus: (this.lastTask?.status ?? null) as TaskStatus | null,
      message,
      failedStep,
      observedOs,
      startedAt: this.startedAt,
      endedAt: this.deps.clock.now(),
      steps: [...this.steps.values()].sort((a, b) => a.step - b.step).map((s) => ({ ...s })),
      wasStuck: this.wasStuck,
    };
  }
}
