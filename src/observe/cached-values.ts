/**
 * The values observeFleet keeps in its cache: their keys, their lifetimes and the checks that
 * turn a cached JSON value back into a typed one (a value of the wrong shape is a miss).
 */
import type { CompatibleTemplates, DedicatedServer, DiskGroup } from '../ovh/types.js';
import type { ObservationCache } from './cache.js';

/**
 * How long each cached answer is used (milliseconds). docs/plan.md, "Observation and caching",
 * explains the choices:
 * - `observation`: a server's `os`/`state` and "no reinstall task runs", reused only for servers
 *   whose spec digest and status record did not change AND for which the plan would do nothing;
 * - `account`: the list of the account's servers (refreshed at once when a spec names a server
 *   the cached list lacks);
 * - `hardware`, `compatibleTemplates`: change rarely (a hardware swap, a new template);
 * - `catalog`: template names and end-of-install dates.
 */
export interface ObserveLifetimes {
  observation: number;
  account: number;
  hardware: number;
  compatibleTemplates: number;
  catalog: number;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** The default lifetimes. */
export const DEFAULT_LIFETIMES: ObserveLifetimes = {
  observation: 15 * MINUTE,
  account: 15 * MINUTE,
  hardware: 24 * HOUR,
  compatibleTemplates: 24 * HOUR,
  catalog: HOUR,
};

/** What is kept of a server's fresh observation. */
export interface CachedServer {
  /** The fingerprint (spec digest + status record) the observation was taken under. */
  fingerprint: string;
  os: string;
  state: DedicatedServer['state'];
  /** The hardware profile of cohorts; an entry without it (an older cache) is not reused. */
  commercialRange: string | null;
  /** Only observations in which no reinstall task ran are kept. */
  runningTask: null;
}

/** Cache keys. */
export const KEYS = {
  catalog: 'catalog',
  account: 'account',
  server: (name: string) => `server/${name}`,
  hardware: (name: string) => `hardware/${name}`,
  compatible: (name: string) => `compatible/${name}`,
  /** The highest reinstall task id of the server known to be finished (finished tasks never change). */
  finishedTask: (name: string) => `finished-task/${name}`,
};

/** Reads a cached value taken less than `lifetime` ago, when `check` accepts its shape. */
export function readFresh<T>(
  cache: ObservationCache,
  key: string,
  now: number,
  lifetime: number,
  check: (value: unknown) => value is T,
): T | undefined {
  const hit = cache.get(key);
  if (!hit || now - hit.at >= lifetime || hit.at > now || !check(hit.value)) return undefined;
  return hit.value;
}

const STATES: readonly string[] = ['error', 'hacked', 'hackedBlocked', 'ok'];

/** Shape check of {@link CachedServer}. */
export function isCachedServer(v: unknown): v is CachedServer {
  return (
    isRecord(v) &&
    typeof v.fingerprint === 'string' &&
    typeof v.os === 'string' &&
    typeof v.state === 'string' &&
    STATES.includes(v.state) &&
    (v.commercialRange === null || typeof v.commercialRange === 'string') &&
    v.runningTask === null
  );
}

/** Shape check of a list of names. */
export function isStringList(v: unknown): v is string[] {
  return Array.isArray(v) && v.every((s) => typeof s === 'string');
}

/** Shape check of the cached catalog: endOfInstall (date or null) by template name. */
export function isEndOfInstallMap(v: unknown): v is Record<string, string | null> {
  return isRecord(v) && Object.values(v).every((d) => d === null || typeof d === 'string');
}

/** Shape check of cached disk groups. */
export function isDiskGroups(v: unknown): v is DiskGroup[] {
  return (
    Array.isArray(v) &&
    v.every(
      (g) =>
        isRecord(g) &&
        typeof g.diskGroupId === 'number' &&
        typeof g.numberOfDisks === 'number' &&
        typeof g.description === 'string' &&
        isRecord(g.diskSize) &&
        typeof g.diskSize.unit === 'string' &&
        typeof g.diskSize.value === 'number' &&
        typeof g.diskType === 'string' &&
        (g.raidController === null || typeof g.raidController === 'string'),
    )
  );
}

/** Shape check of cached compatible templates. */
export function isCompatibleTemplates(v: unknown): v is CompatibleTemplates {
  return isRecord(v) && isStringList(v.ovh) && isStringList(v.personal);
}

/** Shape check of a task id. */
export function isTaskId(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Per-server key prefixes of {@link KEYS}. */
const SERVER_PREFIXES = ['server/', 'hardware/', 'compatible/', 'finished-task/'];

/**
 * Deletes the cached values of servers not in `serviceNames` (servers that left the fleet), so
 * that a long-running daemon's cache does not grow with every server it ever saw.
 */
export function forgetOtherServers(cache: ObservationCache, serviceNames: ReadonlySet<string>): void {
  for (const key of cache.keys()) {
    const prefix = SERVER_PREFIXES.find((p) => key.startsWith(p));
    if (prefix !== undefined && !serviceNames.has(key.slice(prefix.length))) cache.delete(key);
  }
}
