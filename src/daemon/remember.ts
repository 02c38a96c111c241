/**
 * remember: the one place that turns a cycle's results into what the daemon keeps for the next
 * cycle (DaemonMemory). Pure: the steps never write the memory, and what a cycle that stopped
 * early (skipped, or failed at some step) leaves behind is decided here from the results it has.
 */
import type { CycleBlock } from '../status/build-records.js';
import type { CycleLoaded } from './steps-load.js';
import type { Fetched, Verified } from './steps-git.js';
import type { Applied, Planned } from './steps-plan.js';
import type { StatusBuilt } from './record-status.js';
import type { CycleSummary, DaemonMemory } from './types.js';

/** What one cycle produced: each step's result, null when the step did not run or failed. */
export interface CycleResults {
  fetched: Fetched | null;
  verified: Verified | null;
  loaded: CycleLoaded | null;
  planned: Planned | null;
  applied: Applied | null;
  built: StatusBuilt | null;
  /** The kept record texts after recording, when they changed (verification only). */
  kept: ReadonlyMap<string, string> | null;
  summary: CycleSummary;
  /** When the cycle ended (the clock's milliseconds). */
  endedAt: number;
}

/** The block of a cycle's results (why nothing new may be applied), null when nothing blocks. */
export function blockOf(results: Pick<CycleResults, 'verified'>): CycleBlock | null {
  return results.verified?.block ?? null;
}

/** The memory for the next cycle. */
export function remember(memory: DaemonMemory, results: CycleResults): DaemonMemory {
  const { fetched, verified, loaded, planned, applied, built, summary } = results;
  const success = summary.result === 'success';
  const head = fetched?.head ?? null;
  const block = blockOf(results);
  return {
    lastHead: head ?? memory.lastHead,
    lastApplied: success && planned !== null && block === null && head !== null ? head : memory.lastApplied,
    lastVerified: verified?.verifiedHead ?? memory.lastVerified,
    trustedRecords: results.kept ?? memory.trustedRecords,
    records: built?.records ?? memory.records,
    canonical: planned?.canonical ?? memory.canonical,
    requestsPerMinute: loaded?.loaded.fleet.policy.api.requestsPerMinute ?? memory.requestsPerMinute,
    block: success && planned !== null ? block : memory.block,
    lastGoodCycleAt: success ? results.endedAt : memory.lastGoodCycleAt,
    lastCycle: summary,
    raceLost: applied?.raceLost ?? false,
  };
}
