/**
 * The account's membership for observeFleet, and with it, when that is worth a call, what the
 * expanded server list tells per server. The fresh expanded list (`Pragma: no-cache`) replaces
 * `listServers`; an answer that is `unavailable` or not proven fresh is set aside (its reason is
 * returned for the shell to log) and membership comes from `listServers` as before.
 */
import type { Clock } from '../core/clock.js';
import type { OvhApi, RequestPriority } from '../ovh/ovh-api.js';
import type { ObservationCache } from './cache.js';
import { KEYS, isStringList, readFresh } from './cached-values.js';
import { isListWorthIt, readServerList, type ServerList } from './server-list.js';

/**
 * Whether observation used the expanded server list: `objects` (a fresh, checked list),
 * `unavailable` (asked, but the API answered ids, a bad answer, or an answer not proven fresh:
 * observed one by one), `not-used` (not worth a call: few servers to observe).
 */
export type ExpandedListing = 'objects' | 'unavailable' | 'not-used';

/** What {@link readAccount} needs. */
export interface AccountRequest {
  /** The servers asked about (sorted, once each). */
  names: readonly string[];
  /** How many of them have no reusable cached observation (they would cost calls each). */
  toObserve: number;
  cache: ObservationCache;
  clock: Clock;
  priority: RequestPriority;
  /** Lifetime of the cached `listServers` answer. */
  accountLifetime: number;
}

/** The account as read. */
export interface AccountReading {
  /** Service names of the account. */
  account: string[];
  /** The fresh expanded list, when `expandedListing` is `objects`. */
  listed: ServerList | undefined;
  /** When the list was read (the clock before the call). */
  listedAt: number;
  expandedListing: ExpandedListing;
  /** Why the expanded list was not used, when it is `unavailable`. */
  expandedReason: string | undefined;
}

/** Reads the membership (and the expanded list when worth it); see the file comment. */
export async function readAccount(
  api: Pick<OvhApi, 'listServers' | 'listServersExpanded'>,
  request: AccountRequest,
): Promise<AccountReading> {
  const { names, cache, clock, priority } = request;
  let expandedReason: string | undefined;
  if (isListWorthIt(request.toObserve, Math.max(names.length, lastAccountSize(cache)))) {
    const listedAt = clock.now();
    const answer = await api.listServersExpanded({ fresh: true, priority });
    if (answer.kind === 'objects' && answer.fresh) {
      const listed = readServerList(answer.objects);
      cache.set(KEYS.account, listed.names, listedAt);
      return { account: listed.names, listed, listedAt, expandedListing: 'objects', expandedReason };
    }
    expandedReason =
      answer.kind === 'unavailable'
        ? answer.reason
        : 'the expanded server list was not proven fresh (Pragma: no-cache not honoured)';
  }
  const now = clock.now();
  let account = readFresh(cache, KEYS.account, now, request.accountLifetime, isStringList);
  // A cached list that lacks a named server is refreshed: it may be new in the account.
  const kept = new Set(account ?? []);
  if (!account || names.some((n) => !kept.has(n))) {
    account = await api.listServers({ priority });
    cache.set(KEYS.account, account, clock.now());
  }
  return {
    account,
    listed: undefined,
    listedAt: now,
    expandedListing: expandedReason === undefined ? 'not-used' : 'unavailable',
    expandedReason,
  };
}

/** The length of the last account list kept, however old (0 when none): a size estimate. */
function lastAccountSize(cache: ObservationCache): number {
  const kept = cache.get(KEYS.account);
  return kept && isStringList(kept.value) ? kept.value.length : 0;
}
