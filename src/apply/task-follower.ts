/**
 * Follows one reinstall task to its end and returns a FollowOutcome; it never posts. Two
 * schedules (follow-schedule.ts, pure): `adaptive`, the default, looks at `install/status`, the
 * call that tells most (the steps, n of m, for the progress shown; OVHcloud's elapsed time; and,
 * by answering 404 or showing a failed step, that the task ended), and then reads the task once
 * for its final status; it looks about half-way and then from just after the expected end (the
 * median of the tasks seen end, else the steps' estimate, else the default) every
 * `nearIntervalMs`; while queued it reads the task only. `interval`, the schedule before issue 14,
 * polls `getTask` in proportion to the remaining time and reads install/status for a listener.
 * Both stay above the floor the request budget allows (priority `follow`).
 * docs/apply.md#following-a-task.
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
import {
  expectedEndAt,
  intervalDelay,
  nextLookDelay,
  stepRemainingMs,
  type FollowPhase,
  type StepReading,
} from './follow-schedule.js';
import type { FollowOutcome, FollowResult } from './follow-types.js';

/** Timing knobs of the follower; every value in milliseconds of the injected clock. */
export interface FollowerOptions {
  /** `adaptive` (default) or `interval` (the schedule before issue 14; see the module comment). */
  schedule: 'adaptive' | 'interval';
  /** Longest interval while the task is `init` or `todo` (queued at OVHcloud). */
  slowIntervalMs: number;
  /** Longest interval while `doing`: progress is at worst this old. */
  intervalMs: number;
  /** Shortest interval. */
  minIntervalMs: number;
  /**
   * Adaptive: the interval from the expected end on; the end of a task that ends after its
   * expected end is seen within it (capped by `intervalMs`). At most 60 s.
   */
  nearIntervalMs: number;
  /** Adaptive: the first look for the end lands this long after the expected end. */
  endMarginMs: number;
  /** Adaptive: the first look when no duration was learned yet (no `estimateDurationMs`). */
  firstLookMs: number;
  /**
   * Expected duration of a reinstall, from the task's start, when nothing better is known (no
   * step estimate from install/status, no `estimateDurationMs`).
   */
  expectedDurationMs: number;
  /** A better expectation, asked before each sleep (the median of the tasks seen end); null: unknown. */
  estimateDurationMs?: () => number | null;
  /**
   * Interval schedule only: with a progress listener, install/status is read at most this often,
   * and the task is looked at at least this often.
   */
  progressIntervalMs: number;
  /**
   * No change of status or step for this long: reported `stuck` (and still followed). Judged only
   * while install/status is read: without steps a long `doing` proves nothing.
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
 * Defaults: a reinstall takes 11–30 min (API-NOTES §3.8: 11 min 05 s on an ADVANCE-1). An
 * 11-minute task whose duration the run knows costs 2 looks at install/status and one read of
 * the task; docs/apply.md#following-a-task gives the figures.
 */
export const DEFAULT_FOLLOWER_OPTIONS: FollowerOptions = {
  schedule: 'adaptive',
  slowIntervalMs: 2 * 60_000,
  intervalMs: 10 * 60_000,
  minIntervalMs: 5_000,
  nearIntervalMs: 45_000,
  endMarginMs: 5_000,
  firstLookMs: 15_000,
  expectedDurationMs: 15 * 60_000,
  progressIntervalMs: 15_000,
  stuckAfterMs: 20 * 60_000,
  timeoutMs: 2 * 3_600_000,
  notFoundLimit: 2,
};

/** The schedule before issue 14 (terraform polls every 10 s, ovhcloud-cli every 30 s). */
export const INTERVAL_FOLLOWER_OPTIONS: Partial<FollowerOptions> = {
  schedule: 'interval',
  slowIntervalMs: 60_000,
  intervalMs: 60_000,
  minIntervalMs: 5_000,
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

type Call = { priority: 'follow'; signal?: AbortSignal };

class FollowState {
  private readonly options: FollowerOptions;
  private readonly startedAt: number;
  private readonly steps = new Map<number, StepTiming>();
  private lastTask: ServerTask | null = null;
  private lastProgress: InstallProgress | null = null;
  /** The task's status as last known (install/status showing steps means `doing`). */
  private status: TaskStatus = 'init';
  private phase: FollowPhase = 'unseen';
  /** install/status showed steps during this follow. */
  private progressSeen = false;
  /** Consecutive looks where install/status answered nothing while the task said `doing`. */
  private progressMisses = 0;
  /** A look found the task queued: the expectation counts from the install's start. */
  private queuedSeen = false;
  /** A look at the expected end found the task still running. */
  private late = false;
  private steadyReading: StepReading | null = null;
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

  private get adaptive(): boolean {
    return this.options.schedule === 'adaptive';
  }

  async run(): Promise<FollowOutcome> {
    const { clock } = this.deps;
    const { signal } = this.request;
    const call: Call = { priority: 'follow', ...(signal ? { signal } : {}) };
    // Adaptive: the POST answered `init`; the first look waits, unless the task is already due.
    let lookNow = !this.adaptive || clock.now() >= this.expectedEnd();
    for (;;) {
      if (signal?.aborted)
        return this.finish('interrupted', 'following stopped; the task goes on at OVHcloud');
      if (lookNow) {
        try {
          const ended = this.adaptive ? await this.lookAdaptive(call) : await this.lookInterval(call);
          if (ended) return ended;
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
      }
      lookNow = true;
      const now = clock.now();
      if (now - this.startedAt >= this.options.timeoutMs) {
        return this.finish('timeout', `no end after ${Math.round(this.options.timeoutMs / 60_000)} min`);
      }
      const wait = Math.min(this.nextDelay(), this.startedAt + this.options.timeoutMs - now);
      try {
        await clock.sleep(Math.max(1, wait), signal);
      } catch {
        return this.finish('interrupted', 'following stopped; the task goes on at OVHcloud');
      }
    }
  }

  /** The interval schedule's look: the task, and install/status for a listener when due. */
  private async lookInterval(call: Call): Promise<FollowOutcome | null> {
    const { api, clock } = this.deps;
    const { serviceName, taskId } = this.request;
    const task = await api.getTask(serviceName, taskId, call);
    const ended = await this.onTask(task, call);
    if (ended) return ended;
    if (task.status === 'doing' && this.progressDue()) {
      this.progressReadAt = clock.now();
      const progress = await api.getInstallProgress(serviceName, call);
      if (progress) this.onSteps(progress);
    }
    this.observe();
    return null;
  }

  /**
   * The adaptive look. Far from the expected end: install/status (one call shows the steps, or
   * says the install is over: 404, a failed step, or an elapsed time that went back because
   * another install began), then the task only when it did not show a running install. At the
   * expected end: the task itself (it says the end and its date in one call); once the task proved
   * late, install/status again, so the progress of a late task stays shown. The first look and
   * the looks while queued: the task.
   */
  private async lookAdaptive(call: Call): Promise<FollowOutcome | null> {
    const { api, clock } = this.deps;
    const { serviceName, taskId } = this.request;
    // The end look trusts an expectation anchored by the steps (a first look, or one after a
    // queue, reads install/status: its elapsed time tells when the install began).
    const endLook =
      this.phase === 'installing' && this.progressSeen && !this.late && clock.now() >= this.expectedEnd();
    // A first look without a known duration (an early look: likely still queued) or past the
    // expected end (a restart: maybe over) reads the task.
    const unseen = this.phase === 'unseen';
    const taskFirst =
      unseen && ((this.options.estimateDurationMs?.() ?? null) === null || clock.now() >= this.expectedEnd());
    if (this.phase !== 'queued' && !taskFirst && this.progressMisses < 2 && !endLook) {
      this.progressReadAt = clock.now();
      const progress = await api.getInstallProgress(serviceName, call);
      const previous = this.lastProgress?.elapsedTime ?? -1;
      const anotherInstall = progress !== null && this.progressSeen && progress.elapsedTime < previous;
      const failedStep = progress?.progress?.some((e) => e.status === 'error') ?? false;
      if (progress && !anotherInstall) this.onSteps(progress);
      if (progress && !anotherInstall && !failedStep) {
        this.progressMisses = 0;
        this.phase = 'installing';
        this.status = 'doing';
        this.observe();
        return null;
      }
    }
    const task = await api.getTask(serviceName, taskId, call);
    const ended = await this.onTask(task, call);
    if (ended) return ended;
    if (endLook && task.status === 'doing') this.late = true;
    else if (task.status === 'doing' && this.progressReadAt !== null) this.progressMisses++;
    this.observe();
    return null;
  }

  /** Takes in the task's answer; the outcome when it ended. */
  private async onTask(task: ServerTask, call: Call): Promise<FollowOutcome | null> {
    this.notFound = 0;
    this.lastTask = task;
    this.status = task.status;
    if (task.status === 'done') return await this.finishDone(call);
    if (FAILED_TASK_STATUSES.includes(task.status)) return await this.finishFailed(task, call);
    this.phase = task.status === 'doing' ? 'installing' : 'queued';
    if (this.phase === 'queued') this.queuedSeen = true;
    return null;
  }

  /** Takes in install/status's steps: the progress shown and the step estimate. */
  private onSteps(progress: InstallProgress): void {
    this.lastProgress = progress;
    const entries = progress.progress ?? [];
    if (entries.length > 0) this.progressSeen = true;
    const done = entries.filter((e) => e.status === 'done').length;
    this.steadyReading = {
      done,
      total: entries.length,
      running: entries.some((e) => e.status === 'doing'),
      elapsedMs: progress.elapsedTime * 1000,
      readAt: this.deps.clock.now(),
    };
    this.etaMs = stepRemainingMs(this.steadyReading);
    this.etaEndAt = this.etaMs === null ? null : this.deps.clock.now() + this.etaMs;
  }

  /** install/status only for a listener, and at most every progressIntervalMs. */
  private progressDue(): boolean {
    if (!this.deps.onProgress) return false;
    if (this.progressReadAt === null) return true;
    // A poll a little early (clock granularity) still counts as due.
    return this.deps.clock.now() - this.progressReadAt >= this.options.progressIntervalMs * 0.9;
  }

  private nextDelay(): number {
    const o = this.options;
    const median = o.estimateDurationMs?.() ?? null;
    const input = {
      now: this.deps.clock.now(),
      // Once a look at the expected end found the task running, the end is no longer put later.
      expectedEndAt: this.adaptive && this.late ? 0 : this.expectedEnd(),
      phase: this.phase,
      // The half-way look is done once the steps gave an estimate (or the duration is known).
      progressSeen: this.progressSeen && (this.etaMs !== null || median !== null),
      floorMs: o.intervalFloorMs?.() ?? 0,
      durationKnown: median !== null,
    };
    if (!this.adaptive) {
      return intervalDelay(input, {
        slowIntervalMs: o.slowIntervalMs,
        intervalMs: o.intervalMs,
        minIntervalMs: o.minIntervalMs,
        progressIntervalMs: this.deps.onProgress ? o.progressIntervalMs : null,
      });
    }
    return nextLookDelay(input, {
      nearIntervalMs: Math.min(o.nearIntervalMs, o.intervalMs),
      endMarginMs: Math.min(o.endMarginMs, o.nearIntervalMs, o.intervalMs),
      queuedIntervalMs: o.slowIntervalMs,
      longestSleepMs: o.intervalMs,
      minIntervalMs: o.minIntervalMs,
      firstLookMs: o.firstLookMs,
    });
  }

  /** When the task should end (follow-schedule.ts; the interval schedule trusts the steps first). */
  private expectedEnd(): number {
    const median = this.options.estimateDurationMs?.() ?? null;
    if (!this.adaptive) {
      if (this.etaEndAt !== null) return this.etaEndAt;
      return this.startedAt + (median ?? this.options.expectedDurationMs);
    }
    return expectedEndAt({
      startedAt: this.startedAt,
      defaultDurationMs: this.options.expectedDurationMs,
      medianDurationMs: median,
      steps: this.steadyReading,
      queuedSeen: this.queuedSeen,
    });
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
    const signature = `${this.status}|${done}|${currentIndex}`;
    if (signature !== this.signature) {
      this.signature = signature;
      this.lastChangeAt = now;
      this.stuck = false;
      this.emit(currentIndex, done, entries.length);
    } else if (!this.stuck && this.judgesStalls() && now - this.lastChangeAt > this.options.stuckAfterMs) {
      this.stuck = true;
      this.wasStuck = true;
      this.emit(currentIndex, done, entries.length);
    }
  }

  /**
   * Without install/status (the interval schedule with nobody listening) a long `doing` is not
   * evidence of a stall; the adaptive schedule reads the steps at every look of an install.
   */
  private judgesStalls(): boolean {
    return this.deps.onProgress !== undefined || (this.adaptive && this.progressSeen);
  }

  private emit(currentIndex: number, done: number, count: number): void {
    const entries = this.lastProgress?.progress ?? [];
    const index = currentIndex >= 0 ? currentIndex : done < count ? done : count - 1;
    this.deps.onProgress?.({
      serviceName: this.request.serviceName,
      taskId: this.request.taskId,
      taskStatus: this.status,
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

  private async finishDone(call: Call): Promise<FollowOutcome> {
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

  private async finishFailed(task: ServerTask, call: Call): Promise<FollowOutcome> {
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

  private async checkPurged(call: Call): Promise<FollowOutcome | null> {
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

  /** OVHcloud's end of the task and its duration (startDate to doneDate), when the task showed them. */
  private taskTimes(): Pick<FollowOutcome, 'doneAt' | 'taskDurationMs'> {
    const start = Date.parse(this.lastTask?.startDate ?? '');
    const end = Date.parse(this.lastTask?.doneDate ?? '');
    if (!Number.isFinite(end)) return { doneAt: null, taskDurationMs: null };
    return { doneAt: end, taskDurationMs: Number.isFinite(start) && end > start ? end - start : null };
  }

  private finish(
    result: FollowResult,
    message: string,
    observedOs: string | null = null,
    failedStep: string | null = null,
  ): FollowOutcome {
    return {
      result,
      taskStatus: this.lastTask !== null || this.progressSeen ? this.status : null,
      message,
      failedStep,
      observedOs,
      startedAt: this.startedAt,
      endedAt: this.deps.clock.now(),
      ...this.taskTimes(),
      steps: [...this.steps.values()].sort((a, b) => a.step - b.step).map((s) => ({ ...s })),
      wasStuck: this.wasStuck,
    };
  }
}
