/**
 * The timeline of the last cycles, for the dashboard's Rollout view (`cycles` of /api/status,
 * docs/dashboard.md): each cycle's summary with the API requests the daemon made while it ran
 * and the request budget's limit at its end. A ring of the newest {@link CYCLE_TIMELINE_SIZE},
 * in memory only: a restarted daemon starts a new timeline.
 *
 * The requests are counted from the daemon's one counter (every API call of this process: the
 * cycle's own, and those of the task watch and the background sweep made while the cycle ran).
 * Each entry copies the summary's known fields only, so that nothing else a summary object might
 * carry reaches the browser.
 */
import type { CycleSummary } from './types.js';

/** How many cycles the timeline keeps. */
export const CYCLE_TIMELINE_SIZE = 50;

/** One cycle of the timeline. */
export interface CycleTimelineEntry extends CycleSummary {
  /** API requests this daemon made between the cycle's start and its end (all of its work). */
  apiRequests: number;
  /** The request budget's limit (requests a minute) at the cycle's end; null when unknown. */
  requestsPerMinute: number | null;
}

/** A cycle under way: call `end` with its summary. */
export interface CycleMeasure {
  end(summary: CycleSummary): void;
}

/** The ring of the last cycles. */
export class CycleTimeline {
  private list: readonly CycleTimelineEntry[] = [];

  /**
   * `requestsSoFar`: the daemon's request counter (monotonic); `requestsPerMinute`: the budget's
   * limit now, or null when unknown.
   */
  constructor(
    private readonly requestsSoFar: () => number,
    private readonly requestsPerMinute: () => number | null,
    private readonly size = CYCLE_TIMELINE_SIZE,
  ) {}

  /** The cycles kept, oldest first; a new array after each cycle (the same one in between). */
  get entries(): readonly CycleTimelineEntry[] {
    return this.list;
  }

  /** Starts measuring a cycle: its requests count from now. */
  begin(): CycleMeasure {
    const before = this.requestsSoFar();
    return { end: (summary) => this.add(summary, Math.max(0, this.requestsSoFar() - before)) };
  }

  /** Adds a cycle that ended, with the requests it used. */
  add(summary: CycleSummary, apiRequests: number): void {
    const entry: CycleTimelineEntry = {
      id: summary.id,
      trigger: summary.trigger,
      result: summary.result,
      startedAt: summary.startedAt,
      endedAt: summary.endedAt,
      head: summary.head,
      planHash: summary.planHash,
      statusCommit: summary.statusCommit,
      block: summary.block ? { reason: summary.block.reason, message: summary.block.message } : null,
      error: summary.error
        ? { code: summary.error.code, message: summary.error.message, next: summary.error.next }
        : null,
      apiRequests,
      requestsPerMinute: this.requestsPerMinute(),
    };
    const next = [...this.list, entry];
    this.list = Object.freeze(next.length > this.size ? next.slice(next.length - this.size) : next);
  }
}
