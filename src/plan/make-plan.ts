/**
 * makePlan: the pure heart of ovh-fleet. From the specs, the status records, what the API shows
 * and the policy, it gives every server exactly one action and one reason (DESIGN.md section 2),
 * then applies the rollout policy (with the cohort rules: canaries and halts) and the
 * mass-reinstall guard. No I/O, no clock, no logging: equal inputs give equal plans.
 */
import type { Diagnostic } from '../core/diagnostic.js';
import type { StatusRecord } from '../records/types.js';
import { cohortOf, fleetHalted } from './cohorts.js';
import { decideServer } from './decide.js';
import { canonicalJson, sha256Tag } from './digest.js';
import { admitReinstalls, fleetHold, type Candidate, type RolloutState } from './policy/rollout.js';
import { rolloutState } from './rollout-state.js';
import { evaluateWindows } from './policy/windows.js';
import {
  annotateEntries,
  cohortHoldMessage,
  cohortView,
  planCohorts,
  planHalts,
  type CohortView,
} from './rollout-view.js';
import { PLAN_ACTIONS, type Plan, type PlanInput, type PlanServer, type PlanSummary } from './types.js';

const UNKNOWN: { presence: 'unknown' } = { presence: 'unknown' };

/** Computes the plan. See docs/plan.md for the rules in prose. */
export function makePlan(input: PlanInput): Plan {
  const catalog = input.catalog ? new Set(input.catalog) : undefined;
  const invalidNames = new Set(input.invalid.flatMap((i) => (i.serviceName ? [i.serviceName] : [])));
  const decided: PlanServer[] = [];

  for (const entry of input.invalid)
    decided.push(invalidEntry(entry.file, entry.serviceName ?? null, entry.diagnostics));
  const managed = new Set<string>();
  const cohorts = new Map<string, string>();
  for (const spec of input.specs) {
    managed.add(spec.serviceName);
    if (invalidNames.has(spec.serviceName)) {
      decided.push(
        invalidEntry(spec.file, spec.serviceName, [], 'another spec file declares the same serviceName'),
      );
      continue;
    }
    const record = input.applied.get(spec.serviceName);
    const observation = input.observed.get(spec.serviceName) ?? UNKNOWN;
    // Not observed this cycle: the cohort its record kept (a failed call never moves a server out).
    cohorts.set(spec.serviceName, cohortOf(spec, observation, input.policy, record));
    const decision = decideServer(spec, {
      observation,
      record,
      policy: input.policy,
      catalog,
    });
    decided.push(holdIfRecordLost(decision, input.lostRecords?.has(spec.serviceName) ?? false, record));
  }
  for (const [serviceName, record] of input.applied) {
    if (!managed.has(serviceName) && !invalidNames.has(serviceName))
      decided.push(unmanagedEntry(serviceName, record, input));
  }
  decided.sort(compareEntries);
  const decidedKnown = decided.map(deferUnknownErasure);

  const windows = evaluateWindows(input.policy.rollout.windows, input.now);
  const diagnostics: Diagnostic[] = [...input.diagnostics, ...windows.problems.map(windowDiagnostic)];
  const view = cohortView(decidedKnown, cohorts, input.applied, input.policy);
  const state = rolloutState(input, decidedKnown, windows, view);
  const candidates: Candidate[] = decidedKnown
    .filter((s) => s.action === 'reinstall' && s.serviceName !== null)
    .map((s) => ({
      serviceName: s.serviceName as string,
      labels: s.labels,
      cohort: cohorts.get(s.serviceName as string),
    }));
  const hold = fleetHold(input.policy, state, input.now);
  const outranksGuard =
    hold?.reason === 'suspended' || hold?.reason === 'circuit-open' || hold?.reason === 'rollout-halted';
  const finishWith = (verdicts: ReturnType<typeof admitReinstalls>): Plan =>
    finish(decidedKnown, verdicts, input, diagnostics, view, state);

  const lifted = finishWith(admitReinstalls(candidates, input.policy, state, input.now, hold, view.gates));
  const validSpecs = input.specs.filter((s) => !invalidNames.has(s.serviceName)).length;
  // A reinstall held back only because its hardware was not read this cycle still counts: a server
  // the API failed to answer for never lifts the guard for the others (docs/plan.md).
  const wanting = candidates.length + decidedKnown.filter((s) => s.reason === 'erasure-unknown').length;
  const fraction = validSpecs === 0 ? 0 : wanting / validSpecs;
  // Holds, first that applies: suspended > circuit-open > rollout-halted (fleet) > mass-reinstall-guard
  // > window-closed > the cohort rules > the limits. Under the first three nothing starts anyway,
  // and the operator reads what to clear first.
  if (outranksGuard || wanting <= 1 || fraction <= input.policy.rollout.maxFleetFraction) return lifted;
  // What is acknowledged is the plan that would run: the guard lifted and the windows open. So a
  // hash acknowledged while the window is closed lets the rollout start when it opens.
  const openState = { ...state, windows: { open: true, nextOpening: null, problems: [] } };
  const ackHash = planHashOf(
    finishWith(admitReinstalls(candidates, input.policy, openState, input.now, null, view.gates)).servers,
  );
  if (input.policy.acknowledgedPlanHashes.includes(ackHash)) return lifted;
  const message = `would reinstall ${wanting} of ${validSpecs} managed servers (more than ${input.policy.rollout.maxFleetFraction * 100}%); acknowledge plan ${ackHash} to proceed`;
  const guard = { reason: 'mass-reinstall-guard' as const, notBefore: null };
  const plan = finishWith(admitReinstalls(candidates, input.policy, state, input.now, guard, view.gates));
  return {
    ...plan,
    servers: plan.servers.map((s) => (s.reason === 'mass-reinstall-guard' ? { ...s, message } : s)),
  };
}

/**
 * A reinstall whose erasure is unknown (the hardware was not read: a failed getHardware, a
 * server not observed, an offline plan) does not start: the plan must say what it erases. It is
 * deferred with `erasure-unknown`, out of reach of every acknowledgement, and the next plan that
 * reads the hardware decides it again.
 */
function deferUnknownErasure(s: PlanServer): PlanServer {
  if (s.action !== 'reinstall' || s.erases !== null) return s;
  return {
    ...s,
    action: 'deferred',
    reason: 'erasure-unknown',
    message: `${s.message}; held back: erasure-unknown (the hardware was not read, so what would be erased is unknown; retried when it is)`,
  };
}

/**
 * A lost status record never turns into a reinstall: the server is held (`status-record-lost`)
 * while its record cannot be recovered, and while the record the daemon wrote for that hold
 * (reason `status-record-lost`, nothing applied) still names the same digest. A reviewed commit
 * that changes the spec (a new digest) asks for the reinstall explicitly and lifts the hold.
 */
function holdIfRecordLost(entry: PlanServer, lost: boolean, record: StatusRecord | undefined): PlanServer {
  if (entry.action !== 'reinstall') return entry;
  const held =
    lost ||
    (record?.reason === 'status-record-lost' &&
      record.lastApplied === null &&
      record.desiredDigest === entry.digest);
  if (!held) return entry;
  return {
    ...entry,
    action: 'none',
    reason: 'status-record-lost',
    message:
      'the status record was lost and cannot be recovered from git history; restore status/' +
      `${entry.serviceName}.yaml, or change the spec to ask for a reinstall`,
    changes: [],
    erases: [],
  };
}

function finish(
  decided: readonly PlanServer[],
  verdicts: ReturnType<typeof admitReinstalls>,
  input: PlanInput,
  diagnostics: Diagnostic[],
  view: CohortView,
  state: RolloutState,
): Plan {
  const decisions = decided.map((s): PlanServer => {
    const verdict =
      s.serviceName === null || s.action !== 'reinstall' ? undefined : verdicts.get(s.serviceName);
    if (!verdict) return s;
    if (verdict.admitted) return { ...s, batch: verdict.batch };
    const byCohort = verdict.waitsFor !== undefined;
    const cohort = s.serviceName === null ? undefined : view.cohortOf.get(s.serviceName);
    const why = byCohort
      ? cohortHoldMessage(
          verdict.reason,
          cohort === undefined ? undefined : view.gates.get(cohort),
          verdict.waitsFor ?? [],
        )
      : verdict.reason;
    return {
      ...s,
      action: 'deferred',
      reason: verdict.reason,
      message: `${s.message}; held back: ${why}`,
      notBefore: verdict.notBefore === null ? null : new Date(verdict.notBefore).toISOString(),
      batch: verdict.batch,
    };
  });
  const servers = annotateEntries(decisions, view, verdicts);
  const counts = { failures: state.failures, unhealthy: view.unhealthy.length, managed: view.managed };
  return {
    formatVersion: 1,
    planHash: planHashOf(servers),
    revision: input.revision,
    generatedAt: new Date(input.now).toISOString(),
    summary: summarize(servers),
    servers,
    diagnostics,
    halts: planHalts(view, fleetHalted(input.policy, counts), state.failures, input.policy),
    cohorts: planCohorts(view, input.policy),
  };
}

/**
 * sha256 over the decisions only: serviceName, action, reason, digest, batch. An entry is keyed
 * by its serviceName; only an invalid file (which may name no server, or share its name with
 * another file) is keyed by its file too. Renaming or moving a valid spec file leaves the hash as
 * it was, so an acknowledgement by hash survives it.
 */
export function planHashOf(servers: readonly PlanServer[]): string {
  const rows = servers.map((s) => [
    s.serviceName,
    s.reason === 'invalid-spec' ? s.file : null,
    s.action,
    s.reason,
    s.digest,
    s.batch,
  ]);
  // Rows of strings, numbers and nulls only: JSON.stringify writes exactly canonicalJson's text
  // (no object keys to sort), natively. Anything else takes canonicalJson.
  const scalars = rows.every((row) => row.every((v) => v === null || typeof v !== 'object'));
  return sha256Tag(scalars ? JSON.stringify(rows) : canonicalJson(rows));
}

function summarize(servers: readonly PlanServer[]): PlanSummary {
  const summary = Object.fromEntries(PLAN_ACTIONS.map((a) => [a, 0])) as PlanSummary;
  for (const s of servers) summary[s.action]++;
  return summary;
}

function compareEntries(a: PlanServer, b: PlanServer): number {
  return cmp(a.serviceName ?? '', b.serviceName ?? '') || cmp(a.file ?? '', b.file ?? '');
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function invalidEntry(
  file: string,
  serviceName: string | null,
  diagnostics: Diagnostic[],
  why?: string,
): PlanServer {
  const errors = diagnostics.filter((d) => d.severity === 'error');
  const first = errors[0] ?? diagnostics[0];
  const message =
    why ??
    (first
      ? `${first.code}: ${first.message}${errors.length > 1 ? ` (and ${errors.length - 1} more)` : ''}`
      : 'the spec is not valid');
  return {
    serviceName,
    file,
    action: 'invalid',
    reason: 'invalid-spec',
    message,
    digest: null,
    from: null,
    to: null,
    changes: [],
    erases: [],
    notBefore: null,
    batch: null,
    labels: {},
  };
}

function unmanagedEntry(serviceName: string, record: StatusRecord, input: PlanInput): PlanServer {
  const observation = input.observed.get(serviceName);
  const task = observation?.runningTask;
  const base: PlanServer = {
    serviceName,
    file: null,
    action: 'none',
    reason: 'unmanaged',
    message: 'the spec was removed: no longer managed, never reinstalled',
    digest: null,
    from: { operatingSystem: observation?.os || record.observedOs || null },
    to: null,
    changes: [],
    erases: [],
    notBefore: null,
    batch: null,
    labels: {},
  };
  if (!task) return base;
  return {
    ...base,
    action: 'follow',
    reason: 'task-in-progress',
    message: `the spec was removed while reinstall task ${task.taskId} runs: following it to its end, then unmanaged`,
  };
}

function windowDiagnostic(message: string): Diagnostic {
  return { file: 'fleet.yaml', line: 1, column: 1, severity: 'error', code: 'window-invalid', message };
}
