/**
 * The account's membership for observeFleet, and with it, when that is worth a call, what the
 * expanded server list tells per server. Membership always comes from `listServers` (one call);
 * the fresh expanded list (`Pragma: no-cache`) is used only when it holds exactly those servers,
 * each once. An answer that is `unavailable`, not proven fresh or in disagreement is set aside
 * (its reason is returned for the shell to log) and the servers are observed one by one.
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
      // The id list (one call for the whole account) is the authority on membership: pages that
      // shifted while they were read, or a list with servers missing or added, are set aside.
      const ids = await api.listServers({ priority });
      cache.set(KEYS.account, ids, clock.now());
      const disagreement = membershipDisagreement(ids, answer.objects.length, listed.names);
      if (disagreement === null)
        return { account: ids, listed, listedAt, expandedListing: 'objects', expandedReason };
      return {
        account: ids,
        listed: undefined,
        listedAt,
        expandedListing: 'unavailable',
        expandedReason: disagreement,
      };
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

/**
 * Why the expanded list's servers are not the account's (`listServers`), or null when they are:
 * the same names, each once. Names only: a diagnostic never carries more than counts and a few names.
 */
function membershipDisagreement(
  ids: readonly string[],
  objects: number,
  listed: readonly string[],
): string | null {
  const account = new Set(ids);
  const seen = new Set(listed);
  const missing = ids.filter((n) => !seen.has(n));
  const extra = listed.filter((n) => !account.has(n));
  if (missing.length === 0 && extra.length === 0 && objects === ids.length) return null;
  const sample = (list: string[]): string => list.slice(0, 3).join(', ') + (list.length > 3 ? ', …' : '');
  const parts = [
    ...(missing.length > 0 ? [`${missing.length} missing (${sample(missing)})`] : []),
    ...(extra.length > 0 ? [`${extra.length} not in the account (${sample(extra)})`] : []),
    ...(objects !== ids.length ? [`${objects} objects for ${ids.length} servers`] : []),
  ];
  return `the expanded server list disagrees with the account's list of servers: ${parts.join('; ')} (the account changed while it was paged, or the answer is wrong); observed one by one`;
}
