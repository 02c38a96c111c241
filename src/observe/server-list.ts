/**
 * The expanded server list (`GET /dedicated/server` with `X-Pagination-Mode:
 * CachedObjectList-Pages`, API-NOTES §5.6) as observeFleet uses it: when one read of the whole
 * account costs fewer calls than observing servers one by one, and what the list tells about each
 * server (membership, os, state; never its tasks). Pure functions.
 */
import type { DedicatedServer } from '../ovh/types.js';
import type { Observation } from '../plan/types.js';

/** Objects per page of an expanded listing (the OVHcloud control panel's default page size). */
export const EXPANDED_PAGE_SIZE = 5_000;

/** What observing one server costs at the least when done one by one: getServer and listTasks. */
export const PER_SERVER_CALLS = 2;

/** Pages an expanded listing of `accountSize` servers reads (at least one). */
export function expandedPages(accountSize: number): number {
  return Math.max(1, Math.ceil(accountSize / EXPANDED_PAGE_SIZE));
}

/**
 * Whether reading the expanded list is worth it: observing the `toObserve` servers one by one
 * would cost more calls than the list's pages. `accountSize` is the best estimate at hand (the
 * last list's length, or the number of servers asked about).
 */
export function isListWorthIt(toObserve: number, accountSize: number): boolean {
  return toObserve * PER_SERVER_CALLS > expandedPages(accountSize);
}

/** What a checked expanded list says. */
export interface ServerList {
  /** Every service name the list holds (sorted, once each). */
  names: string[];
  /**
   * Per service name, the observation the list gives: present, its os and state, and no running
   * task (the list says nothing of tasks). A name listed twice, or with a malformed os or state,
   * has none here: that server is observed one by one.
   */
  observations: Map<string, Observation>;
}

const STATES: readonly string[] = ['error', 'hacked', 'hackedBlocked', 'ok'];

/** Reads the objects of an expanded list; an object without a string `name` is dropped. */
export function readServerList(objects: readonly DedicatedServer[]): ServerList {
  const seen = new Map<string, number>();
  for (const object of objects) {
    if (typeof object?.name !== 'string' || object.name === '') continue;
    seen.set(object.name, (seen.get(object.name) ?? 0) + 1);
  }
  const observations = new Map<string, Observation>();
  for (const object of objects) {
    if (typeof object?.name !== 'string' || seen.get(object.name) !== 1) continue;
    if (typeof object.os !== 'string' || !STATES.includes(object.state)) continue;
    observations.set(object.name, {
      presence: 'present',
      os: object.os,
      state: object.state,
      commercialRange: typeof object.commercialRange === 'string' ? object.commercialRange : null,
      runningTask: null,
    });
  }
  return { names: [...seen.keys()].sort(), observations };
}
