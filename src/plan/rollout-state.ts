/**
 * What the fleet looks like now for the rollout limits (RolloutState), from the observations and
 * the status records: reinstalls in flight (a running task, a record's running attempt when not
 * observed, a verification that runs), recent starts and the counted failures and unhealthy
 * servers. Pure; used by make-plan.ts.
 */
import type { PlanInput, PlanServer } from './types.js';
import type { RolloutState } from './policy/rollout.js';
import { verifyingServers, type CohortView } from './rollout-view.js';

const HOUR_MS = 3_600_000;

/** In-flight tasks, recent starts and counted failures, from observations and records. */
export function rolloutState(
  input: PlanInput,
  decided: readonly PlanServer[],
  windows: RolloutState['windows'],
  view: CohortView,
): RolloutState {
  const verifying = new Set(verifyingServers(input.applied));
  const labelsByName = new Map<string, Record<string, string>>();
  const digestByName = new Map<string, string>();
  for (const s of decided) {
    if (s.serviceName !== null) labelsByName.set(s.serviceName, s.labels);
    if (s.serviceName !== null && s.digest !== null) digestByName.set(s.serviceName, s.digest);
  }
  const names = new Set<string>([...input.observed.keys(), ...input.applied.keys()]);
  const inFlightLabels: Record<string, string>[] = [];
  let inFlight = 0;
  for (const name of [...names].sort()) {
    const task = input.observed.get(name)?.runningTask;
    const attempt = input.applied.get(name)?.lastAttempt;
    // Not observed (offline) but our record says it runs: count it, to stay on the safe side.
    // Verifying after its task ended: still in flight (docs/plan.md, "Canaries and halts").
    if (task || (task === undefined && attempt?.result === 'running') || verifying.has(name)) {
      inFlight++;
      inFlightLabels.push(labelsByName.get(name) ?? {});
    }
  }
  const recentStarts: number[] = [];
  let failures = 0;
  for (const [name, record] of input.applied) {
    const starts = new Set(record.attempts);
    if (record.lastAttempt) starts.add(record.lastAttempt.startedAt);
    for (const iso of starts) {
      const t = Date.parse(iso);
      if (!Number.isNaN(t) && t > input.now - HOUR_MS && t <= input.now) recentStarts.push(t);
    }
    const attempt = record.lastAttempt;
    if (attempt?.result === 'failed' && attempt.digest === digestByName.get(name)) failures++;
  }
  return {
    inFlight,
    inFlightLabels,
    recentStarts,
    failures,
    unhealthy: view.unhealthy.length,
    managed: view.managed,
    windows,
  };
}
