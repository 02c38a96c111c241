/**
 * The checks made on FRESH data (priority `write`) right before each reinstall POST: the server
 * still exists and is `ok`, no reinstall task runs on it (if one does, it is adopted instead of
 * posting), the OS is still among its compatible templates, and the template is not past its
 * endOfInstall date. The reinstall task ids seen here are recorded in the intent: after a crash,
 * a task that is not among them is ours.
 */
import type { ApplyCode } from '../core/codes/apply-codes.js';
import { OvhApiError } from '../ovh/errors.js';
import type { OvhApi } from '../ovh/ovh-api.js';
import { PENDING_TASK_STATUSES, type ServerTask, type TemplateInfo } from '../ovh/types.js';

/** The function name of reinstall tasks (API-NOTES §3.2). */
export const REINSTALL_FUNCTION = 'reinstallServer';

/** The preflight's verdict. */
export type PreflightResult =
  | { kind: 'clear'; priorTaskIds: number[] }
  | { kind: 'running'; task: ServerTask; priorTaskIds: number[] }
  | { kind: 'blocked'; code: ApplyCode; message: string };

/** Task ids known to be finished: they never run again, so they need not be read twice. */
export type FinishedTasks = Set<string>;

/** Key of a task in a FinishedTasks set. */
export function taskKey(serviceName: string, taskId: number): string {
  return `${serviceName}#${taskId}`;
}

/**
 * Lists the server's reinstall tasks and returns the one that runs, if any, with every id seen.
 * Only the newest task is read (the planner's rule, docs/plan.md): OVHcloud runs one reinstall
 * per server at a time, so when the newest has ended none runs; an older task still running
 * would make the POST fail with TaskAlreadyExists, which adopts it. A purged newest task (404)
 * sends the look to the next one. One call when the expanded task list answers fresh objects
 * (`Pragma: no-cache`); else the id list and a read of the newest task. A cached expanded list is
 * never used here: this decides whether a reinstall is posted.
 */
export async function findRunningReinstall(
  api: OvhApi,
  serviceName: string,
  finished: FinishedTasks,
  priority: 'write' | 'follow' = 'write',
): Promise<{ running: ServerTask | null; taskIds: number[] }> {
  const expanded = await api.listTasksExpanded(
    serviceName,
    { function: REINSTALL_FUNCTION },
    { priority, fresh: true },
  );
  const objects =
    expanded.kind === 'objects' && expanded.fresh
      ? new Map(expanded.objects.map((t) => [t.taskId, t]))
      : null;
  const taskIds = objects
    ? [...objects.keys()]
    : await api.listTasks(serviceName, { function: REINSTALL_FUNCTION }, { priority });
  for (const id of [...taskIds].sort((a, b) => b - a)) {
    if (finished.has(taskKey(serviceName, id))) break;
    const task = objects ? (objects.get(id) ?? null) : await readTask(api, serviceName, id, priority);
    if (task === null) continue;
    if (PENDING_TASK_STATUSES.includes(task.status)) return { running: task, taskIds };
    finished.add(taskKey(serviceName, id));
    break;
  }
  return { running: null, taskIds };
}

/** getTask, with a purged task (404) as null. */
export async function readTask(
  api: OvhApi,
  serviceName: string,
  taskId: number,
  priority: 'write' | 'follow',
): Promise<ServerTask | null> {
  try {
    return await api.getTask(serviceName, taskId, { priority });
  } catch (error) {
    if (error instanceof OvhApiError && error.disposition === 'not-found') return null;
    throw error;
  }
}

/** Runs the preflight of a reinstall of `operatingSystem` on `serviceName` at `now`. */
export async function preflight(
  api: OvhApi,
  serviceName: string,
  operatingSystem: string,
  catalog: ReadonlyMap<string, TemplateInfo>,
  finished: FinishedTasks,
  now: number,
): Promise<PreflightResult> {
  const write = { priority: 'write' as const };
  let state: string;
  try {
    state = (await api.getServer(serviceName, write)).state;
  } catch (error) {
    if (error instanceof OvhApiError && error.disposition === 'not-found') {
      return {
        kind: 'blocked',
        code: 'preflight-server-missing',
        message: `${serviceName} is not in the account any more`,
      };
    }
    throw error;
  }
  if (state !== 'ok') {
    return {
      kind: 'blocked',
      code: 'preflight-server-state',
      message: `server state is "${state}", not "ok"`,
    };
  }
  const { running, taskIds } = await findRunningReinstall(api, serviceName, finished);
  if (running) return { kind: 'running', task: running, priorTaskIds: taskIds };
  const compatible = await api.getCompatibleTemplates(serviceName, write);
  if (!compatible.ovh.includes(operatingSystem) && !compatible.personal.includes(operatingSystem)) {
    return {
      kind: 'blocked',
      code: 'preflight-os-incompatible',
      message: `${operatingSystem} is not among the server's compatible templates`,
    };
  }
  const template = catalog.get(operatingSystem);
  if (!template) {
    return {
      kind: 'blocked',
      code: 'preflight-template-ended',
      message: `${operatingSystem} is not in the catalog any more`,
    };
  }
  if (template.endOfInstall !== null && Date.parse(`${template.endOfInstall}T23:59:59.999Z`) < now) {
    return {
      kind: 'blocked',
      code: 'preflight-template-ended',
      message: `${operatingSystem} reached its endOfInstall date ${template.endOfInstall}`,
    };
  }
  return { kind: 'clear', priorTaskIds: taskIds };
}
