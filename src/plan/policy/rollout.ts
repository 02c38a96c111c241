/**
 * The rollout policy applied to the reinstalls a plan wants: suspend, circuit breaker, fleet-wide
 * halt, maintenance windows, cohort halts and canaries (cohorts.ts), hourly budget and concurrency
 * (fleet-wide and per label). Pure.
 *
 * Order of the holds (the first that applies is the reason given):
 *   suspended > circuit-open > rollout-halted (fleet-wide) > mass-reinstall-guard > window-closed >
 *   rollout-halted (cohort) > canary-pending > budget-exhausted > concurrency-limit.
 * The mass-reinstall guard is decided by make-plan.ts, because it needs the plan hash.
 *
 * Batches: with B = max(1, min(maxConcurrent, maxPerHour)), reinstalls admitted now are batch 1;
 * reinstalls held by a fleet-wide hold (suspend, circuit, window, guard) are numbered
 * 1 + floor(j / B) in serviceName order; reinstalls held by a cohort rule or a limit (budget,
 * concurrency) are 2 + floor(j / B) among the held ones.
 */
import { cohortHold, fleetHalted, type CohortGate } from '../cohorts.js';
import type { PlanReason } from '../../core/codes/plan-codes.js';
import type { FleetPolicy } from '../../specs/types.js';
import type { WindowState } from './windows.js';

/** A server that wants a reinstall, before the policy. */
export interface Candidate {
  serviceName: string;
  labels: Readonly<Record<string, string>>;
  /** Its cohort key (cohorts.ts); undefined: no cohort rule applies. */
  cohort?: string | undefined;
}

/** What the fleet looks like now, for the limits. */
export interface RolloutState {
  /** Reinstall tasks in flight, fleet-wide. */
  inFlight: number;
  /** Labels of the servers with a reinstall in flight (one entry per server). */
  inFlightLabels: readonly Readonly<Record<string, string>>[];
  /** Start times (ms) of the reinstalls started in the rolling hour before now. */
  recentStarts: readonly number[];
  /** Failed attempts that count for the circuit breaker (see docs/plan.md). */
  failures: number;
  /** Unhealthy servers fleet-wide (at their digest, not acknowledged); undefined counts 0. */
  unhealthy?: number;
  /** Managed servers, for a fractional `maxUnhealthy.fleet`. */
  managed?: number;
  windows: WindowState;
}

/** The policy's verdict on one candidate. */
export type Admission =
  | { admitted: true; batch: number }
  | {
      admitted: false;
      reason: PlanReason;
      notBefore: number | null;
      batch: number;
      /** With `canary-pending`: the servers it waits for. */
      waitsFor?: string[];
    };

const HOUR_MS = 3_600_000;

/** Whether the fleet is suspended at `now`, and until when (ms) if an end is set. */
export function suspension(policy: FleetPolicy, now: number): { suspended: boolean; until: number | null } {
  if (policy.suspend.reason.trim() === '') return { suspended: false, until: null };
  if (policy.suspend.until === null) return { suspended: true, until: null };
  const until = Date.parse(policy.suspend.until);
  if (Number.isNaN(until)) return { suspended: true, until: null };
  return until > now ? { suspended: true, until } : { suspended: false, until: null };
}

/**
 * Whether `failures` counted failures open the circuit breaker. It cannot be disabled: fleet.yaml
 * refuses `maxFailures` below 1, and a policy that carries less anyway (built in code) opens it at
 * the first failure.
 */
export function circuitOpenAt(policy: FleetPolicy, failures: number): boolean {
  return failures >= Math.max(1, policy.rollout.maxFailures);
}

/** A hold that stops every new reinstall, or null. */
export function fleetHold(
  policy: FleetPolicy,
  state: RolloutState,
  now: number,
): { reason: PlanReason; notBefore: number | null } | null {
  const suspend = suspension(policy, now);
  if (suspend.suspended) return { reason: 'suspended', notBefore: suspend.until };
  if (circuitOpenAt(policy, state.failures)) {
    return { reason: 'circuit-open', notBefore: null };
  }
  const counts = { failures: state.failures, unhealthy: state.unhealthy ?? 0, managed: state.managed ?? 0 };
  if (fleetHalted(policy, counts)) return { reason: 'rollout-halted', notBefore: null };
  if (!state.windows.open) return { reason: 'window-closed', notBefore: state.windows.nextOpening };
  return null;
}

/** Batch size B of the module comment. */
export function batchSize(policy: FleetPolicy): number {
  return Math.max(1, Math.min(policy.rollout.maxConcurrent, policy.rollout.maxPerHour));
}

/**
 * Decides, for candidates sorted by serviceName, which start now and which wait, and why.
 * `hold` overrides everything (used for fleet-wide holds and the mass-reinstall guard); then the
 * cohort rules of `cohorts` (halted, paused, canaries first), then the limits.
 */
export function admitReinstalls(
  candidates: readonly Candidate[],
  policy: FleetPolicy,
  state: RolloutState,
  now: number,
  hold: { reason: PlanReason; notBefore: number | null } | null,
  cohorts?: ReadonlyMap<string, CohortGate>,
): Map<string, Admission> {
  const verdicts = new Map<string, Admission>();
  const size = batchSize(policy);
  if (hold) {
    candidates.forEach((c, j) =>
      verdicts.set(c.serviceName, { admitted: false, ...hold, batch: 1 + Math.floor(j / size) }),
    );
    return verdicts;
  }
  const starts = state.recentStarts.filter((t) => t > now - HOUR_MS && t <= now).sort((a, b) => a - b);
  const perLabel = new Map<string, number>();
  for (const labels of state.inFlightLabels) countLabels(perLabel, labels, policy);
  let inFlight = state.inFlight;
  let started = starts.length;
  let held = 0;
  // Held by a limit only (not by a cohort rule): the budget's notBefore counts these.
  let limitHeld = 0;
  for (const c of candidates) {
    const cohort = cohortHold(c.serviceName, c.cohort === undefined ? undefined : cohorts?.get(c.cohort));
    if (cohort) {
      verdicts.set(c.serviceName, {
        admitted: false,
        reason: cohort.reason,
        notBefore: null,
        batch: 2 + Math.floor(held / size),
        waitsFor: cohort.waitsFor,
      });
      held++;
      continue;
    }
    const reason = limitReason(c, policy, inFlight, started, perLabel);
    if (reason === null) {
      verdicts.set(c.serviceName, { admitted: true, batch: 1 });
      inFlight++;
      started++;
      countLabels(perLabel, c.labels, policy);
      continue;
    }
    const notBefore = reason === 'budget-exhausted' ? budgetFrees(starts, policy, limitHeld) : null;
    verdicts.set(c.serviceName, { admitted: false, reason, notBefore, batch: 2 + Math.floor(held / size) });
    held++;
    limitHeld++;
  }
  return verdicts;
}

function limitReason(
  c: Candidate,
  policy: FleetPolicy,
  inFlight: number,
  started: number,
  perLabel: ReadonlyMap<string, number>,
): PlanReason | null {
  if (started >= policy.rollout.maxPerHour) return 'budget-exhausted';
  if (inFlight >= policy.rollout.maxConcurrent) return 'concurrency-limit';
  for (const [key, limit] of Object.entries(policy.rollout.maxConcurrentPerLabel)) {
    const value = c.labels[key];
    if (value !== undefined && (perLabel.get(labelKey(key, value)) ?? 0) >= limit) return 'concurrency-limit';
  }
  return null;
}

/**
 * When the hourly budget frees a slot for the `held`-th (0-based) server refused by it: the
 * moment the matching recent start leaves the rolling hour; null when that depends on starts
 * that have not happened yet.
 */
function budgetFrees(sortedStarts: readonly number[], policy: FleetPolicy, held: number): number | null {
  const index = sortedStarts.length - policy.rollout.maxPerHour + held;
  const start = index >= 0 ? sortedStarts[index] : undefined;
  return start === undefined ? null : start + HOUR_MS;
}

function countLabels(
  perLabel: Map<string, number>,
  labels: Readonly<Record<string, string>>,
  policy: FleetPolicy,
): void {
  for (const key of Object.keys(policy.rollout.maxConcurrentPerLabel)) {
    const value = labels[key];
    if (value !== undefined)
      perLabel.set(labelKey(key, value), (perLabel.get(labelKey(key, value)) ?? 0) + 1);
  }
}

function labelKey(key: string, value: string): string {
  return `${key}\u0000${value}`;
}
