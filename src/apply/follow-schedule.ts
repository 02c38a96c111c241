/**
 * When the task follower looks next, as pure functions of what it knows (no I/O, no clock: `now`
 * is an input). Two schedules:
 * - `adaptive` (the default): sleep long while the task is far from its expected end, look once
 *   about half-way (progress is shown, and the steps refine the expectation), then land just after
 *   the expected end and look every `nearIntervalMs` (≤ 60 s) from then on; while the task is
 *   queued (`init`/`todo`), look every `queuedIntervalMs`;
 * - `interval` (the schedule before issue 14, kept for the bench's side-by-side and for tests
 *   that pin it): half the expected remaining time, a quarter of the delay once overdue, between
 *   `minIntervalMs` and a cap.
 * Both never go under the floor the request budget allows. docs/apply.md#following-a-task.
 */

/** What the follower knows of the task at a look. */
export type FollowPhase =
  /** Not looked at yet (the POST answered `init`). */
  | 'unseen'
  /** `init` or `todo`: queued at OVHcloud. */
  | 'queued'
  /** `doing`. */
  | 'installing';

/** Knobs of the adaptive schedule, in milliseconds. */
export interface AdaptiveSchedule {
  /** The interval from the expected end on (≤ 60 s: the end is seen within it). */
  nearIntervalMs: number;
  /** How long after the expected end the first end look lands (a look a hair early costs one more). */
  endMarginMs: number;
  /** Longest interval while queued. */
  queuedIntervalMs: number;
  /** Longest interval while installing, far from the end (progress stays this fresh at worst). */
  longestSleepMs: number;
  /** Shortest interval. */
  minIntervalMs: number;
  /**
   * The first look, when no task of the kind was seen end yet (the expectation is only the
   * default): soon, so that a task much shorter than the default is not waited for.
   */
  firstLookMs: number;
}

/** One decision's inputs (executor clock, ms). */
export interface ScheduleInput {
  now: number;
  /** When the task is expected to end (see {@link expectedEndAt}). */
  expectedEndAt: number;
  phase: FollowPhase;
  /** True once install/status showed steps during this follow (progress was shown once). */
  progressSeen: boolean;
  /** The request budget's floor for this follower (0: none). */
  floorMs: number;
  /** The expectation comes from tasks seen end (a median), not from the default. */
  durationKnown: boolean;
}

/**
 * Delay until the next look. Guarantees (test/apply/follow-schedule.property.test.ts):
 * - never under `floorMs`, `minIntervalMs` or 1 ms;
 * - at or past the expected end, unless queued: at most max(`nearIntervalMs`, floor, min);
 * - before it: the look lands no later than expectedEnd + `endMarginMs` (or the floor);
 * - an install of true duration D, expected to last E, followed from its start with no floor, is
 *   looked at no more than 3 + ceil(E / longestSleepMs) + ceil(max(0, D − E) / nearIntervalMs)
 *   times before a look sees it ended (queued time aside).
 */
export function nextLookDelay(input: ScheduleInput, schedule: AdaptiveSchedule): number {
  const { nearIntervalMs, endMarginMs, queuedIntervalMs, longestSleepMs, minIntervalMs } = schedule;
  const remaining = input.expectedEndAt - input.now;
  let base: number;
  // A queued task's expected end means little (the install has not begun): the queued pace.
  if (input.phase === 'queued')
    base = remaining <= 0 ? queuedIntervalMs : Math.min(queuedIntervalMs, remaining + endMarginMs);
  else if (remaining <= 0) base = nearIntervalMs;
  else if (!input.progressSeen && remaining > 2 * nearIntervalMs) base = remaining / 2;
  else base = remaining + endMarginMs;
  if (input.phase === 'unseen' && !input.durationKnown) base = Math.min(base, schedule.firstLookMs);
  if (input.phase !== 'queued') base = Math.min(base, remaining <= 0 ? nearIntervalMs : longestSleepMs);
  return Math.max(1, Math.round(base), minIntervalMs, input.floorMs);
}

/** Knobs of the interval schedule (today's before issue 14), in milliseconds. */
export interface IntervalSchedule {
  slowIntervalMs: number;
  intervalMs: number;
  minIntervalMs: number;
  /** A progress listener's freshness: caps the interval when set. */
  progressIntervalMs: number | null;
}

/**
 * The interval schedule: half the expected remaining time (a quarter of the delay once overdue:
 * the later the task, the less the expectation is worth), within [minIntervalMs, cap], and never
 * under the floor.
 */
export function intervalDelay(input: ScheduleInput, schedule: IntervalSchedule): number {
  let cap = input.phase === 'installing' ? schedule.intervalMs : schedule.slowIntervalMs;
  if (input.phase === 'unseen') cap = schedule.intervalMs;
  if (schedule.progressIntervalMs !== null) cap = Math.min(cap, schedule.progressIntervalMs);
  const remaining = input.expectedEndAt - input.now;
  const proportional = remaining > 0 ? remaining / 2 : -remaining / 4;
  const base = Math.min(cap, Math.max(schedule.minIntervalMs, proportional));
  return Math.max(base, input.floorMs);
}

/** The share of a task's usual duration its queue (init, todo) may take before the install is late. */
export const QUEUE_SHARE = 0.1;

/** How much earlier than the median (a share of it) the steps must say a task ends to be believed. */
export const STEPS_OVERRIDE = 0.4;

/** What install/status last showed, for the expectation. */
export interface StepReading {
  /** Steps done. */
  done: number;
  /** Steps announced. */
  total: number;
  /** A step is running (counted done: the estimate errs early). */
  running: boolean;
  /** OVHcloud's elapsedTime, ms. */
  elapsedMs: number;
  /** Executor clock of the read. */
  readAt: number;
}

/** The inputs of the expectation. */
export interface ExpectationInput {
  /** The task's start, executor clock. */
  startedAt: number;
  /** Used when nothing better is known. */
  defaultDurationMs: number;
  /** The median duration of the tasks seen end (OVHcloud's startDate to doneDate); null: none yet. */
  medianDurationMs: number | null;
  steps: StepReading | null;
  /** A look found the task queued (`init`, `todo`). */
  queuedSeen: boolean;
}

/**
 * The step estimate: the mean duration of a step so far times the steps left, the running step
 * counted as done (so that the estimate errs early, by one step at most: a look a little early
 * costs one more look, a look late is a late end); null before a step is done.
 */
export function stepRemainingMs(steps: StepReading | null): number | null {
  if (!steps || steps.done <= 0 || steps.total <= 0) return null;
  const progressed = Math.min(steps.total, steps.done + (steps.running ? 1 : 0));
  return Math.round((steps.elapsedMs / progressed) * Math.max(0, steps.total - progressed));
}

/**
 * When the task should end. The median of the tasks seen end is the better guide (tasks of one
 * run are alike, and the steps' durations are uneven: a step count says "early" half-way
 * through, and `elapsedTime` has a resolution of one second); the steps only move it earlier,
 * never later, and only by more than {@link STEPS_OVERRIDE} of the median. A task
 * found queued at a look may have waited long: its install then still needs the usual duration
 * but the queue share, counted from when install/status says it began. Without a median, the
 * steps' estimate; without either, the default.
 */
export function expectedEndAt(input: ExpectationInput): number {
  const left = stepRemainingMs(input.steps);
  const stepEnd = left === null || !input.steps ? null : input.steps.readAt + left;
  if (input.medianDurationMs !== null) {
    const medianEnd = input.startedAt + input.medianDurationMs;
    let expected = medianEnd;
    if (input.queuedSeen && input.steps) {
      const installStart = input.steps.readAt - input.steps.elapsedMs;
      expected = Math.max(medianEnd, installStart + Math.round(input.medianDurationMs * (1 - QUEUE_SHARE)));
    }
    // The steps may only bring the expectation forward, and only when they say the task ends well
    // before the median (by more than STEPS_OVERRIDE of it): a task much shorter than the median
    // (another template, other hardware, an install failing early) or a start counted late
    // (OVHcloud's clock ahead of ours) is then looked at when its own steps say it ends. A smaller
    // gap is the steps' usual unevenness, and following it would cost looks for nothing.
    const early = stepEnd !== null && expected - stepEnd > STEPS_OVERRIDE * input.medianDurationMs;
    return early ? stepEnd : expected;
  }
  return stepEnd ?? input.startedAt + input.defaultDurationMs;
}
