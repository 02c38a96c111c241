/**
 * The durations of the reinstall tasks seen end `done` (OVHcloud's startDate to doneDate, so our
 * polling delay is not counted), and their median: the followers' expectation of how long the
 * next task lasts. One per applyPlan run (run-context.ts) and one per daemon (task-watch.ts);
 * only the latest {@link DURATIONS_KEPT} are kept (a daemon runs for months).
 */

/** How many recent durations the median is taken over. */
export const DURATIONS_KEPT = 201;

/** The recent durations and their median. */
export class TaskDurations {
  private readonly recent: number[] = [];
  private cached: number | null = null;

  /** Adds one duration (ms); ignores what is not a positive finite number. */
  add(ms: number): void {
    if (!Number.isFinite(ms) || ms <= 0) return;
    this.recent.push(ms);
    if (this.recent.length > DURATIONS_KEPT) this.recent.shift();
    const sorted = [...this.recent].sort((a, b) => a - b);
    this.cached = sorted[Math.floor(sorted.length / 2)] ?? null;
  }

  /** The median duration; null before the first. */
  median(): number | null {
    return this.cached;
  }
}
