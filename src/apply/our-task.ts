/**
 * Telling "our" reinstall task from a foreign one when the POST's answer was lost (a crash, a
 * timeout, a reset, a 5xx). Rule: a reinstallServer task of the server whose id was NOT in the
 * list the preflight saw just before the intent was recorded (`priorTaskIds`), and that started
 * no earlier than the intent's time minus `skewMs` (clock difference between this host and
 * OVHcloud, default 10 minutes). The lowest such id wins: it is the first task created after our
 * intent. A foreign task started between our preflight and our POST would have made the POST fail
 * with TaskAlreadyExists, so it cannot be mistaken for ours once the POST went through.
 */
import type { Clock } from '../core/clock.js';
import type { OvhApi } from '../ovh/ovh-api.js';
import type { ServerTask } from '../ovh/types.js';
import type { IntentEntry } from './intent-journal.js';
import { REINSTALL_FUNCTION, readTask } from './preflight.js';

/** Default allowance for the difference between our clock and OVHcloud's. */
export const DEFAULT_SKEW_MS = 10 * 60_000;

/** Looks once at the task list for the task our intent created; null when there is none. */
export async function findOurTask(
  api: OvhApi,
  intent: Pick<IntentEntry, 'serviceName' | 'priorTaskIds' | 'createdAtMs'>,
  skewMs = DEFAULT_SKEW_MS,
): Promise<ServerTask | null> {
  const ids = await api.listTasks(
    intent.serviceName,
    { function: REINSTALL_FUNCTION },
    { priority: 'write' },
  );
  const prior = new Set(intent.priorTaskIds);
  for (const id of ids.filter((i) => !prior.has(i)).sort((a, b) => a - b)) {
    const task = await readTask(api, intent.serviceName, id, 'write');
    if (task === null) continue;
    const start = Date.parse(task.startDate);
    if (Number.isNaN(start) || start >= intent.createdAtMs - skewMs) return task;
  }
  return null;
}

/**
 * Looks `checks` times, `delayMs` apart, for the task of an ambiguous POST. A look whose calls
 * fail does not count (at most twice as many tries). Null: no task came of it.
 */
export async function resolveAmbiguous(
  api: OvhApi,
  clock: Clock,
  intent: Pick<IntentEntry, 'serviceName' | 'priorTaskIds' | 'createdAtMs'>,
  options: { checks: number; delayMs: number; skewMs: number },
): Promise<ServerTask | null> {
  let looks = 0;
  for (let tries = 0; looks < options.checks && tries < options.checks * 2; tries++) {
    if (tries > 0) await clock.sleep(options.delayMs);
    try {
      const task = await findOurTask(api, intent, options.skewMs);
      if (task) return task;
      looks++;
    } catch {
      // The adapter already retried this read; try again after the delay.
    }
  }
  if (looks < options.checks) throw new Error(`task list of ${intent.serviceName} unreadable`);
  return null;
}
