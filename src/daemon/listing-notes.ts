/**
 * Says in the daemon's log when the expanded server list is set aside, and why: once when it stops
 * being usable, then at most once an hour while it stays so (whatever the reason says: reasons
 * name counts and servers, and two can alternate), and once when it is usable again. An endpoint
 * that ignores the expanded-listing header would otherwise repeat the same line every two minutes,
 * and a bad answer (missing, extra or malformed objects, pages that shifted) would go unsaid
 * (docs/plan.md#the-expanded-server-list).
 */
import type { Logger } from '../core/logger.js';
import type { ObserveStats } from '../observe/observe-fleet.js';

/** While the list stays set aside, the reason is said again at most this often. */
export const REPEAT_MS = 60 * 60_000;

/** What was last said of the expanded list, kept between cycles. */
export class ListingNotes {
  /** When the list was last said to be set aside; null while it is usable (or never said). */
  private saidAt: number | null = null;
  private reasons = new Set<string>();

  /** Logs the cycle's listing outcome at `now` when it is news (see the file comment). */
  note(stats: Pick<ObserveStats, 'expandedListing' | 'expandedReason'>, log: Logger, now: number): void {
    if (stats.expandedListing === 'unavailable') {
      const reason = stats.expandedReason ?? 'no reason given';
      if (this.saidAt !== null && now - this.saidAt < REPEAT_MS) {
        this.reasons.add(reason);
        return;
      }
      const others = [...this.reasons].filter((r) => r !== reason);
      this.saidAt = now;
      this.reasons = new Set([reason]);
      log.warn(
        {
          expandedReason: reason,
          ...(others.length > 0 ? { otherReasonsMeanwhile: others.slice(0, 3) } : {}),
        },
        'the expanded server list was set aside: every server is observed one by one',
      );
    } else if (stats.expandedListing === 'objects' && this.saidAt !== null) {
      this.saidAt = null;
      this.reasons.clear();
      log.info('the expanded server list is used again');
    }
  }
}
