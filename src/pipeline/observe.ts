/**
 * The observe stage of the pipeline: what the OVHcloud API shows about every server the loaded
 * specs and records name (through the observation cache), or nothing at all offline. Each server
 * is observed as deeply as the plan may need it (decideServer on a loaded spec).
 */
import type { Clock } from '../core/clock.js';
import type { OvhApi } from '../ovh/ovh-api.js';
import { decideServer } from '../plan/decide.js';
import { specDigest } from '../plan/digest.js';
import type { ObservationCache } from '../observe/cache.js';
import { forgetOtherServers, type ObserveLifetimes } from '../observe/cached-values.js';
import { observeFleet, type ObserveResult } from '../observe/observe-fleet.js';
import type { AppliedRecords } from '../records/read-records.js';
import type { Observation, PlanAction } from '../plan/types.js';
import type { FleetRepository, ServerSpec } from '../specs/types.js';
import type { Loaded } from './load.js';

/** What {@link observeLoaded} needs besides the loaded repository. */
export interface ObserveStageOptions {
  /** The API; undefined for an offline plan (nothing is called). */
  api: OvhApi | undefined;
  /** Where observations are kept between plans; the caller flushes it. */
  cache: ObservationCache;
  clock: Clock;
  lifetimes?: Partial<ObserveLifetimes>;
  concurrency?: number;
  /** Servers observed with their own calls, never from the cache or the expanded list. */
  observeOneByOne?: ReadonlySet<string>;
}

/** What the API showed, and whether it was asked at all. */
export interface Observed {
  observation: ObserveResult;
  offline: boolean;
}

/** Observes every server the loaded specs (valid or not) and records name. */
export async function observeLoaded(loaded: Loaded, options: ObserveStageOptions): Promise<Observed> {
  const { api, clock } = options;
  const { fleet, records } = loaded;
  const offline = api === undefined;
  const names = serversToObserve(fleet, records);
  const observation = await observeFleet(api ?? offlineApi(), names, {
    cache: options.cache,
    clock,
    offline,
    fingerprints: fingerprintsOf(fleet, records),
    actionOf: actionOfFor(fleet, records),
    ...(options.lifetimes ? { lifetimes: options.lifetimes } : {}),
    ...(options.concurrency ? { concurrency: options.concurrency } : {}),
    ...(options.observeOneByOne ? { observeOneByOne: options.observeOneByOne } : {}),
  });
  if (!offline) forgetOtherServers(options.cache, new Set(names));
  return { observation, offline };
}

/** Every server a spec names (valid or not) and every server with a record. */
function serversToObserve(fleet: FleetRepository, records: AppliedRecords): string[] {
  const names = new Set<string>(records.applied.keys());
  for (const spec of fleet.specs) names.add(spec.serviceName);
  for (const i of fleet.invalid) if (i.serviceName) names.add(i.serviceName);
  return [...names];
}

/** Per server: the spec's digest (or its absence or invalidity) and the record file's hash. */
function fingerprintsOf(fleet: FleetRepository, records: AppliedRecords): Map<string, string> {
  const out = new Map<string, string>();
  const record = (name: string): string => records.hashes.get(name) ?? 'no-record';
  for (const name of records.applied.keys()) out.set(name, `unmanaged|${record(name)}`);
  for (const i of fleet.invalid)
    if (i.serviceName) out.set(i.serviceName, `invalid|${record(i.serviceName)}`);
  const invalidNames = new Set(fleet.invalid.map((i) => i.serviceName));
  for (const spec of fleet.specs) {
    if (!invalidNames.has(spec.serviceName))
      out.set(spec.serviceName, `${specDigest(spec)}|${record(spec.serviceName)}`);
  }
  return out;
}

/**
 * What the plan would do with a server given an observation: decideServer for a valid spec;
 * `follow` or `none` for a server whose spec is invalid or gone (neither is ever reinstalled).
 * A server whose record says a reinstall attempt runs is never `none`: it is observed on the server
 * itself (its tasks read), never taken from a cached or listed observation, which say nothing of
 * tasks (a spec removed while its reinstall runs, a failed attempt retried outside ovh-fleet).
 */
function actionOfFor(fleet: FleetRepository, records: AppliedRecords) {
  const specs = new Map<string, ServerSpec>();
  const invalidNames = new Set(fleet.invalid.map((i) => i.serviceName));
  for (const spec of fleet.specs) if (!invalidNames.has(spec.serviceName)) specs.set(spec.serviceName, spec);
  return (name: string, observation: Observation, catalog: ReadonlySet<string>): PlanAction => {
    const record = records.applied.get(name);
    const spec = specs.get(name);
    const action = spec
      ? decideServer(spec, { observation, record, policy: fleet.policy, catalog }).action
      : observation.runningTask
        ? 'follow'
        : 'none';
    const attemptRuns = record?.lastAttempt?.result === 'running';
    return action === 'none' && attemptRuns && !observation.runningTask ? 'follow' : action;
  };
}

/** Stands in for the API of an offline plan: observeFleet never calls it then. */
function offlineApi(): OvhApi {
  const refuse = (): never => {
    throw new Error('offline: the OVHcloud API must not be called');
  };
  return {
    listServers: refuse,
    listServersExpanded: refuse,
    listTasksExpanded: refuse,
    getServer: refuse,
    getCompatibleTemplates: refuse,
    getHardware: refuse,
    listTemplateInfos: refuse,
    getTemplate: refuse,
    reinstall: refuse,
    listTasks: refuse,
    getTask: refuse,
    getInstallProgress: refuse,
    getApiTime: refuse,
  };
}
