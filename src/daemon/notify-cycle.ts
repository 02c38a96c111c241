/**
 * What a cycle hands the notifier (src/notify) once its status records are in git: the records,
 * the plan's halts, the branch head, the plan hash and the servers' spec labels (for routing).
 * Pure; runCycle calls the notifier's `observe` with it, which returns at once.
 */
import type { NotifyCycle } from '../notify/notifier.js';
import type { Recorded } from './record-status.js';
import type { CycleLoaded } from './steps-load.js';
import type { Planned } from './steps-plan.js';

/** The notifier's view of a recorded cycle. */
export function notifyCycleOf(
  recorded: Recorded,
  planned: Planned,
  loaded: CycleLoaded | null,
  head: string,
  now: number,
): NotifyCycle {
  const labels = new Map<string, Record<string, string>>();
  for (const spec of loaded?.loaded.fleet.specs ?? []) labels.set(spec.serviceName, spec.labels);
  return {
    records: recorded.inGit.values(),
    halts: (planned.plan.halts ?? []).filter((h) => h.reason === 'rollout-halted'),
    revision: head,
    planHash: planned.plan.planHash,
    now,
    labelsOf: (name) => labels.get(name),
  };
}
