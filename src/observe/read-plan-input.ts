/**
 * readPlanInput: the I/O shell in front of the pure makePlan. Reads the repository twice (the
 * second read reuses the first one's parsing through a ReadCache): first with the schema-only
 * validator, to know the specs and what each server may need; then, after observing the API,
 * with the validator that also checks the API's facts (catalog dates, account, compatibility and
 * disk groups of the servers that may be reinstalled). Offline, the first read is the last.
 */
import type { Clock } from '../core/clock.js';
import type { Diagnostic } from '../core/diagnostic.js';
import type { SecretRule } from '../core/secret-rule.js';
import type { OvhApi } from '../ovh/ovh-api.js';
import { ReadCache } from '../specs/read-cache.js';
import { readFleet } from '../specs/read-fleet.js';
import type { FleetPolicy, FleetRepository, ServerSpec } from '../specs/types.js';
import { createFileValidator } from '../validate/file-validator.js';
import { loadSchemas } from '../validate/schema-files.js';
import { decideServer } from '../plan/decide.js';
import { specDigest } from '../plan/digest.js';
import {
  readApplied,
  STATUS_DIR,
  type AppliedRecordCache,
  type AppliedRecords,
} from '../records/read-records.js';
import { recoverLostRecords, type RecordHistory } from '../plan/recover-records.js';
import type { InvalidEntry, Observation, PlanAction, PlanInput } from '../plan/types.js';
import type { ObservationCache } from './cache.js';
import { forgetOtherServers, type ObserveLifetimes } from './cached-values.js';
import { observeFleet, type ObserveResult } from './observe-fleet.js';

/** Options of {@link readPlanInput}. */
export interface ReadPlanInputOptions {
  repo: string;
  /** The API; undefined for an offline plan (nothing is called). */
  api: OvhApi | undefined;
  /** Where observations are kept between plans; the caller flushes it. */
  cache: ObservationCache;
  clock: Clock;
  /** Git commit of the specs (or a placeholder outside git). */
  revision: string;
  /** Keeps parsing between reads (a long-running process passes the same one every cycle). */
  readCache?: ReadCache;
  /**
   * `false`: read every file in this thread. The daemon reads cold once per process, and worker
   * threads (each its own V8 heap, compiling the schemas again) would set its memory peak.
   */
  parallel?: false;
  /** Keeps parsed status records between reads (same: the daemon passes one for its lifetime). */
  recordCache?: AppliedRecordCache;
  /**
   * Git history of the status records: a missing or unreadable record of a managed server is
   * taken from its last valid version, or the server is held (recover-records.ts). Without it, a
   * missing record is first sight (outside git only).
   */
  recordHistory?: RecordHistory;
  lifetimes?: Partial<ObserveLifetimes>;
  concurrency?: number;
  /** Which variables `{env}` references may name (default FLEET_SECRET_*). */
  secrets?: SecretRule;
  /**
   * Called with the fleet policy as soon as fleet.yaml is read, before the API is observed (the
   * daemon sets its request budget from `api.requestsPerMinute` there).
   */
  onPolicy?: (policy: FleetPolicy) => void;
}

/** The planner's input and what observing cost. */
export interface GatheredPlanInput {
  input: PlanInput;
  observation: ObserveResult;
  /** Number of API calls that failed (each is also an error diagnostic of the plan). */
  apiErrors: number;
  /** Servers whose record was taken from git history (the daemon commits them back). */
  recoveredRecords: ReadonlyMap<string, string>;
}

/** Reads specs and status records, observes the API, and assembles the PlanInput. */
export async function readPlanInput(options: ReadPlanInputOptions): Promise<GatheredPlanInput> {
  const { repo, api, clock } = options;
  const readCache = options.readCache ?? new ReadCache();
  const { schemas } = loadSchemas(repo);
  const parallel = {
    ...(options.parallel === false ? { parallel: false as const } : {}),
    ...(options.secrets ? { secrets: options.secrets } : {}),
  };
  const first = await readFleet(repo, {
    validate: createFileValidator(schemas),
    cache: readCache,
    ...parallel,
  });
  const records = await readApplied(repo, options.recordCache);
  if (options.recordHistory) {
    await recoverLostRecords(
      records,
      first.specs.map((s) => s.serviceName),
      options.recordHistory,
    );
  }
  const now = clock.now();
  const offline = api === undefined;
  options.onPolicy?.(first.policy);

  const names = serversToObserve(first, records);
  const observation = await observeFleet(api ?? offlineApi(), names, {
    cache: options.cache,
    clock,
    offline,
    fingerprints: fingerprintsOf(first, records),
    actionOf: actionOfFor(first, records),
    ...(options.lifetimes ? { lifetimes: options.lifetimes } : {}),
    ...(options.concurrency ? { concurrency: options.concurrency } : {}),
  });

  if (!offline) forgetOtherServers(options.cache, new Set(names));
  const fleet = observation.facts
    ? await readFleet(repo, {
        validate: createFileValidator(schemas, observation.facts, { now }),
        cache: readCache,
        ...parallel,
      })
    : first;
  const apiDiagnostics = observation.errors.map((e): Diagnostic => {
    const file = fileOf(fleet, records, e.serviceName);
    const where = `${e.error.method} ${e.error.path}${e.error.status === undefined ? '' : ` (HTTP ${e.error.status})`}`;
    return {
      file,
      line: 1,
      column: 1,
      severity: 'error',
      code: e.error.code,
      message: `observing ${e.serviceName ?? 'the account'}: ${where}: ${e.error.message}`,
    };
  });
  const diagnostics = [...fleet.diagnostics, ...records.diagnostics, ...apiDiagnostics];
  const invalid: InvalidEntry[] = fleet.invalid.map((i) => ({
    file: i.file,
    serviceName: i.serviceName,
    diagnostics: fleet.diagnostics.filter((d) => d.file === i.file),
  }));
  const input: PlanInput = {
    specs: fleet.specs,
    invalid,
    policy: fleet.policy,
    observed: observation.observed,
    applied: records.applied,
    lostRecords: records.lost,
    catalog: observation.catalog,
    now,
    revision: options.revision,
    diagnostics,
  };
  return { input, observation, apiErrors: observation.errors.length, recoveredRecords: records.recovered };
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
 */
function actionOfFor(fleet: FleetRepository, records: AppliedRecords) {
  const specs = new Map<string, ServerSpec>();
  const invalidNames = new Set(fleet.invalid.map((i) => i.serviceName));
  for (const spec of fleet.specs) if (!invalidNames.has(spec.serviceName)) specs.set(spec.serviceName, spec);
  return (name: string, observation: Observation, catalog: ReadonlySet<string>): PlanAction => {
    const spec = specs.get(name);
    if (!spec) return observation.runningTask ? 'follow' : 'none';
    return decideServer(spec, {
      observation,
      record: records.applied.get(name),
      policy: fleet.policy,
      catalog,
    }).action;
  };
}

function fileOf(fleet: FleetRepository, records: AppliedRecords, name: string | null): string {
  if (name === null) return 'fleet.yaml';
  const spec =
    fleet.specs.find((s) => s.serviceName === name) ?? fleet.invalid.find((i) => i.serviceName === name);
  if (spec) return spec.file;
  return records.applied.has(name) ? `${STATUS_DIR}/${name}.yaml` : 'fleet.yaml';
}

/** Stands in for the API of an offline plan: observeFleet never calls it then. */
function offlineApi(): OvhApi {
  const refuse = (): never => {
    throw new Error('offline: the OVHcloud API must not be called');
  };
  return {
    listServers: refuse,
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
