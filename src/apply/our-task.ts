/**
 * Telling "our" reinstall task from a foreign one when the POST's answer was lost (a crash, a
 * timeout, a reset, a 5xx), and deciding when the task list may be believed when it shows none.
 *
 * Ours: a reinstallServer task of the server whose id was NOT in the list the preflight saw just
 * before the intent was recorded (`priorTaskIds`), and that started no earlier than the intent,
 * in OVHcloud's clock (`apiTimeMs`, read from `GET /auth/time` before the intent was recorded),
 * less {@link API_TIME_TOLERANCE_MS}. Entries of older versions have only our clock: then the
 * allowance is `skewMs` (default 10 minutes) either way. The lowest such id wins: it is the first
 * task created after our intent.
 *
 * Absent: OVHcloud's task list may lag (a cached list). A list that does not show our task is
 * believed only when it was read at least `settleMs` (default 10 minutes, OVHcloud's clock) after
 * the intent was recorded; `settleMs` must cover the POST's transit (the transport gives up after
 * 30 s) plus the list's lag. Before that the intent stays open and
 * nothing is posted again for the server: never a second POST on the word of a list that may not
 * show the first one yet (test: test/apply/duplicate-post.test.ts).
 */
import type { Clock } from '../core/clock.js';
import type { OvhApi } from '../ovh/ovh-api.js';
import type { ServerTask } from '../ovh/types.js';
import type { IntentEntry } from './intent-journal.js';
import { REINSTALL_FUNCTION, readTask } from './preflight.js';

/** Allowance for our clock against OVHcloud's, for intents recorded without OVHcloud's time. */
export const DEFAULT_SKEW_MS = 10 * 60_000;
/** How long after a POST a task list that does not show its task is believed (OVHcloud's clock). */
export const DEFAULT_SETTLE_MS = 10 * 60_000;
/**
 * How much earlier than `apiTimeMs` a task of ours may be dated: `/auth/time` answers whole
 * seconds, and OVHcloud's own clocks may differ a little.
 */
export const API_TIME_TOLERANCE_MS = 60_000;
/** `/auth/time` answers whole seconds: OVHcloud's time at the intent is below `apiTimeMs` + 1 s. */
const API_TIME_RESOLUTION_MS = 1_000;

/** The intent fields the matching uses. */
export type IntentKey = Pick<IntentEntry, 'serviceName' | 'priorTaskIds' | 'createdAtMs' | 'apiTimeMs'>;

/** What the task list says about an intent. */
export type IntentResolution =
  | { kind: 'found'; task: ServerTask }
  /** No task, and the list was read late enough to be believed. */
  | { kind: 'absent' }
  /** No task yet, but the list may lag: believe it from `settledAtMs` (OVHcloud's clock) on. */
  | { kind: 'unsettled'; settledAtMs: number };

/** Options of the resolution. */
export interface ResolveOptions {
  skewMs: number;
  settleMs: number;
}

/**
 * When (OVHcloud's clock) the intent was recorded: no earlier than `earliest`, no later than
 * `latest`. Its POST left after that.
 */
export function intentWindow(intent: IntentKey, skewMs: number): { earliest: number; latest: number } {
  if (typeof intent.apiTimeMs === 'number') {
    return {
      earliest: intent.apiTimeMs - API_TIME_TOLERANCE_MS,
      latest: intent.apiTimeMs + API_TIME_RESOLUTION_MS,
    };
  }
  return { earliest: intent.createdAtMs - skewMs, latest: intent.createdAtMs + skewMs };
}

/** Looks once at the task list for the task our intent created; null when there is none. */
export async function findOurTask(
  api: OvhApi,
  intent: IntentKey,
  skewMs = DEFAULT_SKEW_MS,
): Promise<ServerTask | null> {
  const ids = await api.listTasks(
    intent.serviceName,
    { function: REINSTALL_FUNCTION },
    { priority: 'write' },
  );
  const prior = new Set(intent.priorTaskIds);
  const { earliest } = intentWindow(intent, skewMs);
  for (const id of ids.filter((i) => !prior.has(i)).sort((a, b) => a - b)) {
    const task = await readTask(api, intent.serviceName, id, 'write');
    if (task === null) continue;
    const start = Date.parse(task.startDate);
    if (Number.isNaN(start) || start >= earliest) return task;
  }
  return null;
}

/**
 * Looks once: OVHcloud's time first (the list read after it is at least that fresh, less its
 * lag), then the task list.
 */
export async function resolveIntent(
  api: OvhApi,
  intent: IntentKey,
  options: ResolveOptions,
): Promise<IntentResolution> {
  const apiNow = await api.getApiTime({ priority: 'write' });
  const task = await findOurTask(api, intent, options.skewMs);
  if (task) return { kind: 'found', task };
  const settledAtMs = intentWindow(intent, options.skewMs).latest + options.settleMs;
  return apiNow >= settledAtMs ? { kind: 'absent' } : { kind: 'unsettled', settledAtMs };
}

/**
 * Looks up to `checks` times, `delayMs` apart, for the task of an ambiguous POST; stops at the
 * first look that finds it or proves it absent. A look whose calls fail does not count (at most
 * twice as many tries); throws when too few looks succeeded.
 */
export async function resolveAmbiguous(
  api: OvhApi,
  clock: Clock,
  intent: IntentKey,
  options: ResolveOptions & { checks: number; delayMs: number },
): Promise<IntentResolution> {
  let looks = 0;
  let last: IntentResolution | null = null;
  for (let tries = 0; looks < options.checks && tries < options.checks * 2; tries++) {
    if (tries > 0) await clock.sleep(options.delayMs);
    try {
      last = await resolveIntent(api, intent, options);
      if (last.kind !== 'unsettled') return last;
      looks++;
    } catch {
      // The adapter already retried this read; try again after the delay.
    }
  }
  if (looks < options.checks || last === null)
    throw new Error(`task list of ${intent.serviceName} unreadable`);
  return last;
}
