/**
 * What reading the fleet repository produces: typed specs with their source positions and the
 * fleet policy with defaults applied. The planner consumes these; it never sees YAML.
 */
import type { Diagnostic } from '../core/diagnostic.js';
import type { StorageEntry } from '../ovh/types.js';
import type { VerifyPolicy } from './verify-types.js';

/** A position in a repository file (1-based). */
export interface SourcePos {
  file: string;
  line: number;
  column: number;
}

/**
 * A customization value as written in the spec: a literal, a reference to a repository file
 * (`{file: PATH}`, content read at load time), or a secret from the daemon's environment
 * (`{env: NAME}`, resolved only at apply time, never stored, logged or planned).
 */
export type CustomizationValue =
  | { kind: 'literal'; value: string | number | boolean | Record<string, string | FileRef | EnvRef> }
  | FileRef
  | EnvRef;

export interface FileRef {
  kind: 'file';
  /** Repository-relative path, as written. */
  path: string;
  /** The file's content (UTF-8 text). */
  content: string;
  /** sha256 hex of the content: what the digest and the plan show instead of the content. */
  sha256: string;
}

export interface EnvRef {
  kind: 'env';
  /** Environment variable name; only the name takes part in the digest. */
  name: string;
}

/** One `servers/**\/*.yaml` file, valid as far as reading and the schema can tell. */
export interface ServerSpec {
  /** Repository-relative path of the spec file. */
  file: string;
  serviceName: string;
  labels: Record<string, string>;
  operatingSystem: string;
  /** Keyed by input name, in file order. */
  customizations: Record<string, CustomizationValue>;
  storage: StorageEntry[] | undefined;
  reinstall: { generation: number; protect: boolean };
  /** Positions of fields, keyed by JSON pointer (e.g. `/operatingSystem`), for diagnostics. */
  positions: Record<string, SourcePos>;
}

/** A spec file that could not be turned into a ServerSpec: its problems are in the diagnostics. */
export interface InvalidSpec {
  file: string;
  /** When the file got far enough to name its server. */
  serviceName: string | undefined;
}

export interface MaintenanceWindow {
  /** node-cron expression (5 or 6 fields) of the window's start. */
  cron: string;
  /** Milliseconds the window stays open after each start. */
  durationMs: number;
  /** IANA time zone in which the cron expression is read. */
  timezone: string;
}

/**
 * A number of servers given as a count (`3`) or as a fraction of a group (`0.1`, `"10%"`),
 * rounded up: `{fraction: 0.1}` of 25 servers is 3. See {@link amountOf} in src/plan/cohorts.ts.
 */
export type RolloutAmount = { count: number } | { fraction: number };

/** `fleet.yaml` with every default applied (DESIGN.md section 1.2). */
export interface FleetPolicy {
  rollout: {
    maxConcurrent: number;
    maxConcurrentPerLabel: Record<string, number>;
    maxPerHour: number;
    maxFailures: number;
    maxFleetFraction: number;
    /** Empty: reinstalls may start at any time. */
    windows: MaintenanceWindow[];
    /**
     * Canaries per cohort (`rollout.canary`): that many servers of a cohort are reinstalled and
     * must be `ready` before the rest of the cohort starts. Absent or null: no canary phase.
     */
    canary?: RolloutAmount | null;
    /** A label that narrows cohorts (`rollout.cohortLabel`); absent or null: template and hardware only. */
    cohortLabel?: string | null;
    /**
     * `rollout.maxUnhealthy`: after this many `unhealthy` servers (at their current digest, not
     * acknowledged) in a cohort, or fleet-wide, no new reinstall starts there (`rollout-halted`).
     * Absent: {@link DEFAULT_MAX_UNHEALTHY}.
     */
    maxUnhealthy?: { cohort: RolloutAmount; fleet: RolloutAmount };
  };
  drift: 'report' | 'reinstall';
  suspend: { reason: string; until: string | null };
  api: {
    requestsPerMinute: number;
    /**
     * The share of `requestsPerMinute` the daemon may spend when nothing changes (background
     * refresh and the sweep for tasks started elsewhere), so people and other tools keep headroom.
     */
    steadyStateShare: number;
  };
  /** Plan hashes an operator acknowledged past the mass-reinstall guard (`acknowledge.massReinstall`). */
  acknowledgedPlanHashes: string[];
  /**
   * fleet.yaml `verify`: the health checks after a reinstall task ends. Absent when fleet.yaml has
   * no `verify` section: then a server is `ready` as soon as its task is done, as before.
   */
  verify?: VerifyPolicy;
  /**
   * Verification verdicts an operator acknowledged (`acknowledge.verification`), each
   * `<serviceName>@<digest>`: that server's `unhealthy` or `inconclusive` verdict at that digest
   * no longer halts or pauses its cohort or the fleet (it is still never reinstalled at that digest).
   */
  acknowledgedVerifications?: string[];
}

/** `rollout.maxUnhealthy` when fleet.yaml does not set it: a cohort halts at its first unhealthy server. */
export const DEFAULT_MAX_UNHEALTHY: { cohort: RolloutAmount; fleet: RolloutAmount } = {
  cohort: { count: 1 },
  fleet: { count: 2 },
};

export const DEFAULT_POLICY: FleetPolicy = {
  rollout: {
    maxConcurrent: 2,
    maxConcurrentPerLabel: {},
    maxPerHour: 10,
    maxFailures: 2,
    maxFleetFraction: 0.25,
    windows: [],
  },
  drift: 'report',
  suspend: { reason: '', until: null },
  api: { requestsPerMinute: 60, steadyStateShare: 0.5 },
  acknowledgedPlanHashes: [],
};

/** The whole repository as read: what the validator reports and the planner consumes. */
export interface FleetRepository {
  root: string;
  policy: FleetPolicy;
  specs: ServerSpec[];
  invalid: InvalidSpec[];
  diagnostics: Diagnostic[];
}

/**
 * One YAML file of the repository after parsing, before schema validation. `data` is the plain
 * JavaScript value (undefined when the file could not be parsed: its diagnostics say why).
 * `positionOf` maps a JSON pointer into the data back to the file: the value's position, or with
 * `which: 'key'` the position of the key that holds it; for a pointer that does not exist it
 * returns the position of the deepest existing parent. Positions may be computed lazily: most
 * files are valid and never need them.
 */
export interface ParsedFile {
  file: string;
  kind: 'server' | 'fleet';
  data: unknown;
  /** sha256 hex of the raw bytes: the cache key of everything derived from this file. */
  contentHash: string;
  diagnostics: Diagnostic[];
  positionOf(pointer: string, which?: 'key' | 'value'): SourcePos;
}

/**
 * Checks one parsed file (schema, catalog) and returns its problems; supplied by src/validate.
 * `workerRecipe`, when present, says how to build the same validator inside a worker thread, so
 * that readFleet can parse and validate a big cold repository on several cores.
 */
export type FileValidator = ((parsed: ParsedFile) => Diagnostic[]) & {
  readonly workerRecipe?: WorkerRecipe;
};

/**
 * How a worker thread rebuilds a FileValidator: `module` is the file URL of a built JavaScript
 * module exporting `createWorkerValidator(data): FileValidator`, `data` plain structured-cloneable
 * data. The rebuilt validator must return what the original returns for the same file.
 */
export interface WorkerRecipe {
  module: string;
  data: unknown;
}
