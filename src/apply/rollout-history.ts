/**
 * The rollout history the executor starts from: the reinstall start times and the failures the
 * status records hold, read by the planner (src/records/read-records.ts, `PlanInput.applied`) and
 * counted by the planner's rules (docs/plan.md, "Rollout policy"): every time in `attempts` and
 * `lastAttempt.startedAt` is a start; a last attempt that failed at the server's desired digest
 * counts for the circuit breaker. The plan's entries and the records go along for the cohort rules
 * (canaries, halts) and the servers verifying, which the gate evaluates with the planner's functions.
 */
import type { Plan } from '../plan/types.js';
import type { StatusRecord } from '../records/types.js';
import type { RolloutHistory } from './apply-types.js';

/** Recent starts and counted failures from the records the plan was made from. */
export function historyFromRecords(records: ReadonlyMap<string, StatusRecord>, plan: Plan): RolloutHistory {
  const desired = new Map(
    plan.servers.flatMap((s) => (s.serviceName && s.digest ? [[s.serviceName, s.digest] as const] : [])),
  );
  const starts = new Map<string, number[]>();
  let failures = 0;
  for (const [serviceName, record] of records) {
    const times = new Set(record.attempts);
    if (record.lastAttempt) times.add(record.lastAttempt.startedAt);
    starts.set(
      serviceName,
      [...times].map((t) => Date.parse(t)).filter((t) => !Number.isNaN(t)),
    );
    if (record.lastAttempt?.result === 'failed' && record.lastAttempt.digest === desired.get(serviceName))
      failures++;
  }
  return { starts, failures, entries: plan.servers, records };
}
