/**
 * The value the task follower returns when a task ends (its live progress, FollowProgress, is in
 * src/records/outcomes.ts). Kept apart from the follower so the executor imports only types.
 */
import type { TaskStatus } from '../ovh/types.js';
import type { StepTiming } from '../records/outcomes.js';

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
  /** OVHcloud's `doneDate` of the task (OVHcloud's clock, ms); null when not seen. */
  doneAt: number | null;
  /** OVHcloud's startDate to doneDate (ms): the task's own duration, without our polling delay. */
  taskDurationMs: number | null;
  /** True if the task was reported stuck at some point. */
  wasStuck: boolean;
}
