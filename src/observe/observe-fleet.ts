/**
 * observeFleet: what the OVHcloud API shows about the servers a plan concerns, in exactly the
 * planner's input shapes (Observation per server, the catalog's template names) plus the facts
 * validation checks specs against. Reads through the OvhApi port at one priority, keeps answers
 * in an ObservationCache, counts its calls. When many servers need observing, one fresh expanded
 * server list replaces their per-server calls, but only for servers the plan leaves as they are.
 * docs/plan.md, "Observation and caching", is the contract in prose.
 */
import type { Clock } from '../core/clock.js';
import type { OvhApiError } from '../ovh/errors.js';
import type { OvhApi, RequestPriority } from '../ovh/ovh-api.js';
import type { CatalogFacts, ServerFacts } from '../validate/catalog-facts.js';
import type { Observation } from '../plan/types.js';
import type { ObservationCache } from './cache.js';
import {
  DEFAULT_LIFETIMES,
  KEYS,
  isEndOfInstallMap,
  readFresh,
  type ObserveLifetimes,
} from './cached-values.js';
import { countingApi, emptyCallCounts, totalCalls, type CallCounts } from './counting-api.js';
import {
  observeServer,
  reusableObservation,
  type ActionOf,
  type KnownObservation,
  type ObservationSource,
  type ServerContext,
} from './observe-server.js';
import { readAccount, type AccountReading, type ExpandedListing } from './read-account.js';

/** Options of {@link observeFleet}. */
export interface ObserveOptions {
  cache: ObservationCache;
  clock: Clock;
  /** Nothing is called: every server is `unknown`, no catalog, no facts. */
  offline?: boolean;
  /** Priority of every call in the shared request budget; default `plan`. */
  priority?: RequestPriority;
  /**
   * Per serviceName: a fingerprint of what the decision depends on besides the API (the spec's
   * digest and the status record). A cached observation is reused only under the same
   * fingerprint; a server without one is always observed fresh.
   */
  fingerprints?: ReadonlyMap<string, string>;
  /**
   * What the plan would do with the server given an observation (before the rollout policy).
   * A cached observation is reused only when this says `none`; hardware and compatible templates
   * are read only when it says `reinstall`. Default: `reinstall` for every server (always fresh,
   * always with hardware): the safe assumption when the caller cannot tell.
   */
  actionOf?: ActionOf;
  lifetimes?: Partial<ObserveLifetimes>;
  /** Servers observed at once (the request budget paces the calls anyway); default 8. */
  concurrency?: number;
  /**
   * Servers observed with their own calls even when the expanded list would do (the list says
   * nothing of tasks): the daemon names those where its background sweep found a running task.
   */
  observeOneByOne?: ReadonlySet<string>;
}

/** A call that failed while observing (a 404 on getServer is not one: it means `absent`). */
export interface ObserveError {
  /** null for a fleet-wide call. */
  serviceName: string | null;
  error: OvhApiError;
}

/** What the observation cost. */
export interface ObserveStats {
  /** Distinct servers asked about. */
  servers: number;
  /** Servers whose cached observation was reused (no call at all for them, unless hardware). */
  reused: number;
  /** Servers taken from the fresh expanded list, with no call of their own (left as they are). */
  listed: number;
  /** Servers of the account observed fresh (getServer, then the task list). */
  fresh: number;
  /** Whether the expanded server list was used (see {@link ExpandedListing}). */
  expandedListing: ExpandedListing;
  /**
   * Why it was not, when `unavailable`: the diagnostic for the shell to log once (observeFleet
   * logs nothing).
   */
  expandedReason?: string;
  calls: CallCounts;
  totalCalls: number;
  /** totalCalls / servers (0 without servers). */
  callsPerServer: number;
}

/** The result of {@link observeFleet}. */
export interface ObserveResult {
  /** Per serviceName; a server left out (offline, or its calls failed) is `unknown` to the planner. */
  observed: Map<string, Observation>;
  /** Template names of the catalog; undefined offline. */
  catalog: string[] | undefined;
  /**
   * The facts for validation: catalog dates, the account's servers, and compatibility and disk
   * groups of the servers that may be reinstalled (the others' specs are not checked against
   * their hardware: nothing would be sent). Undefined offline.
   */
  facts: CatalogFacts | undefined;
  errors: ObserveError[];
  stats: ObserveStats;
}

const DEFAULT_CONCURRENCY = 8;
const NONE: ReadonlySet<string> = new Set();

/** Observes the named servers (see {@link ObserveOptions} for what is reused and what is read). */
export async function observeFleet(
  api: OvhApi,
  serviceNames: readonly string[],
  options: ObserveOptions,
): Promise<ObserveResult> {
  const names = [...new Set(serviceNames)].sort();
  const calls = emptyCallCounts();
  const observed = new Map<string, Observation>();
  if (options.offline) {
    return {
      observed,
      catalog: undefined,
      facts: undefined,
      errors: [],
      stats: stats(names, { cache: 0, list: 0, api: 0 }, calls),
    };
  }
  const lifetimes = { ...DEFAULT_LIFETIMES, ...options.lifetimes };
  const priority = options.priority ?? 'plan';
  const port = countingApi(api, calls);
  const { cache, clock } = options;
  const now = clock.now();

  let endOfInstall = readFresh(cache, KEYS.catalog, now, lifetimes.catalog, isEndOfInstallMap);
  if (!endOfInstall) {
    const infos = await port.listTemplateInfos({ priority });
    endOfInstall = Object.fromEntries(infos.map((i) => [i.templateName, i.endOfInstall]));
    cache.set(KEYS.catalog, endOfInstall, now);
  }
  const catalog = Object.keys(endOfInstall).sort();

  const ctx: ServerContext = {
    api: port,
    cache,
    clock,
    priority,
    lifetimes,
    catalogNames: new Set(catalog),
    actionOf: options.actionOf ?? (() => 'reinstall'),
    fingerprints: options.fingerprints ?? new Map(),
  };
  const cached = new Map<string, Observation>();
  for (const name of names) {
    const observation = reusableObservation(ctx, name, ctx.fingerprints.get(name));
    if (observation) cached.set(name, observation);
  }
  const reading = await readAccount(port, {
    names,
    toObserve: names.length - cached.size,
    cache,
    clock,
    priority,
    accountLifetime: lifetimes.account,
  });
  const inAccount = new Set(reading.account);

  const errors: ObserveError[] = [];
  const servers: Record<string, ServerFacts> = {};
  const sources: Record<ObservationSource, number> = { cache: 0, list: 0, api: 0 };
  await pool(names, options.concurrency ?? DEFAULT_CONCURRENCY, async (name) => {
    const known = knownOf(reading, inAccount, cached, name, options.observeOneByOne);
    if (known === 'absent') {
      observed.set(name, { presence: 'absent' });
      return;
    }
    const outcome = await observeServer(ctx, name, known);
    if (outcome.observation) observed.set(name, outcome.observation);
    if (outcome.facts) servers[name] = outcome.facts;
    sources[outcome.source]++;
    errors.push(...outcome.errors.map((error) => ({ serviceName: name, error })));
  });
  errors.sort((a, b) => (a.serviceName ?? '').localeCompare(b.serviceName ?? ''));
  const accountServers = [...reading.account].sort();
  const facts: CatalogFacts = { fetchedAt: now, endOfInstall, accountServers, servers };
  return { observed, catalog, facts, errors, stats: stats(names, sources, calls, reading) };
}

/**
 * What is known of a server before its own calls, or `absent` when a `listServers` answer lacks
 * it. A server missing from the fresh expanded list is not taken as absent on the list's word: it
 * is observed one by one (getServer answers 404 when it is gone), and so is one the list holds
 * malformed or twice, and one named in `oneByOne` (neither cache nor list).
 */
function knownOf(
  reading: AccountReading,
  inAccount: ReadonlySet<string>,
  cached: ReadonlyMap<string, Observation>,
  name: string,
  oneByOne: ReadonlySet<string> = NONE,
): KnownObservation | 'absent' {
  const reused = oneByOne.has(name) ? undefined : cached.get(name);
  if (!reading.listed) {
    return inAccount.has(name) ? { cached: reused, listed: undefined } : 'absent';
  }
  if (!inAccount.has(name)) return { cached: undefined, listed: undefined };
  const observation = oneByOne.has(name) ? undefined : reading.listed.observations.get(name);
  return {
    cached: reused,
    listed: observation ? { observation, at: reading.listedAt } : undefined,
  };
}

function stats(
  names: readonly string[],
  sources: Record<ObservationSource, number>,
  calls: CallCounts,
  reading?: Pick<AccountReading, 'expandedListing' | 'expandedReason'>,
): ObserveStats {
  const total = totalCalls(calls);
  return {
    servers: names.length,
    reused: sources.cache,
    listed: sources.list,
    fresh: sources.api,
    calls,
    totalCalls: total,
    callsPerServer: names.length === 0 ? 0 : total / names.length,
    expandedListing: reading?.expandedListing ?? 'not-used',
    ...(reading?.expandedReason !== undefined ? { expandedReason: reading.expandedReason } : {}),
  };
}

/** Runs `work` over `items` with at most `limit` at once; the first non-API error rejects. */
async function pool<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await work(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
}
