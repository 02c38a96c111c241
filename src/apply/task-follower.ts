/**
 * Follows one reinstall task to its end: polls `getTask` and, while the task is `doing`,
 * `install/status` (priority `follow`), with an interval that adapts to the phase (slow while
 * init/todo, faster as the estimated end nears) and never drops below the floor the request
 * budget allows. Reports progress through a callback and returns a FollowOutcome; it never posts.
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
import type { FollowOutcome, FollowProgress, FollowResult, StepTiming } from './follow-types.js';

/** Timing knobs of the follower; every value in milliseconds of the injected clock. */
export interface FollowerOptions {
  /** Interval while the task is `init` or `todo` (queued at OVHcloud). */
  slowIntervalMs: number;
  /** Interval while `doing` without an estimate of the end. */
  intervalMs: number;
  /** Shortest interval, used near the estimated end. */
  minIntervalMs: number;
  /** No change of status or step for this long: reported `stuck` (and still followed). */
  stuckAfterMs: number;
  /** Overall limit from the task's start; past it the outcome is `timeout`. */
  timeoutMs: number;
  /** Consecutive 404 answers to getTask before the task is taken as purged. */
  notFoundLimit: number;
  /** Lower bound of the interval, recomputed before each sleep (request budget share). */
  intervalFloorMs?: () => number;
}

/** Defaults: terraform polls every 10 s, ovhcloud-cli every 30 s; a reinstall takes 11–30 min. */
export const DEFAULT_FOLLOWER_OPTIONS: FollowerOptions = {
  slowIntervalMs: 30_000,
  intervalMs: 15_000,
  minIntervalMs: 5_000,
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
        if (task.status === 'doing') {
          const progress = await api.getInstallProgress(serviceName, call);
          if (progress) this.lastProgress = progress;
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

  private nextInterval(): number {
    const { slowIntervalMs, intervalMs, minIntervalMs, intervalFloorMs } = this.options;
    const status = this.lastTask?.status;
    let base = intervalMs;
    if (status === 'init' || status === 'todo') base = slowIntervalMs;
    else if (this.etaMs !== null) base = Math.min(intervalMs, Math.max(minIntervalMs, this.etaMs / 4));
    return Math.max(base, intervalFloorMs?.() ?? 0);
  }

  /** Updates step timings, the ETA and the stuck flag from the last answers; emits progress. */
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
    const elapsedMs = this.elapsedMs();
    this.etaMs =
      done > 0 && entries.length > 0 ? Math.round((elapsedMs / done) * (entries.length - done)) : null;
    const signature = `${this.lastTask?.status}|${done}|${currentIndex}`;
    if (signature !== this.signature) {
      this.signature = signature;
      this.lastChangeAt = now;
      this.stuck = false;
      this.emit(currentIndex, done, entries.length);
    } else if (!this.stuck && now - this.lastChangeAt > this.options.stuckAfterMs) {
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
