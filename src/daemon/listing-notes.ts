/**
 * Says in the daemon's log when the expanded server list is set aside, and why, once per distinct
 * reason rather than every cycle; and once when it is usable again. An endpoint that ignores the
 * expanded-listing header would otherwise repeat the same line every two minutes, and a bad
 * answer (missing, extra or malformed objects, pages that shifted) would go unsaid
 * (docs/plan.md#the-expanded-server-list).
 */
import type { Logger } from '../core/logger.js';
import type { ObserveStats } from '../observe/observe-fleet.js';

/** The last thing said of the expanded list, kept between cycles. */
export class ListingNotes {
  private lastReason: string | undefined;

  /** Logs the cycle's listing outcome when it differs from the last one said. */
  note(stats: Pick<ObserveStats, 'expandedListing' | 'expandedReason'>, log: Logger): void {
    if (stats.expandedListing === 'unavailable') {
      const reason = stats.expandedReason ?? 'no reason given';
      if (reason === this.lastReason) return;
      this.lastReason = reason;
      log.warn(
        { expandedReason: reason },
        'the expanded server list was set aside: every server is observed one by one this cycle',
      );
    } else if (stats.expandedListing === 'objects' && this.lastReason !== undefined) {
      this.lastReason = undefined;
      log.info('the expanded server list is used again');
    }
  }
}
