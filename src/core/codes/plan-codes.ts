/**
 * Reason codes of plan entries (DESIGN.md section 2), the policy reasons that defer a reinstall,
 * the daemon's refusals, and the problems the planner reports about status records and windows.
 * A plan reason is not an error by itself: `exitCode` applies only when a command ends on it.
 * The entry reasons have a table of their own, PLAN_REASON_CODES: every list of reasons
 * (the plan schema's enum, the holds and limits of the rollout policy) derives from it.
 */
import type { CodeInfo, CodeTable } from './registry.js';

/** What the registry says about a plan reason: a code, and how the rollout policy uses it. */
export interface PlanReasonInfo extends CodeInfo {
  /**
   * How the rollout policy holds a wanted reinstall back with this reason, also when the executor
   * checks again at start: `hold` (suspend, circuit breaker, window, mass-reinstall guard) lasts
   * until the fleet or its policy changes; `limit` (hourly budget, concurrency) frees as tasks end
   * or time passes, so a run with `wait` may wait it out; null for the reasons that are no hold.
   */
  readonly rollout: 'hold' | 'limit' | null;
}

/** The reasons of plan entries, one per server (DESIGN.md section 2): the plan schema's enum. */
export const PLAN_REASON_CODES = {
  'invalid-spec': {
    summary:
      'The spec file is not valid (schema, incompatible OS, template past endOfInstall, missing file or secret).',
    action:
      'Fix the problems `ovh-fleet validate` lists for this file; nothing is done to the server meanwhile.',
    rollout: null,
    exitCode: 1,
    next: 'wait-for-commit',
  },
  'unknown-server': {
    summary: 'The serviceName of the spec is not a server of this OVHcloud account.',
    action: "Correct serviceName (see `ovh-fleet import` for the account's servers) or remove the file.",
    rollout: null,
    exitCode: 1,
    next: 'wait-for-commit',
  },
  protected: {
    summary: 'The spec sets reinstall.protect: true; the server is never reinstalled.',
    action: 'Set reinstall.protect: false to let ovh-fleet reinstall it.',
    rollout: null,
    exitCode: 0,
    next: 'none',
  },
  'task-in-progress': {
    summary: 'A reinstall task runs on the server (started by ovh-fleet or not); it is followed to its end.',
    action: 'Wait for the task to finish; `ovh-fleet status SERVICE` shows its progress.',
    rollout: null,
    exitCode: 0,
    next: 'none',
  },
  adopted: {
    summary:
      'No status record yet and the server already runs the declared OS: recorded as applied, no reinstall.',
    action: 'Nothing to do.',
    rollout: null,
    exitCode: 0,
    next: 'none',
  },
  'spec-changed': {
    summary:
      'The spec digest differs from the last applied one (or, on first sight, the installed OS differs, or is unclear and reinstall.generation is 2 or more): the server is reinstalled.',
    action: 'Review the changes and the disks that will be erased before applying.',
    rollout: null,
    exitCode: 0,
    next: 'none',
  },
  drift: {
    summary: 'The applied spec is unchanged but OVHcloud shows another OS.',
    action:
      'Find who reinstalled the server; set `drift: reinstall` in fleet.yaml to restore the declared OS automatically.',
    rollout: null,
    exitCode: 0,
    next: 'operator',
  },
  'last-attempt-failed': {
    summary: 'The last reinstall at this digest failed; it is not retried until the spec changes.',
    action: 'Read the failure in status/SERVICE.yaml, fix the spec or bump reinstall.generation to retry.',
    rollout: null,
    exitCode: 1,
    next: 'wait-for-commit',
  },
  'window-closed': {
    summary:
      'A reinstall is wanted but no maintenance window is open; it waits for the next opening (notBefore).',
    action: 'Wait for the window, or change rollout.windows in fleet.yaml.',
    rollout: 'hold',
    exitCode: 0,
    next: 'retry',
  },
  'budget-exhausted': {
    summary: 'rollout.maxPerHour reinstalls already started in the last hour.',
    action: 'Wait; the reinstall starts when the rolling hour allows it (notBefore).',
    rollout: 'limit',
    exitCode: 0,
    next: 'retry',
  },
  'concurrency-limit': {
    summary:
      'rollout.maxConcurrent (fleet-wide) or rollout.maxConcurrentPerLabel reinstalls are already in flight.',
    action: 'Wait for running reinstalls to finish; the server falls in a later batch.',
    rollout: 'limit',
    exitCode: 0,
    next: 'retry',
  },
  'circuit-open': {
    summary:
      'rollout.maxFailures failed reinstalls whose spec has not changed since: no new reinstall starts.',
    action:
      "Fix or revert the failed servers' specs (or bump their generation); the breaker closes when fewer failures remain.",
    rollout: 'hold',
    exitCode: 0,
    next: 'wait-for-commit',
  },
  suspended: {
    summary: 'fleet.yaml suspends new reinstalls (suspend.reason set, until not reached).',
    action: 'Clear suspend.reason in fleet.yaml (or wait for suspend.until) to resume.',
    rollout: 'hold',
    exitCode: 0,
    next: 'wait-for-commit',
  },
  'mass-reinstall-guard': {
    summary:
      'The plan would reinstall more than rollout.maxFleetFraction of the managed servers; it reinstalls none.',
    action:
      'Check the change is intended, then add the plan hash shown to acknowledge.massReinstall in fleet.yaml.',
    rollout: 'hold',
    exitCode: 1,
    next: 'operator',
  },
  'rollout-halted': {
    summary:
      "Unhealthy servers (after their reinstall) reached rollout.maxUnhealthy in the server's cohort or fleet-wide, or, with the failed reinstalls, rollout.maxFailures: no new reinstall starts there. The plan names the halt and the servers counted.",
    action:
      'Look at the unhealthy servers (status/SERVICE.yaml, `verification`). Fix the cause and commit a spec change for them (a new digest is a new attempt and leaves the count), or add the `SERVICE@DIGEST` the plan shows to acknowledge.verification in fleet.yaml to accept them as they are.',
    rollout: 'hold',
    exitCode: 0,
    next: 'wait-for-commit',
  },
  'canary-pending': {
    summary:
      "The server's cohort (same template, hardware profile and rollout.cohortLabel value) has canaries that are not ready yet, or a server whose verification was inconclusive: the rest of the cohort waits. The plan names what it waits for.",
    action:
      'Wait for the canaries to become ready. An inconclusive verification needs an operator: check the server, then add the `SERVICE@DIGEST` the plan shows to acknowledge.verification in fleet.yaml.',
    rollout: 'hold',
    exitCode: 0,
    next: 'retry',
  },
  'erasure-unknown': {
    summary:
      'A reinstall is wanted but the hardware was not read (getHardware failed, the server was not observed, or the plan is offline): what it would erase is unknown, so it does not start.',
    action:
      'Nothing usually: the next plan reads the hardware and decides again. If it keeps failing, check the API key may read /dedicated/server/*/specifications/hardware.',
    rollout: null,
    exitCode: 0,
    next: 'retry',
  },
  unmanaged: {
    summary:
      'A status record exists but no spec any more: the server is no longer managed (never reinstalled).',
    action: 'Nothing to do; delete status/SERVICE.yaml to forget the server entirely.',
    rollout: null,
    exitCode: 0,
    next: 'none',
  },
  'os-unknown': {
    summary:
      "OVHcloud's `os` answer is empty or not a catalog template name: it is never taken as evidence of a difference.",
    action:
      'Check the server in the OVHcloud control panel. To reinstall it anyway: with no status record, set reinstall.generation to 2 or more (the reviewed request for a first install); with one, bump reinstall.generation.',
    rollout: null,
    exitCode: 0,
    next: 'operator',
  },
  'in-sync': {
    summary: 'The server runs the applied spec: nothing to do.',
    action: 'Nothing to do.',
    rollout: null,
    exitCode: 0,
    next: 'none',
  },
  'status-record-lost': {
    summary:
      'The status record existed in git history but no valid version can be recovered: no reinstall starts for the server (a lost record never counts as first sight). The daemon records the hold; it lasts until the record is restored or a reviewed commit changes the spec.',
    action:
      'Restore status/SERVICE.yaml from a commit of `git log -- status/SERVICE.yaml`, or change the spec (e.g. bump reinstall.generation) to ask for a reinstall explicitly.',
    rollout: null,
    exitCode: 1,
    next: 'wait-for-commit',
  },
} as const satisfies Readonly<Record<string, PlanReasonInfo>>;

/** The planner's and the daemon's problems with history, signatures, status records and windows: never an entry's reason. */
const PLAN_PROBLEM_CODES = {
  'history-rewritten': {
    summary: 'The last applied revision is no longer an ancestor of the branch head: nothing is applied.',
    action: 'Check the force-push was intended, then run `ovh-fleet ack-rewrite REVISION`.',
    exitCode: 1,
    next: 'operator',
  },
  'signature-invalid': {
    summary:
      'A commit since the last verified head changes the fleet root outside status/ and is not signed by an allowed signer (or the repository cannot be verified): nothing is applied.',
    action:
      'Sign the commit named in the message with a key listed in the allowed signers file (git commit -S with gpg.format=ssh), or revert it in a signed commit.',
    exitCode: 1,
    next: 'wait-for-commit',
  },
  'status-record-invalid': {
    summary:
      'A status/SERVICE.yaml file cannot be read. It never counts as first sight: the last valid version in git history stands in (status-record-recovered), else the server is held (status-record-lost).',
    action:
      'Do not delete the file. Revert the commit that broke it (`git log -- status/SERVICE.yaml`); the daemon also rewrites it from memory or history.',
    exitCode: 1,
    next: 'wait-for-commit',
  },
  'status-record-recovered': {
    summary:
      'status/SERVICE.yaml is missing or unreadable; its last valid version in git history (the commit is named) is used instead, and the daemon commits it back.',
    action:
      'Nothing if the daemon runs; otherwise restore the file from the named commit (`git checkout COMMIT -- status/SERVICE.yaml`).',
    exitCode: 0,
    next: 'none',
  },
  'status-record-untrusted': {
    summary:
      'With verify.allowedSignersFile, a status record differs from the one the daemon wrote (or the daemon never wrote it): the kept record is used and committed again; an unknown one is ignored.',
    action:
      "Nothing: status records are the daemon's. To change what is applied, change the spec in a signed commit.",
    exitCode: 0,
    next: 'none',
  },
  'window-invalid': {
    summary: "A maintenance window's cron expression or time zone cannot be evaluated; it never opens.",
    action: 'Correct rollout.windows in fleet.yaml (node-cron syntax, IANA time zone).',
    exitCode: 64,
    next: 'wait-for-commit',
  },
} as const satisfies CodeTable;

/** Every code of the plan area: the entry reasons and the problems. */
export const PLAN_CODES = { ...PLAN_REASON_CODES, ...PLAN_PROBLEM_CODES } as const satisfies CodeTable;

/** A reason code of a plan entry: one per server, DESIGN.md section 2. */
export type PlanReason = keyof typeof PLAN_REASON_CODES;

/** Every plan reason, in the registry's order. */
export const PLAN_REASONS = Object.keys(PLAN_REASON_CODES) as readonly PlanReason[];

/** The plan reasons whose `rollout` is `role`: the holds or the limits of the rollout policy. */
export function rolloutReasons(role: 'hold' | 'limit'): PlanReason[] {
  return PLAN_REASONS.filter((reason) => PLAN_REASON_CODES[reason].rollout === role);
}
