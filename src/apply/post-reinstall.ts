/**
 * One reinstall start: preflight on fresh data, the intent recorded durably, the POST, and the
 * resolution of whatever the POST's answer leaves unclear. After an ambiguous answer the POST is
 * sent again only once the task list is proven to show everything up to that POST (read at least
 * `settleMs` after it, OVHcloud's clock: our-task.ts); until then the intent stays `ambiguous` and
 * a later run resolves it. TaskAlreadyExists is never what stands between us and a second
 * reinstall. TaskAlreadyExists adopts the running task. Holds the secret-bearing body only for
 * the POST itself.
 */
import type { ErrorCode } from '../core/codes/registry.js';
import type { Clock } from '../core/clock.js';
import { OvhApiError } from '../ovh/errors.js';
import type { OvhApi } from '../ovh/ovh-api.js';
import type { ReinstallBody, TemplateInfo } from '../ovh/types.js';
import type { IntentEntry, IntentJournal } from './intent-journal.js';
import { DEFAULT_SETTLE_MS, resolveAmbiguous } from './our-task.js';
import { findRunningReinstall, preflight, type FinishedTasks } from './preflight.js';

/** Knobs of the POST and of the resolution of ambiguous answers. */
export interface PostOptions {
  /** POSTs tried for one server in one run (only after the task list showed nothing came of the last). */
  maxPostAttempts: number;
  /** Looks at the task list after an ambiguous failure. */
  ambiguityChecks: number;
  /** Milliseconds between those looks, and before a POST is tried again. */
  ambiguityDelayMs: number;
  /** See our-task.ts. */
  skewMs: number;
  /** See our-task.ts; default DEFAULT_SETTLE_MS. */
  settleMs?: number;
}

/** What one start gave. */
export type StartResult =
  | { kind: 'posted'; taskId: number; startDate: string; intent: IntentEntry }
  | { kind: 'adopted'; taskId: number; startDate: string; intent: IntentEntry | null }
  | { kind: 'blocked'; code: ErrorCode; message: string }
  | { kind: 'rejected'; code: ErrorCode; message: string; intent: IntentEntry }
  | { kind: 'unconfirmed'; message: string; intent: IntentEntry };

/** The reinstall to start. */
export interface StartRequest {
  serviceName: string;
  digest: string;
  planHash: string;
  revision: string;
  body: ReinstallBody;
  /**
   * With a shared intent: no POST after this time (this writer's clock). Other writers tie a
   * marker only to a task started within its post deadline (resolve-shared-intents.ts), so a
   * retry after it would be a reinstall nobody's marker accounts for.
   */
  postBy?: number;
}

/** What a start needs. */
export interface StartDeps {
  api: OvhApi;
  clock: Clock;
  journal: IntentJournal;
  catalog: ReadonlyMap<string, TemplateInfo>;
  finished: FinishedTasks;
  options: PostOptions;
}

/** Starts one reinstall (or adopts the one that runs). Never posts twice for one created task. */
export async function startReinstall(request: StartRequest, deps: StartDeps): Promise<StartResult> {
  const { api, clock, journal, options } = deps;
  const { serviceName, body } = request;
  let last: StartResult | null = null;
  for (let attempt = 1; attempt <= options.maxPostAttempts; attempt++) {
    if (attempt > 1) await clock.sleep(options.ambiguityDelayMs);
    let check;
    let apiTimeMs: number;
    try {
      // OVHcloud's clock, before the task list is read: the intent's time for task matching.
      apiTimeMs = await api.getApiTime({ priority: 'write' });
      check = await preflight(
        api,
        serviceName,
        body.operatingSystem,
        deps.catalog,
        deps.finished,
        clock.now(),
      );
    } catch (error) {
      // Reads failed after the adapter's own retries (5xx, network, 429): nothing was posted; try again.
      const retryable =
        error instanceof OvhApiError &&
        (error.disposition === 'transient' || error.disposition === 'waiting');
      if (!retryable || attempt === options.maxPostAttempts) throw error;
      continue;
    }
    if (check.kind === 'blocked') return check;
    if (check.kind === 'running') {
      return { kind: 'adopted', taskId: check.task.taskId, startDate: check.task.startDate, intent: null };
    }
    if (request.postBy !== undefined && clock.now() > request.postBy) {
      return {
        kind: 'blocked',
        code: 'intent-race-lost',
        message: 'the shared intent was recorded too long ago to post now; planning again',
      };
    }
    let intent = await journal.create({
      serviceName,
      digest: request.digest,
      planHash: request.planHash,
      revision: request.revision,
      operatingSystem: body.operatingSystem,
      priorTaskIds: check.priorTaskIds,
      apiTimeMs,
    });
    try {
      const answer = await api.reinstall(serviceName, body, { priority: 'write' });
      intent = await journal.update(intent, { state: 'posted', taskId: answer.taskId });
      return { kind: 'posted', taskId: answer.taskId, startDate: answer.startDate, intent };
    } catch (error) {
      const apiError = error instanceof OvhApiError ? error : undefined;
      if (apiError?.disposition === 'busy') {
        intent = await journal.update(intent, { state: 'not-posted' });
        const { running } = await findRunningReinstall(api, serviceName, deps.finished);
        if (running)
          return { kind: 'adopted', taskId: running.taskId, startDate: running.startDate, intent: null };
        // Locked without a visible task (DisturbAlreadyExists): nothing to adopt, nothing posted.
        return { kind: 'blocked', code: apiError.code, message: apiError.message };
      }
      const ambiguous = apiError === undefined || apiError.ambiguous;
      if (!ambiguous && apiError.disposition !== 'waiting' && apiError.disposition !== 'transient') {
        intent = await journal.update(intent, { state: 'not-posted' });
        return { kind: 'rejected', code: apiError.code, message: apiError.message, intent };
      }
      if (!ambiguous) {
        // Refused before it took effect (429, or a failure before sending): safe to try again.
        intent = await journal.update(intent, { state: 'not-posted' });
        if (apiError.retryAfterMs) await clock.sleep(apiError.retryAfterMs);
        last = { kind: 'unconfirmed', message: apiError.message, intent };
        continue;
      }
      intent = await journal.update(intent, { state: 'ambiguous' });
      let resolution;
      try {
        resolution = await resolveAmbiguous(api, clock, intent, {
          checks: options.ambiguityChecks,
          delayMs: options.ambiguityDelayMs,
          skewMs: options.skewMs,
          settleMs: options.settleMs ?? DEFAULT_SETTLE_MS,
        });
      } catch {
        // The task list could not be read: the intent stays ambiguous for the next run to resolve.
        return {
          kind: 'unconfirmed',
          message: 'the task list could not be read after an ambiguous POST',
          intent,
        };
      }
      const why = error instanceof Error ? error.message : String(error);
      if (resolution.kind === 'found') {
        const { task } = resolution;
        intent = await journal.update(intent, { state: 'posted', taskId: task.taskId });
        return { kind: 'posted', taskId: task.taskId, startDate: task.startDate, intent };
      }
      if (resolution.kind === 'unsettled') {
        // The list may not show the task yet: the intent stays ambiguous, nothing is posted again.
        return {
          kind: 'unconfirmed',
          message: `POST failed ambiguously (${why}) and the task list, which may lag, shows no task for it yet: nothing is posted again for this server before ${new Date(resolution.settledAtMs).toISOString()} (OVHcloud's clock)`,
          intent,
        };
      }
      intent = await journal.update(intent, { state: 'not-posted' });
      last = {
        kind: 'unconfirmed',
        message: `POST failed ambiguously (${why}) and no task came of it`,
        intent,
      };
    }
  }
  return last ?? { kind: 'blocked', code: 'reinstall-unconfirmed', message: 'no attempt made' };
}
