/**
 * The planner's input and output. `makePlan(PlanInput) -> Plan` is pure; the Plan is a value that
 * can be rendered (text, markdown, JSON), hashed and compared. Its JSON form is the stable,
 * versioned document of DESIGN.md section 3 (schema: plan-schema.ts).
 */
import type { PlanReason } from '../core/codes/plan-codes.js';
import type { Diagnostic } from '../core/diagnostic.js';
import type {
  CompatibleTemplates,
  DedicatedServer,
  DiskGroup,
  TaskStatus,
  UnitAndValue,
} from '../ovh/types.js';
import type { FleetPolicy, ServerSpec } from '../specs/types.js';
import type { StatusRecord } from '../records/types.js';

export type { PlanReason } from '../core/codes/plan-codes.js';

/** What the plan does with a server. */
export type PlanAction = 'reinstall' | 'adopt' | 'follow' | 'none' | 'deferred' | 'invalid';

/** Every action, in the order summaries and renderers list them. */
export const PLAN_ACTIONS: readonly PlanAction[] = [
  'reinstall',
  'adopt',
  'follow',
  'deferred',
  'invalid',
  'none',
];

/** A reinstall task OVHcloud runs on the server now (status init, todo or doing). */
export interface RunningTask {
  taskId: number;
  status: TaskStatus;
  startDate: string;
}

/**
 * What the OVHcloud API shows about one server, gathered by observe.ts. Fields are undefined when
 * not observed (offline plan, or the call failed); the planner never treats "unknown" as a
 * difference.
 */
export interface Observation {
  /** `present`: in the account; `absent`: the API answered 404; `unknown`: not asked (offline). */
  presence: 'present' | 'absent' | 'unknown';
  /** `os` as the API answered it; may be empty or a name the catalog does not know. */
  os?: string;
  state?: DedicatedServer['state'];
  /**
   * The server's `commercialRange` (e.g. `advance`): its hardware profile for cohorts (docs/plan.md,
   * "Canaries and halts"). null: the API answered none; undefined: not observed.
   */
  commercialRange?: string | null;
  /** null: observed, none runs; undefined: not observed. */
  runningTask?: RunningTask | null;
  /** The hardware's disk groups: what a reinstall erases. */
  diskGroups?: DiskGroup[];
  compatibleTemplates?: CompatibleTemplates;
}

/** A spec file that could not be turned into a valid spec (its problems are in the diagnostics). */
export interface InvalidEntry {
  file: string;
  serviceName?: string | undefined;
  diagnostics: Diagnostic[];
}

/** Everything makePlan looks at. Nothing else: no clock, no I/O. */
export interface PlanInput {
  /** Valid specs. */
  specs: ServerSpec[];
  /** Invalid spec files; a valid spec whose serviceName is also here is treated as invalid too. */
  invalid: InvalidEntry[];
  policy: FleetPolicy;
  /** Per serviceName; a missing entry means presence `unknown`. */
  observed: ReadonlyMap<string, Observation>;
  /** Valid status records per serviceName (corrupted ones are left out, with a diagnostic). */
  applied: ReadonlyMap<string, StatusRecord>;
  /**
   * Servers whose status record existed in git but cannot be recovered (recover-records.ts): a
   * reinstall of theirs is held as `status-record-lost`, never decided as first sight.
   */
  lostRecords?: ReadonlySet<string>;
  /** Template names of the catalog; undefined when not observed (then any non-empty os counts as known). */
  catalog?: readonly string[] | undefined;
  /** Milliseconds since the epoch: the instant the plan is made for. */
  now: number;
  /** Git commit of the specs. */
  revision: string;
  /** Diagnostics of reading and validation, copied into the plan. */
  diagnostics: Diagnostic[];
}

/** One changed field of a reinstall. Secret values and file contents never appear. */
export interface PlanChange {
  /** JSON pointer into the spec, e.g. `/customizations/hostname`. */
  path: string;
  /** Display value before (from the last applied record, or the observed OS); null when absent. */
  from: unknown;
  /** Display value after; null when removed. */
  to: unknown;
}

/** A disk group a reinstall erases. */
export interface PlanErasure {
  diskGroupId: number;
  /** As OVHcloud describes it, e.g. "2 X Disk SSD 480 GB, JBOD". */
  description: string;
  numberOfDisks: number;
  diskSize: UnitAndValue;
}

/** The plan entry of one server (or of one invalid file that names none). */
export interface PlanServer {
  /** null only for an invalid file that does not name its server. */
  serviceName: string | null;
  /** Spec file; null for an unmanaged server. */
  file: string | null;
  action: PlanAction;
  reason: PlanReason;
  message: string;
  /** Desired digest (`sha256:<hex>`); null without a valid spec. */
  digest: string | null;
  from: { operatingSystem: string | null } | null;
  to: { operatingSystem: string } | null;
  /** Non-empty only for reinstall and deferred entries. */
  changes: PlanChange[];
  /** What a reinstall erases; null when the hardware was not observed (then: every disk). */
  erases: PlanErasure[] | null;
  /** ISO time before which a deferred reinstall cannot start, when known. */
  notBefore: string | null;
  /** Rollout batch of a reinstall or deferred entry (1 = now); null otherwise. */
  batch: number | null;
  labels: Record<string, string>;
  /**
   * Cohort key (`<template>/<hardware profile>[/<label>=<value>]`) of a server with a valid spec;
   * null otherwise. makePlan always sets it; optional for plans built elsewhere.
   */
  cohort?: string | null;
  /** One of its cohort's canaries in a rollout under way (the status record keeps the mark). */
  canary?: boolean;
  /** With `canary-pending`: the servers it waits for (canaries not ready, inconclusive ones). */
  waitsFor?: string[];
}

/**
 * A halt (`rollout-halted`) or a pause (an inconclusive verification: `canary-pending`), fleet-wide
 * or of one cohort. Shown at the top of every rendering.
 */
export interface PlanHalt {
  scope: 'fleet' | 'cohort';
  /** The cohort key; null for the fleet. */
  cohort: string | null;
  reason: 'rollout-halted' | 'canary-pending';
  message: string;
  /** The servers counted (unhealthy, or inconclusive for a pause), sorted. */
  servers: string[];
  /** What to add to `acknowledge.verification` in fleet.yaml to accept them as they are. */
  acknowledge: string[];
}

/** A cohort with a rollout under way, a halt or a pause. */
export interface PlanCohort {
  cohort: string;
  /** Managed servers in the cohort. */
  servers: number;
  /** Servers that want a reinstall (started now or deferred). */
  candidates: number;
  canaries: string[];
  /** What the cohort's waiting servers wait for. */
  waitsFor: string[];
  /** `canaries`: only canaries start; `proceeding`: canaries ready (or none asked); `halted`; `paused`. */
  state: 'canaries' | 'proceeding' | 'halted' | 'paused';
}

/** Count of servers per action. */
export type PlanSummary = Record<PlanAction, number>;

/** A plan: the document of DESIGN.md section 3. Must NOT be used as the record of what was applied. */
export interface Plan {
  formatVersion: 1;
  /** sha256 over the decisions only (serviceName, action, reason, digest, batch; the file only for an invalid one). */
  planHash: string;
  revision: string;
  /** ISO time of `now`; the only field that differs between plans of equal inputs made at different times. */
  generatedAt: string;
  summary: PlanSummary;
  /** Sorted by serviceName, then file. */
  servers: PlanServer[];
  diagnostics: Diagnostic[];
  /** Halts and pauses (docs/plan.md, "Canaries and halts"); makePlan always sets it. */
  halts?: PlanHalt[];
  /** Cohorts with a halt or a pause, or (with rollout.canary) candidates, sorted by key; makePlan always sets it. */
  cohorts?: PlanCohort[];
}
