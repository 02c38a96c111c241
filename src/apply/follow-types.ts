/**
 * The values the task follower reports: live progress while a reinstall runs, and the outcome
 * when it ends. Kept apart from the follower so renderers and the executor import only types.
 */
import type { InstallStepStatus, TaskStatus } from '../ovh/types.js';

/** Timing of one `install/status` step as the follower saw it (bounded by its polling interval). */
export interface StepTiming {
  /** 1-based position in OVHcloud's step list. */
  step: number;
  comment: string;
  status: InstallStepStatus;
  /** Executor clock, ms since the epoch: first poll that saw the step running (or done). */
  startedAt: number;
  /** First poll that saw it done or in error; null while running. */
  endedAt: number | null;
}

/** One progress report, emitted after each poll that brought news (and when stuck). */
export interface FollowProgress {
  serviceName: string;
  taskId: number;
  taskStatus: TaskStatus;
  /** 1-based number of the current step; null before install/status shows steps. */
  step: number | null;
  /** Number of steps announced; null when unknown. */
  steps: number | null;
  currentStep: string | null;
  /** Milliseconds since the reinstall began (OVHcloud's elapsedTime when known). */
  elapsedMs: number;
  /** Estimated milliseconds until the end, from the step durations seen so far; null when unknown. */
  etaMs: number | null;
  /** True once no progress was seen for longer than `stuckAfterMs`. */
  stuck: boolean;
}

/**
 * How following a task ended:
 * - `done`: status done and the server shows the requested OS;
 * - `inconsistent-result`: status done (or the task was purged) but the server shows another OS;
 * - `failed`: customerError, ovhError or cancelled (message: OVHcloud's comment and failed step);
 * - `timeout`: no end within the overall timeout (counted as a failure);
 * - `interrupted`: following was stopped (signal); the task goes on at OVHcloud.
 */
export type FollowResult = 'done' | 'inconsistent-result' | 'failed' | 'timeout' | 'interrupted';

/** What the follower returns. */
export interface FollowOutcome {
  result: FollowResult;
  /** Last task status seen; null when the task was purged before the first look. */
  taskStatus: TaskStatus | null;
  message: string;
  /** The step that failed ("7/21 Applying Partitioning: <error>"), when known. */
  failedStep: string | null;
  /** `os` read back from the server after the end; null when not read. */
  observedOs: string | null;
  startedAt: number;
  endedAt: number;
  steps: StepTiming[];
  /** True if the task was reported stuck at some point. */
  wasStuck: boolean;
}
