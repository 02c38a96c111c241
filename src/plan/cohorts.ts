/**
 * Cohorts, canaries and halts (docs/plan.md, "Canaries and halts"). Pure functions shared by the
 * planner (make-plan.ts) and the executor's re-check (src/apply/rollout-gate.ts), so that both
 * apply the same rules:
 * - a cohort is the servers with the same declared template and hardware profile (the API's
 *   `commercialRange`), narrowed by the value of `rollout.cohortLabel` when set ({@link cohortOf});
 * - each server of a cohort is in one state ({@link memberState}): a reinstall candidate,
 *   started (task running, just ended, or verifying), passed (ready at its digest), failed, unhealthy,
 *   inconclusive, or none of these;
 * - {@link cohortGates} gives each cohort its canaries and whether it is halted or paused.
 */
import type { StatusRecord, VerificationRecord } from '../records/types.js';
import { DEFAULT_MAX_UNHEALTHY, type FleetPolicy, type RolloutAmount } from '../specs/types.js';
import type { Observation } from './types.js';

/** The profile part of a cohort key when the API gave none (the server was observed). */
export const UNKNOWN_PROFILE = 'unknown-hardware';

/**
 * The profile part of a cohort key when the server's hardware was not observed this cycle (a
 * failed call) and its status record names no cohort either: its cohort is not known, so it holds
 * every cohort of its template ({@link unobservedHolds}).
 */
export const UNOBSERVED_PROFILE = 'unobserved';

/**
 * The cohort key of a server: `<template>/<profile>` and, with `rollout.cohortLabel: KEY`,
 * `/<KEY>=<value>` (an empty value when the server has no such label). The profile is the
 * `commercialRange` of this cycle's observation; for a server not observed this cycle (presence
 * other than `present`), the one its status record kept (`rollout.profile`, or the recorded
 * cohort key itself when it has the same template), else {@link UNOBSERVED_PROFILE}.
 */
export function cohortOf(
  spec: { operatingSystem: string; labels: Readonly<Record<string, string>> },
  observation: Observation | undefined,
  policy: FleetPolicy,
  record?: StatusRecord,
): string {
  const label = policy.rollout.cohortLabel;
  const keyOf = (profile: string): string => {
    const base = `${spec.operatingSystem}/${profile}`;
    return label ? `${base}/${label}=${spec.labels[label] ?? ''}` : base;
  };
  if (observation?.presence === 'present') return keyOf(profileOf(observation.commercialRange));
  const kept = record?.rollout;
  if (kept && typeof kept.profile === 'string') return keyOf(kept.profile);
  if (kept && kept.cohort.startsWith(`${spec.operatingSystem}/`)) return kept.cohort;
  return keyOf(UNOBSERVED_PROFILE);
}

/** The profile of an observed `commercialRange`: the range, or {@link UNKNOWN_PROFILE}. */
export function profileOf(range: string | null | undefined): string {
  return typeof range === 'string' && range.trim() !== '' ? range : UNKNOWN_PROFILE;
}

/** The template of a cohort key whose profile is {@link UNOBSERVED_PROFILE}, else null. */
export function unobservedTemplate(cohort: string): string | null {
  const [template, profile] = cohort.split('/');
  return profile === UNOBSERVED_PROFILE && template !== undefined ? template : null;
}

/** The template part of a cohort key. */
export function templateOf(cohort: string): string {
  return cohort.split('/')[0] ?? cohort;
}

/** `count`, or `fraction` × `size` rounded up (at least 1 when the group is not empty). */
export function amountOf(amount: RolloutAmount, size: number): number {
  if ('count' in amount) return amount.count;
  if (size <= 0) return 0;
  return Math.max(1, Math.ceil(amount.fraction * size - 1e-9));
}

/** The acknowledgement of a verification verdict: `<serviceName>@<digest>` (acknowledge.verification). */
export function verificationAck(serviceName: string, digest: string): string {
  return `${serviceName}@${digest}`;
}

/**
 * What a record says of the health checks: its `verification`, or, for a record that only
 * carries the phase, `verifying` (running) or `unhealthy` at the digest of its last attempt.
 */
export function verificationOf(
  record: StatusRecord | undefined,
): Pick<VerificationRecord, 'digest' | 'result'> | null {
  if (!record) return null;
  if (record.verification) return record.verification;
  if (record.phase !== 'verifying' && record.phase !== 'unhealthy') return null;
  const digest = record.lastAttempt?.digest ?? record.lastApplied?.digest ?? record.desiredDigest;
  if (digest === null) return null;
  return { digest, result: record.phase === 'verifying' ? 'running' : 'unhealthy' };
}

/**
 * The record's reinstall task has ended `done` and no status commit has said yet what follows
 * (`verifying` or `ready`): the plan step's reading of the shared record of intent leaves a record
 * so when the task ended since the last status commit. Still under way: in flight, and as a canary
 * not ready.
 */
export function taskJustEnded(record: StatusRecord | undefined): boolean {
  return record?.phase === 'reinstalling' && record.lastAttempt?.result === 'done';
}

/** Where a server stands in its cohort's rollout. */
export type MemberState =
  | 'candidate' // wants a reinstall now (before the rollout policy)
  | 'started' // a reinstall task runs, or just ended (not recorded verifying or ready yet), or its verification runs
  | 'passed' // ready at its current digest, or its verdict was acknowledged
  | 'failed' // the reinstall at its current digest failed
  | 'unhealthy' // the verification at its current digest found it unhealthy (not acknowledged)
  | 'inconclusive' // the verification at its current digest could not tell (not acknowledged)
  | 'other';

/** What {@link memberState} looks at. */
export interface MemberFacts {
  serviceName: string;
  /** The desired digest of its spec. */
  digest: string;
  /** The plan wants a reinstall (action reinstall before the policy, or a policy deferral). */
  wanted: boolean;
  /**
   * The spec wants a reinstall that cannot start this cycle because its hardware was not read
   * (`deferred`/`erasure-unknown`): still a candidate of its cohort unless its record says more
   * (a task started, a verdict), so a server the API failed to answer for keeps its place (as a
   * canary, for one) and no other server takes it.
   */
  wantedLater?: boolean;
  /** A reinstall task runs (the plan follows it). */
  following: boolean;
  record: StatusRecord | undefined;
  /** acknowledge.verification. */
  acknowledged: ReadonlySet<string>;
}

/** The state of one server (precedence: task, verdict at this digest, wanted, attempt, ready). */
export function memberState(facts: MemberFacts): MemberState {
  const { record, digest } = facts;
  if (facts.following) return 'started';
  const verification = verificationOf(record);
  if (verification && verification.digest === digest) {
    const acknowledged = facts.acknowledged.has(verificationAck(facts.serviceName, digest));
    if (verification.result === 'running') return 'started';
    if (verification.result === 'unhealthy') return acknowledged ? 'passed' : 'unhealthy';
    if (verification.result === 'inconclusive') return acknowledged ? 'passed' : 'inconclusive';
  }
  if (facts.wanted) return 'candidate';
  const attempt = record?.lastAttempt;
  if (attempt?.digest === digest && attempt.result === 'running') return 'started';
  // Still under way, never "left the rollout" (see taskJustEnded).
  if (attempt?.digest === digest && taskJustEnded(record)) return 'started';
  if (attempt?.digest === digest && attempt.result === 'failed') return 'failed';
  if (record?.phase === 'ready' && record.lastApplied?.digest === digest) return 'passed';
  if (facts.wantedLater) return 'candidate';
  return 'other';
}

/** One managed server, as the cohort rules see it. */
export interface CohortMember {
  serviceName: string;
  cohort: string;
  digest: string;
  state: MemberState;
  /** Its record marks it as a canary of this cohort (`rollout.canary: true`, same cohort). */
  marked: boolean;
}

/** The rollout rules' verdict on one cohort. */
export interface CohortGate {
  cohort: string;
  /** Managed servers in the cohort. */
  size: number;
  /** Its canaries, sorted; empty without `rollout.canary`. */
  canaries: string[];
  /** The same, for lookups. */
  canarySet: ReadonlySet<string>;
  /** Canaries not passed yet, and inconclusive servers: what the waiting servers wait for. */
  waitsFor: string[];
  /** Some canary has not passed: only canaries may start. */
  canaryPending: boolean;
  /** Unhealthy servers counted toward `maxUnhealthy.cohort` (sorted, with their digest). */
  unhealthy: { serviceName: string; digest: string }[];
  /** Inconclusive verdicts that pause the cohort (sorted, with their digest). */
  inconclusive: { serviceName: string; digest: string }[];
  /** The cohort's limit of unhealthy servers. */
  maxUnhealthy: number;
  /** `maxUnhealthy.cohort` reached: nothing new starts in the cohort. */
  halted: boolean;
  /** An inconclusive verdict: nothing new starts in the cohort. */
  paused: boolean;
  /** Servers that want a reinstall. */
  candidates: number;
  /**
   * Servers of the same template whose cohort is not known this cycle ({@link UNOBSERVED_PROFILE})
   * and that hold this cohort ({@link unobservedHolds}), sorted: `halts` for an unhealthy one.
   */
  unobserved: { serviceName: string; digest: string; halts: boolean }[];
}

/** The limits of `rollout.maxUnhealthy`, defaults applied. */
export function maxUnhealthyOf(policy: FleetPolicy): { cohort: RolloutAmount; fleet: RolloutAmount } {
  return policy.rollout.maxUnhealthy ?? DEFAULT_MAX_UNHEALTHY;
}

/** Each cohort's gate, keyed by cohort. `members` are the managed servers with a valid spec. */
export function cohortGates(members: readonly CohortMember[], policy: FleetPolicy): Map<string, CohortGate> {
  const byCohort = new Map<string, CohortMember[]>();
  for (const m of members) {
    const list = byCohort.get(m.cohort);
    if (list) list.push(m);
    else byCohort.set(m.cohort, [m]);
  }
  const holds = unobservedHolds(members, policy);
  const gates = new Map<string, CohortGate>();
  for (const cohort of [...byCohort.keys()].sort()) {
    const list = [...(byCohort.get(cohort) ?? [])].sort((a, b) => cmp(a.serviceName, b.serviceName));
    gates.set(cohort, gateOf(cohort, list, policy, holds.get(templateOf(cohort)) ?? []));
  }
  return gates;
}

/**
 * Fail safe for a server whose cohort is not known this cycle (its hardware was not observed and
 * its record names no cohort): it might belong to any cohort of its template, so it holds them
 * all, as it would hold its own. Unhealthy: a halt (`rollout-halted`). Inconclusive: a pause. With
 * `rollout.canary`, started, failed or wanting a reinstall: it could be its cohort's canary
 * (`canary-pending`). Per template, sorted by serviceName.
 */
export function unobservedHolds(
  members: readonly CohortMember[],
  policy: FleetPolicy,
): Map<string, { serviceName: string; digest: string; halts: boolean }[]> {
  const canaries = Boolean(policy.rollout.canary);
  const holding: MemberState[] = canaries
    ? ['unhealthy', 'inconclusive', 'started', 'failed', 'candidate']
    : ['unhealthy', 'inconclusive'];
  const out = new Map<string, { serviceName: string; digest: string; halts: boolean }[]>();
  const sorted = [...members].sort((a, b) => cmp(a.serviceName, b.serviceName));
  for (const m of sorted) {
    const template = unobservedTemplate(m.cohort);
    if (template === null || !holding.includes(m.state)) continue;
    const hold = { serviceName: m.serviceName, digest: m.digest, halts: m.state === 'unhealthy' };
    const list = out.get(template);
    if (list) list.push(hold);
    else out.set(template, [hold]);
  }
  return out;
}

function gateOf(
  cohort: string,
  members: readonly CohortMember[],
  policy: FleetPolicy,
  unobserved: { serviceName: string; digest: string; halts: boolean }[],
): CohortGate {
  const pick = (state: MemberState): { serviceName: string; digest: string }[] =>
    members.filter((m) => m.state === state).map((m) => ({ serviceName: m.serviceName, digest: m.digest }));
  const unhealthy = pick('unhealthy');
  const inconclusive = pick('inconclusive');
  const maxUnhealthy = Math.max(1, amountOf(maxUnhealthyOf(policy).cohort, members.length));
  const canaries = chooseCanaries(members, policy);
  const passed = new Set(members.filter((m) => m.state === 'passed').map((m) => m.serviceName));
  const notPassed = canaries.filter((name) => !passed.has(name));
  return {
    cohort,
    size: members.length,
    canaries,
    canarySet: new Set(canaries),
    waitsFor: [...new Set([...notPassed, ...inconclusive.map((i) => i.serviceName)])].sort(),
    canaryPending: notPassed.length > 0,
    unhealthy,
    inconclusive,
    maxUnhealthy,
    halted: unhealthy.length >= maxUnhealthy,
    paused: inconclusive.length > 0,
    candidates: members.filter((m) => m.state === 'candidate').length,
    unobserved,
  };
}

/**
 * The canaries of a cohort, stable across cycles: the servers its records mark as canaries
 * (unless they left the rollout: state `other`), then, up to `rollout.canary`, the servers
 * already started or judged at their digest, then the candidates, each in serviceName order.
 * Started servers are never left out once chosen (a lowered `canary` keeps the marked ones).
 */
function chooseCanaries(members: readonly CohortMember[], policy: FleetPolicy): string[] {
  const amount = policy.rollout.canary;
  if (!amount) return [];
  const want = amountOf(amount, members.length);
  const chosen = new Set(members.filter((m) => m.marked && m.state !== 'other').map((m) => m.serviceName));
  const order: MemberState[] = ['started', 'failed', 'unhealthy', 'inconclusive', 'candidate'];
  for (const state of order) {
    for (const m of members) {
      if (chosen.size >= want) break;
      if (m.state === state) chosen.add(m.serviceName);
    }
  }
  return [...chosen].sort(cmp);
}

/** The verdict of the cohort rules on one candidate, or null when they let it through. */
export function cohortHold(
  serviceName: string,
  gate: CohortGate | undefined,
): { reason: 'rollout-halted' | 'canary-pending'; waitsFor: string[] } | null {
  if (!gate) return null;
  if (gate.halted || gate.unobserved.some((u) => u.halts)) return { reason: 'rollout-halted', waitsFor: [] };
  if (gate.paused) return { reason: 'canary-pending', waitsFor: gate.waitsFor };
  const unobserved = gate.unobserved.map((u) => u.serviceName).filter((name) => name !== serviceName);
  if (unobserved.length > 0) {
    const waitsFor = [...new Set([...gate.waitsFor, ...unobserved])].filter((name) => name !== serviceName);
    return { reason: 'canary-pending', waitsFor: waitsFor.sort(cmp) };
  }
  if (gate.canaryPending && !gate.canarySet.has(serviceName))
    return { reason: 'canary-pending', waitsFor: gate.waitsFor };
  return null;
}

/** Fleet-wide halt: unhealthy servers reached `maxUnhealthy.fleet`, or with failures `maxFailures`. */
export function fleetHalted(
  policy: FleetPolicy,
  counts: { failures: number; unhealthy: number; managed: number },
): boolean {
  if (counts.unhealthy === 0) return false;
  const limit = Math.max(1, amountOf(maxUnhealthyOf(policy).fleet, counts.managed));
  return (
    counts.unhealthy >= limit || counts.failures + counts.unhealthy >= Math.max(1, policy.rollout.maxFailures)
  );
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
