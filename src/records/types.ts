/**
 * The status record format: `status/<serviceName>.yaml`, written by the daemon after each cycle
 * and read back by the planner. docs/status-format.md documents every field. Times are ISO 8601
 * UTC strings; a record holds no time that changes when nothing else changed, so an unchanged
 * server makes no diff in git.
 */

/** Where the server stands, for humans and `ovh-fleet status`. */
export type StatusPhase =
  | 'pending' // planned, not started (deferred or waiting for a cycle)
  | 'reinstalling' // a reinstall task runs
  | 'verifying' // the reinstall task ended; health checks run (counts as in flight)
  | 'ready' // runs the applied spec
  | 'unhealthy' // the health checks failed after the reinstall; not retried at this digest
  | 'failed' // the last attempt failed; not retried at this digest
  | 'drifted' // OVHcloud shows another OS than the applied one
  | 'invalid' // the spec cannot be applied
  | 'unmanaged' // no spec any more
  | 'unknown'; // the API's answer does not tell

/** One JSON value of a canonical spec (see CanonicalSpec). */
export type CanonicalValue =
  string | number | boolean | null | CanonicalValue[] | { [key: string]: CanonicalValue };

/**
 * A spec reduced to what decides a reinstall, in the form the digest hashes: `{file}` references
 * become `{"$file": "sha256:<hex>"}` (the content counts, not the path), `{env}` secrets become
 * `{"$env": NAME}` (the name counts, never the value). Keys: operatingSystem, customizations,
 * storage (null when absent), reinstall.generation. Kept in the last applied record so that the
 * next plan can show old values; it never contains a secret's value or a file's content.
 */
export interface CanonicalSpec {
  operatingSystem: string;
  customizations: { [name: string]: CanonicalValue };
  storage: CanonicalValue[] | null;
  reinstall: { generation: number };
}

/** The reinstall task that runs now, as the daemon last saw it. */
export interface TaskProgress {
  id: number;
  /** OVHcloud task status (init, todo, doing, ...). */
  status: string;
  /** 1-based number of the current `install/status` step; null before the first. */
  step: number | null;
  /** Number of steps `install/status` announced; null when unknown. */
  steps: number | null;
  /** Comment of the current step, e.g. "Installing the operating system". */
  currentStep: string | null;
  /** Seconds since the installation began, as OVHcloud reports it (changes while the task runs). */
  elapsedSeconds: number | null;
  startedAt: string;
}

/** The last reinstall that finished successfully (or the adoption that stands for one). */
export interface AppliedRecord {
  /** `sha256:<hex>` of the applied canonical spec. */
  digest: string;
  operatingSystem: string;
  /** planHash of the plan that decided it. */
  planHash: string;
  /** Commit of the spec that was applied. */
  specCommit: string;
  /** OVHcloud task id; null for an adoption. */
  taskId: number | null;
  startedAt: string;
  finishedAt: string;
  /** `done` for a finished reinstall, `adopted` when the server already ran the spec. */
  result: 'done' | 'adopted';
  /** The applied spec in canonical form (no secret values, no file contents). */
  spec: CanonicalSpec;
}

/** The last reinstall ovh-fleet started, whatever its outcome. */
export interface AttemptRecord {
  digest: string;
  result: 'done' | 'failed' | 'running';
  startedAt: string;
  finishedAt: string | null;
  taskId: number | null;
  /** Why it failed (task comment, API error), or null. */
  message: string | null;
}

/**
 * The health checks after a reinstall (DESIGN.md section 2: after a task ends, `verifying`, then
 * `ready` or `unhealthy`). Written by the daemon's verification; read by the planner: a verdict
 * other than `healthy` at the server's current digest is never reinstalled again (like a failed
 * attempt), `running` counts as in flight, `unhealthy` counts toward the halts, `inconclusive`
 * pauses the server's cohort (docs/plan.md, "Canaries and halts").
 */
export interface VerificationRecord {
  /** The digest of the reinstall being verified. */
  digest: string;
  /** `running` while checks go on; then the verdict. `inconclusive`: no check could run at all. */
  result: 'running' | 'healthy' | 'unhealthy' | 'inconclusive';
  startedAt: string;
  /** Null while `running`. */
  finishedAt: string | null;
  /** What decided the verdict (never a secret), or null. */
  message: string | null;
  /**
   * How many rounds ran, and of each outcome, when the verdict was reached. Absent while
   * `running` (the record is not rewritten per round) and in records written before it existed.
   */
  rounds?: VerificationRounds;
  /**
   * The probe results of the round that decided the verdict (the last round), in the order of
   * fleet.yaml. Reasons are short sentences with an address, never a response body or a
   * command's output. Absent while `running`.
   */
  probes?: VerificationProbeResult[];
}

/** Rounds of a verification, by outcome (docs/verification.md, "Rounds and verdicts"). */
export interface VerificationRounds {
  total: number;
  success: number;
  failure: number;
  inconclusive: number;
}

/** One probe's result in the deciding round. */
export interface VerificationProbeResult {
  /** The probe's name in fleet.yaml. */
  probe: string;
  outcome: 'success' | 'failure' | 'inconclusive';
  /** Why it failed or was inconclusive; absent on success. */
  reason?: string;
}

/**
 * The server's part in its cohort's rollout, as the last plan gave it (docs/plan.md, "Canaries
 * and halts"). Written for every managed server whose cohort is known, so that the next plans keep
 * the same canaries, and so that a server the API fails to answer for keeps its cohort (and holds
 * it: its halt, its canary wait) until it is observed again.
 */
export interface RolloutMark {
  /** The cohort key, e.g. `debian12_64/ADVANCE-1/role=web`. */
  cohort: string;
  /** True: one of its cohort's canaries in the rollout under way. */
  canary: boolean;
  /**
   * The hardware profile the cohort was read from (the API's `commercialRange`, or
   * `unknown-hardware`). Absent in records written before it existed (canary marks only).
   */
  profile?: string;
}

/** The last error met for this server (API, apply, spec). */
export interface ErrorRecord {
  code: string;
  message: string;
  at: string;
}

/** The content of one `status/<serviceName>.yaml`. */
export interface StatusRecord {
  serviceName: string;
  phase: StatusPhase;
  /** Reason code of the last plan entry (a code of src/core/codes/plan-codes.ts). */
  reason: string;
  message: string;
  /** When phase or reason last changed (not when the record was last written). */
  since: string;
  /** The spec file and the commit it was read at; null when unmanaged. */
  spec: { file: string; commit: string } | null;
  /** Digest of the spec in git; null when there is no valid spec. */
  desiredDigest: string | null;
  /** `os` as OVHcloud last answered it (may be empty). */
  observedOs: string | null;
  task: TaskProgress | null;
  lastApplied: AppliedRecord | null;
  lastAttempt: AttemptRecord | null;
  /**
   * Start times of the reinstalls ovh-fleet started on this server, newest last; the daemon keeps
   * at least the last 24 hours. `rollout.maxPerHour` counts these over the rolling hour.
   */
  attempts: string[];
  lastError: ErrorRecord | null;
  /** The health checks of the last reinstall; absent (or null) when none ran. Written only when set. */
  verification?: VerificationRecord | null;
  /** The server's cohort and canary mark; absent (or null) when its cohort is not known. Written only when set. */
  rollout?: RolloutMark | null;
}
