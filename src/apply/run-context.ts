/**
 * The state of one applyPlan run: the outcomes so far, the tasks being followed, and the two
 * things a started or adopted reinstall goes through — its start (post-reinstall.ts) and its
 * following (task-follower.ts) — with the journal and the rollout gate kept up to date.
 */
import type { ErrorCode } from '../core/codes/registry.js';
import { OvhApiError } from '../ovh/errors.js';
import type { ReinstallBody, ServerTask, TemplateInfo } from '../ovh/types.js';
import type { Plan, PlanServer } from '../plan/types.js';
import type { ApplyOutcome, ApplyResult } from '../records/outcomes.js';
import type { ApplyDeps, ApplyOptions } from './apply-types.js';
import type { FollowOutcome } from './follow-types.js';
import type { IntentEntry } from './intent-journal.js';
import { DEFAULT_SETTLE_MS, resolveIntent, type IntentKey } from './our-task.js';
import { startReinstall, type PostOptions } from './post-reinstall.js';
import { findRunningReinstall, readTask, type FinishedTasks } from './preflight.js';
import type { RolloutGate } from './rollout-gate.js';
import { claimStart, SHARED_INTENT_POST_DEADLINE_MS, type ClaimBatch } from './shared-intents.js';
import { TaskDurations } from './task-durations.js';
import { followTask } from './task-follower.js';

/** A task the run follows (or records): started now, adopted, or left by an earlier run. */
export interface TrackedTask {
  serviceName: string;
  taskId: number;
  digest: string | null;
  /** The OS requested; null for a task whose request is unknown (foreign). */
  expectedOs: string | null;
  /** Our intent for it; null for an adopted foreign task. */
  intent: IntentEntry | null;
  posted: boolean;
  adopted: boolean;
  startedAt: number;
  /**
   * Our clock when the POST answered, for a task we posted: the follower counts from it, because
   * `startedAt` is OVHcloud's clock and ours may differ (a follower a few seconds early looks
   * again); the task began at OVHcloud no later than that answer.
   */
  postedAt?: number;
}

const FOLLOW_RESULTS: Record<FollowOutcome['result'], { result: ApplyResult; code: ErrorCode }> = {
  done: { result: 'done', code: 'reinstall-done' },
  'inconsistent-result': { result: 'failed', code: 'inconsistent-result' },
  failed: { result: 'failed', code: 'reinstall-failed' },
  timeout: { result: 'failed', code: 'task-timeout' },
  interrupted: { result: 'running', code: 'follow-interrupted' },
};

/** An earlier intent's task list cannot be believed yet (it may lag); the message says until when. */
export class IntentUnsettledError extends Error {
  override readonly name = 'IntentUnsettledError';
}

/** One run's shared state; see the module comment. */
export class RunContext {
  readonly outcomes: ApplyOutcome[] = [];
  readonly finished: FinishedTasks = new Set();
  private readonly pending: Promise<void>[] = [];
  private following = 0;
  /** Durations of the tasks seen end `done` (this run's, and the caller's before), for the followers' expectation. */
  private readonly durations: TaskDurations;

  constructor(
    readonly plan: Plan,
    readonly deps: ApplyDeps,
    readonly options: ApplyOptions,
    readonly gate: RolloutGate,
    readonly catalog: ReadonlyMap<string, TemplateInfo>,
    readonly post: PostOptions,
    /** The batch of shared-intent claims; null when this writer records no shared intent. */
    private readonly claims: ClaimBatch | null = null,
  ) {
    this.durations = options.durations ?? new TaskDurations();
  }

  /** Commits the shared intents of the starts launched so far (one commit), releasing their POSTs. */
  async claimStarted(): Promise<void> {
    await this.claims?.flush();
  }

  /** Adds an outcome and reports it. */
  record(outcome: ApplyOutcome): void {
    this.outcomes.push(outcome);
    this.deps.onEvent?.({ type: 'outcome', outcome });
  }

  /** An outcome for a server where nothing was started. */
  notStarted(serviceName: string, digest: string | null, code: ErrorCode, message: string): ApplyOutcome {
    return {
      serviceName,
      digest,
      taskId: null,
      revision: this.plan.revision,
      planHash: this.plan.planHash,
      result: 'not-started',
      code,
      message,
      posted: false,
      adopted: false,
      startedAt: null,
      endedAt: null,
      observedOs: null,
      steps: [],
      stuck: false,
    };
  }

  /**
   * The task of an earlier intent, or null when the task list proves there is none; throws
   * {@link IntentUnsettledError} while the list may still lag behind that intent's POST.
   */
  async findOurTask(intent: IntentKey): Promise<ServerTask | null> {
    const resolution = await resolveIntent(this.deps.api, intent, {
      skewMs: this.post.skewMs,
      settleMs: this.post.settleMs ?? DEFAULT_SETTLE_MS,
    });
    if (resolution.kind === 'found') return resolution.task;
    if (resolution.kind === 'absent') return null;
    throw new IntentUnsettledError(
      `an earlier reinstall request of this server may have created a task the task list does not show yet: nothing is posted for it before ${new Date(resolution.settledAtMs).toISOString()} (OVHcloud's clock)`,
    );
  }

  findRunning(serviceName: string): ReturnType<typeof findRunningReinstall> {
    return findRunningReinstall(this.deps.api, serviceName, this.finished, 'follow');
  }

  /** Starts `entry` in the background (its slot and budget are taken now). */
  launch(entry: PlanServer, body: ReinstallBody): void {
    const serviceName = entry.serviceName as string;
    this.gate.reserve(serviceName, entry.labels);
    const takeBack = this.gate.recordStart();
    this.pending.push(
      this.start(entry, body, takeBack).catch((error: unknown) => {
        this.gate.release(serviceName);
        const code = error instanceof OvhApiError ? error.code : 'internal';
        const message = error instanceof Error ? error.message : String(error);
        this.record(this.notStarted(serviceName, entry.digest, code, message));
      }),
    );
  }

  /** Follows (or, without wait, looks once at) a task in the background. */
  track(task: TrackedTask): void {
    this.gate.reserve(task.serviceName, this.labelsOf(task.serviceName));
    this.deps.onEvent?.({
      type: 'started',
      serviceName: task.serviceName,
      taskId: task.taskId,
      posted: task.posted,
    });
    this.pending.push(
      this.follow(task).catch((error: unknown) => {
        const code = error instanceof OvhApiError ? error.code : 'internal';
        this.record({
          ...this.runningOutcome(task, code),
          message: error instanceof Error ? error.message : String(error),
        });
      }),
    );
  }

  /** Waits for every start and follow of the run, including those launched while waiting. */
  async settle(): Promise<void> {
    for (let i = 0; i < this.pending.length; i++) await this.pending[i];
  }

  private async start(entry: PlanServer, body: ReinstallBody, takeBack: () => void): Promise<void> {
    const serviceName = entry.serviceName as string;
    const digest = entry.digest as string;
    const { api, clock, journal } = this.deps;
    const spec = this.deps.specs.get(serviceName);
    const claimedFrom = clock.now(); // no later than the marker's recordedAt: a stricter deadline
    const shared = this.claims !== null && this.deps.shared !== undefined && spec !== undefined;
    const refused =
      this.claims && this.deps.shared && spec
        ? await claimStart(this.claims, this.deps.clock, this.deps.shared.writer, this.plan, entry, spec)
        : null;
    if (refused) {
      this.gate.release(serviceName);
      takeBack();
      const code = refused.kind === 'raced' ? 'intent-race-lost' : 'intent-push-refused';
      this.record(this.notStarted(serviceName, digest, code, refused.message));
      return;
    }
    const request = {
      serviceName,
      digest,
      planHash: this.plan.planHash,
      revision: this.plan.revision,
      body,
      ...(shared ? { postBy: claimedFrom + SHARED_INTENT_POST_DEADLINE_MS } : {}),
    };
    const result = await startReinstall(request, {
      api,
      clock,
      journal,
      catalog: this.catalog,
      finished: this.finished,
      options: this.post,
    });
    if (result.kind === 'posted' || result.kind === 'adopted') {
      const answeredAt = clock.now();
      if (result.kind === 'adopted') takeBack();
      const posted = result.kind === 'posted';
      this.gate.release(serviceName); // track() reserves again
      this.track({
        serviceName,
        taskId: result.taskId,
        digest: posted ? digest : null,
        expectedOs: posted ? body.operatingSystem : null,
        intent: posted ? result.intent : null,
        posted,
        adopted: !posted,
        startedAt: Date.parse(result.startDate) || clock.now(),
        ...(posted ? { postedAt: answeredAt } : {}),
      });
      return;
    }
    this.gate.release(serviceName);
    if (result.kind === 'blocked') {
      takeBack();
      this.record(this.notStarted(serviceName, digest, result.code, result.message));
    } else if (result.kind === 'unconfirmed') {
      this.record(this.notStarted(serviceName, digest, 'reinstall-unconfirmed', result.message));
    } else {
      takeBack();
      this.gate.recordFailure();
      const message = `OVHcloud refused the reinstall: ${result.message}`;
      this.record({ ...this.notStarted(serviceName, digest, result.code, message), result: 'failed' });
    }
  }

  private async follow(task: TrackedTask): Promise<void> {
    const { api, clock } = this.deps;
    if (!this.options.wait) {
      const seen = await readTask(api, task.serviceName, task.taskId, 'follow');
      if (seen && ['init', 'todo', 'doing'].includes(seen.status)) {
        this.record(this.runningOutcome(task, task.posted ? 'reinstall-started' : 'task-adopted'));
        return;
      }
    }
    this.following++;
    let outcome: FollowOutcome;
    const onEvent = this.deps.onEvent;
    try {
      outcome = await followTask(
        {
          serviceName: task.serviceName,
          taskId: task.taskId,
          expectedOs: task.expectedOs,
          startedAt: task.postedAt ?? Math.min(task.startedAt, clock.now()),
          ...(this.deps.signal ? { signal: this.deps.signal } : {}),
        },
        {
          api,
          clock,
          options: {
            ...this.options.follower,
            intervalFloorMs: () => this.intervalFloor(),
            estimateDurationMs: () => this.durations.median(),
          },
          // install/status is read only when someone receives the progress.
          ...(onEvent ? { onProgress: (progress) => onEvent({ type: 'progress', progress }) } : {}),
        },
      );
    } finally {
      this.following--;
    }
    // OVHcloud's own start-to-done when the task showed it (our polling delay is not the task's).
    if (outcome.result === 'done')
      this.durations.add(outcome.taskDurationMs ?? outcome.endedAt - outcome.startedAt);
    const mapped = FOLLOW_RESULTS[outcome.result];
    if (mapped.result === 'failed' && task.intent) this.gate.recordFailure();
    // The slot is freed only once the outcome is journaled and reported, so that no observer sees
    // the next start before the end whose slot it takes.
    try {
      await this.recordEnd(task, outcome, mapped);
    } finally {
      if (outcome.result !== 'interrupted') this.gate.release(task.serviceName);
    }
  }

  private async recordEnd(
    task: TrackedTask,
    outcome: FollowOutcome,
    mapped: (typeof FOLLOW_RESULTS)[keyof typeof FOLLOW_RESULTS],
  ): Promise<void> {
    const { journal } = this.deps;
    if (task.intent && outcome.result !== 'interrupted') {
      await journal.update(task.intent, {
        state: 'finished',
        outcome: {
          result: mapped.result === 'done' ? 'done' : 'failed',
          code: mapped.code,
          message: outcome.message,
          finishedAt: new Date(outcome.endedAt).toISOString(),
        },
      });
    }
    const code = mapped.result === 'done' && task.adopted ? 'task-adopted' : mapped.code;
    this.record({
      ...this.runningOutcome(task, code),
      result: mapped.result,
      message: outcome.message,
      endedAt: mapped.result === 'running' ? null : new Date(outcome.endedAt).toISOString(),
      observedOs: outcome.observedOs,
      steps: outcome.steps,
      stuck: outcome.wasStuck,
    });
  }

  private runningOutcome(task: TrackedTask, code: ErrorCode): ApplyOutcome {
    return {
      ...this.notStarted(task.serviceName, task.digest, code, `task ${task.taskId} runs at OVHcloud`),
      result: 'running',
      taskId: task.taskId,
      posted: task.posted,
      adopted: task.adopted,
      startedAt: new Date(task.startedAt).toISOString(),
    };
  }

  /** Followers together stay within `followShare` of the request budget. */
  private intervalFloor(): number {
    const rpm = this.deps.policy.api.requestsPerMinute;
    const share = this.options.followShare ?? 0.5;
    const calls = this.options.callsPerPoll ?? 2;
    return rpm > 0 ? (this.following * calls * 60_000) / (rpm * share) : 0;
  }

  private labelsOf(serviceName: string): Record<string, string> {
    return this.plan.servers.find((s) => s.serviceName === serviceName)?.labels ?? {};
  }
}
