/**
 * The limits, re-checked at the moment each reinstall starts (not when the plan was made): the
 * fleet-wide holds (history rewritten, suspend, circuit breaker, fleet-wide halt, maintenance
 * windows), the cohort rules (halt, pause, canaries first) and the limits (hourly budget,
 * concurrency fleet-wide and per label), through the planner's own policy functions. Tracks what
 * is in flight (servers verifying included), the recent starts and the failures while the run goes on.
 */
import type { PlanReason } from '../core/codes/plan-codes.js';
import type { Clock } from '../core/clock.js';
import {
  admitReinstalls,
  circuitOpenAt,
  fleetHold,
  type Candidate,
  type RolloutState,
} from '../plan/policy/rollout.js';
import { evaluateWindows } from '../plan/policy/windows.js';
import { cohortView, verifyingServers, type CohortView } from '../plan/rollout-view.js';
import type { FleetPolicy } from '../specs/types.js';
import type { RolloutHistory } from './apply-types.js';
import type { IntentEntry } from './intent-journal.js';

/** The gate's verdict for one candidate. */
export type GateVerdict =
  | { ok: true }
  | {
      ok: false;
      reason: PlanReason | 'history-rewritten';
      notBefore: number | null;
      /** True for limits that free up as tasks end or time passes (budget, concurrency). */
      waitable: boolean;
    };

const HOUR_MS = 3_600_000;
/** A journal start within this distance of a status-record start of the same server is the same start. */
const SAME_START_MS = 5 * 60_000;

/** Live rollout state of one applyPlan run. */
export class RolloutGate {
  private readonly inFlight = new Map<string, Readonly<Record<string, string>>>();
  private starts: number[] = [];
  private waiters: (() => void)[] = [];
  /** The cohort rules of the plan's records; null when the history does not carry them. */
  private readonly cohorts: CohortView | null;
  failures: number;

  constructor(
    private readonly policy: FleetPolicy,
    private readonly clock: Clock,
    history: RolloutHistory | undefined,
    journal: readonly IntentEntry[],
    private readonly historyRewritten: boolean,
  ) {
    this.failures = history?.failures ?? 0;
    this.cohorts = null;
    if (history?.entries && history.records) {
      const cohortOf = new Map<string, string>();
      const labels = new Map<string, Readonly<Record<string, string>>>();
      for (const e of history.entries) {
        if (e.serviceName === null) continue;
        labels.set(e.serviceName, e.labels);
        if (e.cohort) cohortOf.set(e.serviceName, e.cohort);
      }
      this.cohorts = cohortView(history.entries, cohortOf, history.records, policy);
      // Verifying after its task: in flight, as the planner counts it.
      for (const name of verifyingServers(history.records)) this.inFlight.set(name, labels.get(name) ?? {});
    }
    const recorded = history?.starts ?? new Map<string, readonly number[]>();
    for (const times of recorded.values()) this.starts.push(...times);
    for (const entry of journal) {
      if (entry.adopted || entry.state === 'not-posted') continue;
      const known = recorded.get(entry.serviceName) ?? [];
      if (!known.some((t) => Math.abs(t - entry.createdAtMs) < SAME_START_MS))
        this.starts.push(entry.createdAtMs);
    }
  }

  /** Whether `candidate` may start now. */
  check(candidate: Candidate): GateVerdict {
    const now = this.clock.now();
    if (this.historyRewritten)
      return { ok: false, reason: 'history-rewritten', notBefore: null, waitable: false };
    const state = this.state(now);
    const hold = fleetHold(this.policy, state, now);
    if (hold) return { ok: false, reason: hold.reason, notBefore: hold.notBefore, waitable: false };
    const withCohort = {
      ...candidate,
      cohort: candidate.cohort ?? this.cohorts?.cohortOf.get(candidate.serviceName),
    };
    const verdict = admitReinstalls([withCohort], this.policy, state, now, null, this.cohorts?.gates).get(
      candidate.serviceName,
    );
    if (!verdict || verdict.admitted) return { ok: true };
    // A cohort rule (halt, pause, canaries) lasts until records or fleet.yaml change: not waitable.
    const waitable = verdict.waitsFor === undefined;
    return { ok: false, reason: verdict.reason, notBefore: verdict.notBefore, waitable };
  }

  /** Counts a server in flight (a start, an adopted or followed task). */
  reserve(serviceName: string, labels: Readonly<Record<string, string>>): void {
    this.inFlight.set(serviceName, labels);
  }

  /** A server's task ended (or never started): its slot is free. */
  release(serviceName: string): void {
    if (this.inFlight.delete(serviceName)) this.wake();
  }

  /** Records a reinstall start for the hourly budget; returns a function that takes it back. */
  recordStart(): () => void {
    const at = this.clock.now();
    this.starts.push(at);
    return () => {
      const index = this.starts.lastIndexOf(at);
      if (index >= 0) this.starts.splice(index, 1);
      this.wake();
    };
  }

  /** Counts a failed reinstall for the circuit breaker. */
  recordFailure(): void {
    this.failures++;
    this.wake();
  }

  /** Whether the breaker is open now. */
  get circuitOpen(): boolean {
    return circuitOpenAt(this.policy, this.failures);
  }

  /** Resolves when a slot frees, a start is taken back, `until` passes (if given), or `signal` aborts. */
  async waitForChange(until: number | null, signal?: AbortSignal): Promise<void> {
    const controller = new AbortController();
    const changed = new Promise<void>((resolve) => this.waiters.push(resolve));
    const onAbort = (): void => controller.abort();
    signal?.addEventListener('abort', onAbort, { once: true });
    const timers: Promise<void>[] = [changed];
    if (until !== null) {
      timers.push(
        this.clock.sleep(Math.max(1, until - this.clock.now()), controller.signal).catch(() => undefined),
      );
    }
    if (signal)
      timers.push(
        new Promise<void>((resolve) => controller.signal.addEventListener('abort', () => resolve())),
      );
    await Promise.race(timers);
    controller.abort();
    signal?.removeEventListener('abort', onAbort);
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const resolve of waiters) resolve();
  }

  private state(now: number): RolloutState {
    this.starts = this.starts.filter((t) => t > now - HOUR_MS);
    return {
      inFlight: this.inFlight.size,
      inFlightLabels: [...this.inFlight.values()],
      recentStarts: this.starts,
      failures: this.failures,
      unhealthy: this.cohorts?.unhealthy.length ?? 0,
      managed: this.cohorts?.managed ?? 0,
      windows: evaluateWindows(this.policy.rollout.windows, now),
    };
  }
}
