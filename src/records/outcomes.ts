/**
 * What the executor reports about each server, shared by apply (which produces it), status
 * (which turns it into status records) and the daemon and CLI (which show it): the outcome of
 * one server's apply and the follower's live progress. Kept below apply and status so that
 * neither imports the other for them (see .dependency-cruiser.cjs).
 */
import type { ErrorCode } from '../core/codes/registry.js';
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
 * How a server's apply ended:
 * - `done`: the reinstall (or the followed task) ended and the server shows the requested OS;
 * - `failed`: task failed, inconsistent result, timeout, or OVHcloud refused the POST;
 * - `running`: started or adopted and not followed to its end (no --wait, or interrupted);
 * - `not-started`: nothing posted: held by a limit, a preflight check, a missing secret.
 */
export type ApplyResult = 'done' | 'failed' | 'running' | 'not-started';

/** The record of one server's apply. */
export interface ApplyOutcome {
  serviceName: string;
  /** Digest of the spec being installed; null for a followed task whose spec is unknown. */
  digest: string | null;
  taskId: number | null;
  /** Spec commit (plan revision). */
  revision: string;
  planHash: string;
  result: ApplyResult;
  /** Why: an apply code, a plan reason (limits) or an API error code. */
  code: ErrorCode;
  message: string;
  /** True when this run posted the reinstall (false: adopted, followed or not started). */
  posted: boolean;
  /** True when the followed task was not created by this plan's POST (adopted). */
  adopted: boolean;
  /** ISO times; null when nothing started. */
  startedAt: string | null;
  endedAt: string | null;
  /** `os` read back from the server at the end, when read. */
  observedOs: string | null;
  steps: StepTiming[];
  /** True if the task was reported stuck at some point. */
  stuck: boolean;
}
