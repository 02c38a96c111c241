/**
 * Follows running reinstall tasks BETWEEN cycles with the executor's follower (priority
 * `follow`; together the followers use at most half of the request budget; each expects the
 * median duration of the tasks the watch saw end, docs/apply.md#following-a-task), keeps their latest
 * progress for /api/status and the next status records, and asks for a cycle when a task ends:
 * that cycle resolves the intent journal and commits the outcome. It never posts and never
 * writes the journal itself.
 *
 * A task that runs past the task timeout (`timeoutMs`, 2 h by default) is slow, not ended: the
 * watch keeps following it (a timeout here would end the follower at once, ask for a cycle, be
 * started again by that cycle and end again: a storm of cycles), logs `task-timeout` once and
 * reports it `stuck` until it ends; only a real end asks for a cycle
 * (test: test/daemon/task-watch.test.ts).
 */
import type { FollowProgress } from '../records/outcomes.js';
import { TaskDurations } from '../apply/task-durations.js';
import { DEFAULT_FOLLOWER_OPTIONS, followTask, type FollowerOptions } from '../apply/task-follower.js';
import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/logger.js';
import type { OvhApi } from '../ovh/ovh-api.js';

/** A task to follow. */
export interface WatchedTask {
  serviceName: string;
  taskId: number;
  expectedOs: string | null;
  /** ms since the epoch. */
  startedAt: number;
}

/** What the watch needs. */
export interface TaskWatchDeps {
  api: OvhApi;
  clock: Clock;
  log: Logger;
  options?: Partial<FollowerOptions>;
  /** The fleet's requests per minute (fleet.yaml), read before each sleep. */
  requestsPerMinute: () => number;
  onProgress: (progress: FollowProgress) => void;
  /** A task ended (done, failed, timeout...): the daemon runs a cycle. */
  onEnd: (serviceName: string, taskId: number) => void;
  /** The daemon's durations of tasks seen end, shared with its cycles' apply runs. */
  durations?: TaskDurations;
}

interface Running {
  taskId: number;
  controller: AbortController;
  done: Promise<void>;
}

/** The set of followed tasks; `update` after each cycle, `stop` on shutdown. */
export class TaskWatch {
  private readonly running = new Map<string, Running>();
  /** Durations of the tasks seen end done (by the watch and the cycles): the followers' expectation. */
  private readonly durations: TaskDurations;

  constructor(private readonly deps: TaskWatchDeps) {
    this.durations = deps.durations ?? new TaskDurations();
  }

  /** Number of tasks followed now. */
  get size(): number {
    return this.running.size;
  }

  /** Follows exactly these tasks: starts the new ones, stops the ones no longer listed. */
  update(tasks: readonly WatchedTask[]): void {
    const wanted = new Map(tasks.map((t) => [t.serviceName, t]));
    for (const [name, r] of this.running) {
      if (wanted.get(name)?.taskId !== r.taskId) {
        r.controller.abort(new Error('no longer followed'));
        this.running.delete(name);
      }
    }
    for (const task of tasks) if (!this.running.has(task.serviceName)) this.start(task);
  }

  /** Stops following (tasks go on at OVHcloud) and waits for the followers to return. */
  async stop(): Promise<void> {
    const all = [...this.running.values()];
    this.running.clear();
    for (const r of all) r.controller.abort(new Error('shutting down'));
    await Promise.allSettled(all.map((r) => r.done));
  }

  private start(task: WatchedTask): void {
    const controller = new AbortController();
    const log = this.deps.log.child({ serviceName: task.serviceName, taskId: task.taskId });
    const slowAfterMs = this.deps.options?.timeoutMs ?? DEFAULT_FOLLOWER_OPTIONS.timeoutMs;
    let slow = false;
    const onProgress = (progress: FollowProgress): void => {
      if (!slow && this.deps.clock.now() - task.startedAt >= slowAfterMs) {
        slow = true;
        log.warn(
          { code: 'task-timeout', minutes: Math.round(slowAfterMs / 60_000) },
          'reinstall task runs longer than the task timeout: still followed, reported stuck (slow, not failed)',
        );
      }
      this.deps.onProgress(slow ? { ...progress, stuck: true } : progress);
    };
    const done = followTask(
      {
        serviceName: task.serviceName,
        taskId: task.taskId,
        expectedOs: task.expectedOs,
        startedAt: Math.min(task.startedAt, this.deps.clock.now()),
        signal: controller.signal,
      },
      {
        api: this.deps.api,
        clock: this.deps.clock,
        // Never a timeout here: see the module comment.
        options: {
          ...this.deps.options,
          timeoutMs: Number.POSITIVE_INFINITY,
          intervalFloorMs: () => this.intervalFloor(),
          estimateDurationMs: () => this.durations.median(),
        },
        onProgress,
      },
    ).then(
      (outcome) => {
        if (this.running.get(task.serviceName)?.controller !== controller) return;
        this.running.delete(task.serviceName);
        if (outcome.result === 'interrupted' || outcome.result === 'timeout') return;
        if (outcome.result === 'done' && outcome.taskDurationMs !== null)
          this.durations.add(outcome.taskDurationMs);
        log.info({ result: outcome.result }, 'followed task ended');
        this.deps.onEnd(task.serviceName, task.taskId);
      },
      (error: unknown) => {
        if (this.running.get(task.serviceName)?.controller === controller)
          this.running.delete(task.serviceName);
        log.warn({ err: error }, 'following stopped on an error; the next cycle looks again');
      },
    );
    this.running.set(task.serviceName, { taskId: task.taskId, controller, done });
  }

  /** Followers together stay within half the request budget, 2 calls per poll. */
  private intervalFloor(): number {
    const rpm = this.deps.requestsPerMinute();
    return rpm > 0 ? (this.running.size * 2 * 60_000) / (rpm * 0.5) : 0;
  }
}
