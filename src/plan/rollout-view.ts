/**
 * The planner's side of cohorts, canaries and halts (rules: cohorts.ts): the cohort members of
 * the decided entries, the servers verifying (in flight), and what the plan shows — each entry's
 * cohort, canary mark and what it waits for, the halts and the cohorts. Pure.
 */
import type { StatusRecord } from '../records/types.js';
import type { FleetPolicy } from '../specs/types.js';
import {
  amountOf,
  cohortGates,
  maxUnhealthyOf,
  memberState,
  taskJustEnded,
  templateOf,
  verificationAck,
  verificationOf,
  type CohortGate,
  type CohortMember,
} from './cohorts.js';
import type { Admission } from './policy/rollout.js';
import type { PlanCohort, PlanHalt, PlanServer } from './types.js';

/** What the planner knows of the cohorts. */
export interface CohortView {
  gates: Map<string, CohortGate>;
  /** Cohort per managed server. */
  cohortOf: ReadonlyMap<string, string>;
  /** Unhealthy servers fleet-wide (each with its digest), sorted. */
  unhealthy: { serviceName: string; digest: string }[];
  /** Managed servers with a cohort. */
  managed: number;
}

/**
 * The members of the cohorts from entries as decided (before the policy: `reinstall` wanted,
 * `follow` a running task) or as planned (`deferred` for a reason other than `erasure-unknown` is
 * wanted too): the executor's re-check reads a plan, the planner its decisions; both call this.
 */
export function cohortView(
  entries: readonly PlanServer[],
  cohortOf: ReadonlyMap<string, string>,
  records: ReadonlyMap<string, StatusRecord>,
  policy: FleetPolicy,
): CohortView {
  const acknowledged = new Set(policy.acknowledgedVerifications ?? []);
  const members: CohortMember[] = [];
  for (const e of entries) {
    const cohort = e.serviceName === null ? undefined : cohortOf.get(e.serviceName);
    if (e.serviceName === null || e.digest === null || cohort === undefined) continue;
    const record = records.get(e.serviceName);
    const wanted = e.action === 'reinstall' || (e.action === 'deferred' && e.reason !== 'erasure-unknown');
    const state = memberState({
      serviceName: e.serviceName,
      digest: e.digest,
      wanted,
      wantedLater: e.action === 'deferred' && e.reason === 'erasure-unknown',
      following: e.action === 'follow',
      record,
      acknowledged,
    });
    const marked = record?.rollout?.canary === true && record.rollout.cohort === cohort;
    members.push({ serviceName: e.serviceName, cohort, digest: e.digest, state, marked });
  }
  const gates = cohortGates(members, policy);
  const unhealthy = [...gates.values()]
    .flatMap((g) => g.unhealthy)
    .sort((a, b) => cmp(a.serviceName, b.serviceName));
  return { gates, cohortOf, unhealthy, managed: members.length };
}

/**
 * Servers whose verification runs (a record `verifying`, or `verification.result: running`), or
 * whose task just ended before a status commit says what follows ({@link taskJustEnded}), and
 * that no running task already counts: in flight for `maxConcurrent`, whatever their digest.
 */
export function verifyingServers(records: ReadonlyMap<string, StatusRecord>): string[] {
  const names: string[] = [];
  for (const [name, record] of records)
    if (verificationOf(record)?.result === 'running' || taskJustEnded(record)) names.push(name);
  return names.sort(cmp);
}

/** Each entry with its cohort, canary mark and, when held by a cohort rule, what it waits for. */
export function annotateEntries(
  servers: readonly PlanServer[],
  view: CohortView,
  verdicts: ReadonlyMap<string, Admission>,
): PlanServer[] {
  return servers.map((s) => {
    const cohort = s.serviceName === null ? undefined : view.cohortOf.get(s.serviceName);
    if (s.serviceName === null || cohort === undefined)
      return { ...s, cohort: null, canary: false, waitsFor: [] };
    const gate = view.gates.get(cohort);
    const canary = gate !== undefined && gate.candidates > 0 && gate.canarySet.has(s.serviceName);
    const verdict = verdicts.get(s.serviceName);
    const waitsFor = s.action === 'deferred' && verdict && !verdict.admitted ? (verdict.waitsFor ?? []) : [];
    return { ...s, cohort, canary, waitsFor };
  });
}

/** The message of an entry held by a cohort rule. */
export function cohortHoldMessage(
  reason: string,
  gate: CohortGate | undefined,
  waitsFor: readonly string[],
): string {
  if (!gate) return reason;
  if (reason === 'rollout-halted' && !gate.halted) {
    return `rollout-halted (cohort ${gate.cohort}: ${unobservedText(gate)})`;
  }
  if (reason === 'rollout-halted') {
    return `rollout-halted (cohort ${gate.cohort}: ${gate.unhealthy.length} unhealthy, limit ${gate.maxUnhealthy})`;
  }
  return `canary-pending (cohort ${gate.cohort} waits for ${waitsFor.join(', ') || 'its canaries'})`;
}

/** The unhealthy servers of unknown cohort that halt `gate` (not observed, no cohort recorded). */
function unobservedText(gate: CohortGate): string {
  const names = gate.unobserved.filter((u) => u.halts).map((u) => u.serviceName);
  return `${names.join(', ')} unhealthy, not observed this cycle and of unknown cohort: every ${templateOf(gate.cohort)} cohort waits until observed`;
}

/** The halts and pauses of the plan: fleet-wide first, then per cohort in key order. */
export function planHalts(
  view: CohortView,
  fleetHalt: boolean,
  failures: number,
  policy: FleetPolicy,
): PlanHalt[] {
  const halts: PlanHalt[] = [];
  const acks = (list: readonly { serviceName: string; digest: string }[]): string[] =>
    list.map((u) => verificationAck(u.serviceName, u.digest));
  if (fleetHalt) {
    const limit = Math.max(1, amountOf(maxUnhealthyOf(policy).fleet, view.managed));
    halts.push({
      scope: 'fleet',
      cohort: null,
      reason: 'rollout-halted',
      message: `rollout halted fleet-wide: ${view.unhealthy.length} unhealthy server(s) (limit ${limit}), ${failures} failed reinstall(s) (maxFailures ${policy.rollout.maxFailures}); no new reinstall starts`,
      servers: view.unhealthy.map((u) => u.serviceName),
      acknowledge: acks(view.unhealthy),
    });
  }
  for (const gate of view.gates.values()) {
    if (gate.halted) {
      halts.push({
        scope: 'cohort',
        cohort: gate.cohort,
        reason: 'rollout-halted',
        message: `cohort ${gate.cohort} halted: ${gate.unhealthy.length} unhealthy server(s) (limit ${gate.maxUnhealthy}); no new reinstall starts in it`,
        servers: gate.unhealthy.map((u) => u.serviceName),
        acknowledge: acks(gate.unhealthy),
      });
    }
    const halting = gate.unobserved.filter((u) => u.halts);
    if (!gate.halted && halting.length > 0) {
      halts.push({
        scope: 'cohort',
        cohort: gate.cohort,
        reason: 'rollout-halted',
        message: `cohort ${gate.cohort} halted: ${unobservedText(gate)}; no new reinstall starts in it`,
        servers: halting.map((u) => u.serviceName),
        acknowledge: acks(halting),
      });
    }
    if (gate.paused) {
      halts.push({
        scope: 'cohort',
        cohort: gate.cohort,
        reason: 'canary-pending',
        message: `cohort ${gate.cohort} paused: the verification of ${gate.inconclusive.map((i) => i.serviceName).join(', ')} was inconclusive; an operator decides`,
        servers: gate.inconclusive.map((i) => i.serviceName),
        acknowledge: acks(gate.inconclusive),
      });
    }
  }
  return halts;
}

/**
 * The cohorts with a halt or a pause, and, when `rollout.canary` is set, those with a rollout
 * under way (without canaries a cohort's rollout is the usual one: nothing to show).
 */
export function planCohorts(view: CohortView, policy: FleetPolicy): PlanCohort[] {
  const out: PlanCohort[] = [];
  const canaries = Boolean(policy.rollout.canary);
  for (const g of view.gates.values()) {
    const halted = g.halted || g.unobserved.some((u) => u.halts);
    if (!(canaries && g.candidates > 0) && !halted && !g.paused) continue;
    const waiting = g.canaryPending || g.unobserved.length > 0;
    const state = halted ? 'halted' : g.paused ? 'paused' : waiting ? 'canaries' : 'proceeding';
    out.push({
      cohort: g.cohort,
      servers: g.size,
      candidates: g.candidates,
      canaries: g.canaries,
      waitsFor: g.waitsFor,
      state,
    });
  }
  return out;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
