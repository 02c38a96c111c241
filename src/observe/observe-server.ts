/**
 * Observing one server of the account: reuse the cached observation when that is safe, else take
 * the expanded list's observation when with it the plan would do nothing, else getServer and the
 * reinstall task list; then, only for a server the plan may reinstall, its hardware (what will be
 * erased) and its compatible templates (what validation checks).
 */
import type { Clock } from '../core/clock.js';
import { OvhApiError } from '../ovh/errors.js';
import type { OvhApi, RequestPriority } from '../ovh/ovh-api.js';
import { PENDING_TASK_STATUSES } from '../ovh/types.js';
import type { ServerFacts } from '../validate/catalog-facts.js';
import type { Observation, PlanAction, RunningTask } from '../plan/types.js';
import type { ObservationCache } from './cache.js';
import {
  KEYS,
  isCachedServer,
  isCompatibleTemplates,
  isDiskGroups,
  isTaskId,
  readFresh,
  type CachedServer,
  type ObserveLifetimes,
} from './cached-values.js';
import type { ObserveMethod } from './counting-api.js';

/**
 * What the plan would do with a server given an observation and the catalog's template names,
 * before the rollout policy (the shell passes a closure over decideServer).
 */
export type ActionOf = (
  serviceName: string,
  observation: Observation,
  catalog: ReadonlySet<string>,
) => PlanAction;

/** What observing one server needs. */
export interface ServerContext {
  api: Pick<OvhApi, ObserveMethod>;
  cache: ObservationCache;
  clock: Clock;
  priority: RequestPriority;
  lifetimes: ObserveLifetimes;
  catalogNames: ReadonlySet<string>;
  actionOf: ActionOf;
  fingerprints: ReadonlyMap<string, string>;
}

/** The outcome for one server. */
export interface ServerOutcome {
  /** Undefined when a call needed to tell presence, os or running task failed. */
  observation: Observation | undefined;
  /** Validation facts, for a server that may be reinstalled and whose hardware was read. */
  facts: ServerFacts | undefined;
  /** Where the observation came from: the cache, the expanded list, or calls of its own. */
  source: ObservationSource;
  errors: OvhApiError[];
}

/** Where a server's observation came from. */
export type ObservationSource = 'cache' | 'list' | 'api';

/** What observeFleet already knows of a server before calling anything for it. */
export interface KnownObservation {
  /** The reusable cached observation ({@link reusableObservation}). */
  cached: Observation | undefined;
  /** The fresh expanded list's observation, and when the list was read. */
  listed: { observation: Observation; at: number } | undefined;
}

/** The function name of reinstall tasks in `GET …/task?function=`. */
export const REINSTALL_FUNCTION = 'reinstallServer';

/** Observes one server the account holds. Throws only what is not an OvhApiError (a bug). */
export async function observeServer(
  ctx: ServerContext,
  name: string,
  known: KnownObservation,
): Promise<ServerOutcome> {
  const errors: OvhApiError[] = [];
  const fingerprint = ctx.fingerprints.get(name);
  let observation = known.cached;
  let source: ObservationSource = 'cache';
  if (
    !observation &&
    known.listed &&
    ctx.actionOf(name, known.listed.observation, ctx.catalogNames) === 'none'
  ) {
    // The list may only keep a server as it is: any other action is decided on getServer below.
    observation = known.listed.observation;
    source = 'list';
    keep(ctx, name, fingerprint, observation, known.listed.at);
  }
  if (!observation) {
    source = 'api';
    try {
      observation = await observeFresh(ctx, name, fingerprint);
    } catch (error) {
      if (!(error instanceof OvhApiError)) throw error;
      return { observation: undefined, facts: undefined, source, errors: [error] };
    }
  }
  if (
    observation.presence !== 'present' ||
    ctx.actionOf(name, observation, ctx.catalogNames) !== 'reinstall'
  ) {
    return { observation, facts: undefined, source, errors };
  }
  // May be reinstalled: what it erases, and whether the declared OS may be installed at all.
  const [hardware, compatible] = await Promise.all([
    cachedRead(ctx, KEYS.hardware(name), ctx.lifetimes.hardware, isDiskGroups, async () => {
      const answer = await ctx.api.getHardware(name, { priority: ctx.priority });
      return answer.diskGroups;
    }).catch((e: unknown) => failed(e, errors)),
    cachedRead(ctx, KEYS.compatible(name), ctx.lifetimes.compatibleTemplates, isCompatibleTemplates, () =>
      ctx.api.getCompatibleTemplates(name, { priority: ctx.priority }),
    ).catch((e: unknown) => failed(e, errors)),
  ]);
  const full: Observation = {
    ...observation,
    ...(hardware ? { diskGroups: hardware } : {}),
    ...(compatible ? { compatibleTemplates: compatible } : {}),
  };
  const facts: ServerFacts | undefined =
    hardware && compatible
      ? {
          compatibleTemplates: [...compatible.ovh, ...compatible.personal],
          diskGroups: hardware.map((g) => ({
            diskGroupId: g.diskGroupId,
            numberOfDisks: g.numberOfDisks,
            raidController: g.raidController,
            description: g.description,
          })),
        }
      : undefined;
  return { observation: full, facts, source, errors };
}

/**
 * The cached observation, when: taken under the same fingerprint, within its lifetime, no task
 * ran then, and with it the plan would do nothing (`none`). Anything else is observed fresh, so a
 * stale answer can only keep a server as it is, never start a reinstall or an adoption.
 */
export function reusableObservation(
  ctx: ServerContext,
  name: string,
  fingerprint: string | undefined,
): Observation | undefined {
  if (fingerprint === undefined) return undefined;
  const now = ctx.clock.now();
  const cached = readFresh(ctx.cache, KEYS.server(name), now, ctx.lifetimes.observation, isCachedServer);
  if (!cached || cached.fingerprint !== fingerprint) return undefined;
  const observation: Observation = {
    presence: 'present',
    os: cached.os,
    state: cached.state,
    commercialRange: cached.commercialRange,
    runningTask: null,
  };
  return ctx.actionOf(name, observation, ctx.catalogNames) === 'none' ? observation : undefined;
}

async function observeFresh(
  ctx: ServerContext,
  name: string,
  fingerprint: string | undefined,
): Promise<Observation> {
  const at = ctx.clock.now();
  let server;
  try {
    server = await ctx.api.getServer(name, { priority: ctx.priority });
  } catch (error) {
    // Listed by listServers a moment ago but gone now: not in the account.
    if (error instanceof OvhApiError && error.disposition === 'not-found') {
      ctx.cache.delete(KEYS.server(name));
      return { presence: 'absent' };
    }
    throw error;
  }
  const runningTask = await findRunningTask(ctx, name);
  const observation: Observation = {
    presence: 'present',
    os: server.os,
    state: server.state,
    commercialRange: typeof server.commercialRange === 'string' ? server.commercialRange : null,
    runningTask,
  };
  keep(ctx, name, fingerprint, observation, at);
  return observation;
}

/**
 * Keeps an observation taken at `at` for the warm path: only under a fingerprint and when no task
 * is known to run; otherwise forgets the server's cached observation.
 */
function keep(
  ctx: ServerContext,
  name: string,
  fingerprint: string | undefined,
  observation: Observation,
  at: number,
): void {
  const { os, state, runningTask, commercialRange } = observation;
  if (
    fingerprint !== undefined &&
    os !== undefined &&
    state !== undefined &&
    commercialRange !== undefined &&
    runningTask === null
  ) {
    const kept: CachedServer = { fingerprint, os, state, commercialRange, runningTask: null };
    ctx.cache.set(KEYS.server(name), kept, at);
  } else {
    ctx.cache.delete(KEYS.server(name));
  }
}

/**
 * The reinstall task that runs on the server, or null. OVHcloud runs one reinstall at a time per
 * server (a second gets TaskAlreadyExists), so only the newest reinstall task can be running (the
 * rule Ansible's ovh module uses): it alone is read, and not even that when the cache already
 * knows it finished (a finished task never changes).
 */
async function findRunningTask(ctx: ServerContext, name: string): Promise<RunningTask | null> {
  const ids = await ctx.api.listTasks(name, { function: REINSTALL_FUNCTION }, { priority: ctx.priority });
  if (ids.length === 0) return null;
  const newest = Math.max(...ids);
  const finished = ctx.cache.get(KEYS.finishedTask(name));
  if (finished && isTaskId(finished.value) && finished.value === newest) return null;
  const task = await ctx.api.getTask(name, newest, { priority: ctx.priority });
  if (PENDING_TASK_STATUSES.includes(task.status)) {
    return { taskId: task.taskId, status: task.status, startDate: task.startDate };
  }
  ctx.cache.set(KEYS.finishedTask(name), task.taskId, ctx.clock.now());
  return null;
}

async function cachedRead<T>(
  ctx: ServerContext,
  key: string,
  lifetime: number,
  check: (v: unknown) => v is T,
  read: () => Promise<T>,
): Promise<T> {
  const now = ctx.clock.now();
  const hit = readFresh(ctx.cache, key, now, lifetime, check);
  if (hit !== undefined) return hit;
  const value = await read();
  ctx.cache.set(key, value, now);
  return value;
}

function failed(error: unknown, errors: OvhApiError[]): undefined {
  if (!(error instanceof OvhApiError)) throw error;
  errors.push(error);
  return undefined;
}
