/**
 * The "cached object list" of expanded listing (API-NOTES §5.6): OVHcloud may answer
 * `X-Pagination-Mode: CachedObjectList-Pages` from a snapshot of the list, and the control panel
 * sends `Pragma: no-cache` when it wants a current one. How stale the real cache can be is not
 * confirmed; the simulator keeps one snapshot per consumer key and list path, reuses it while it
 * is at most `expandedCacheMs` old (sim clock) and takes a new one when it is older, when asked
 * `no-cache`, or always when `expandedCacheMs` is 0.
 */
import type { ExpandedObject } from './expanded-listing.js';

/** One snapshot: deep copies of the objects as they were at `takenAt` (sim clock). */
export interface ObjectListSnapshot {
  takenAt: number;
  objects: readonly ExpandedObject[];
}

/** Above this many snapshots, expired ones are dropped when a new one is stored. */
const PRUNE_ABOVE = 20_000;

/** The snapshots of one simulator. */
export class ObjectListCache {
  private readonly snapshots = new Map<string, ObjectListSnapshot>();

  /**
   * The snapshot to answer from: the stored one when it is young enough and `noCache` is false,
   * otherwise a new one made by `take` (which must return copies), stored for later requests.
   */
  snapshot(
    key: { consumerKey: string | null; listPath: string },
    now: number,
    maxAgeMs: number,
    noCache: boolean,
    take: () => ExpandedObject[],
  ): ObjectListSnapshot {
    const id = `${key.consumerKey ?? ''}\n${key.listPath}`;
    const stored = this.snapshots.get(id);
    if (stored && !noCache && maxAgeMs > 0 && now - stored.takenAt <= maxAgeMs) return stored;
    const fresh: ObjectListSnapshot = { takenAt: now, objects: take() };
    if (this.snapshots.size > PRUNE_ABOVE) this.prune(now, maxAgeMs);
    this.snapshots.set(id, fresh);
    return fresh;
  }

  private prune(now: number, maxAgeMs: number): void {
    for (const [id, snapshot] of this.snapshots) {
      if (now - snapshot.takenAt > maxAgeMs) this.snapshots.delete(id);
    }
  }
}
