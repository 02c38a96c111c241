/**
 * The preflight's look for a running reinstall with the expanded task list (API-NOTES §5.6): one
 * call when OVHcloud answers fresh task objects; the id list and a read of the newest task when it
 * answers `unavailable` or a cached list (a cached answer never decides whether to post).
 */
import { describe, expect, it } from 'vitest';
import { findRunningReinstall } from '../../src/apply/preflight.js';
import type { ExpandedList, OvhApi } from '../../src/ovh/ovh-api.js';
import type { ServerTask, TaskStatus } from '../../src/ovh/types.js';

const SN = 'ns1.ip-1-2-3.eu';

function task(taskId: number, status: TaskStatus): ServerTask {
  return {
    taskId,
    function: 'reinstallServer',
    status,
    comment: null,
    startDate: '2026-06-01T00:00:00.000Z',
    doneDate: null,
  } as ServerTask;
}

/** An API whose expanded list answers `expanded`, and whose id list shows `truth`; calls are logged. */
function api(expanded: ExpandedList<ServerTask>, truth: ServerTask[]): { api: OvhApi; calls: string[] } {
  const calls: string[] = [];
  const byId = new Map(truth.map((t) => [t.taskId, t]));
  return {
    calls,
    api: {
      listTasksExpanded: (_sn: string, _f: unknown, options: { fresh?: boolean }) => {
        calls.push(`listTasksExpanded fresh=${String(options.fresh)}`);
        return Promise.resolve(expanded);
      },
      listTasks: () => {
        calls.push('listTasks');
        return Promise.resolve(truth.map((t) => t.taskId));
      },
      getTask: (_sn: string, id: number) => {
        calls.push(`getTask ${id}`);
        return Promise.resolve(byId.get(id)!);
      },
    } as unknown as OvhApi,
  };
}

describe('findRunningReinstall with the expanded task list', () => {
  it('finds the running task in one call when the list is fresh', async () => {
    const tasks = [task(7, 'done'), task(9, 'doing')];
    const { api: a, calls } = api({ kind: 'objects', objects: tasks, fresh: true, calls: 1 }, tasks);

    const found = await findRunningReinstall(a, SN, new Set());

    expect(found.running?.taskId).toBe(9);
    expect(found.taskIds.sort()).toEqual([7, 9]);
    expect(calls).toEqual(['listTasksExpanded fresh=true']);
  });

  it('falls back to the id list and the newest task when the answer is cached', async () => {
    const cached = [task(7, 'done')]; // a stale list that does not show task 9 yet
    const truth = [task(7, 'done'), task(9, 'doing')];
    const { api: a, calls } = api({ kind: 'objects', objects: cached, fresh: false, calls: 1 }, truth);

    const found = await findRunningReinstall(a, SN, new Set());

    expect(found.running?.taskId).toBe(9);
    expect(calls).toEqual(['listTasksExpanded fresh=true', 'listTasks', 'getTask 9']);
  });

  it('falls back when the API answers plain ids', async () => {
    const truth = [task(9, 'done')];
    const { api: a, calls } = api({ kind: 'unavailable', reason: 'ids only', calls: 1 }, truth);

    const found = await findRunningReinstall(a, SN, new Set());

    expect(found).toEqual({ running: null, taskIds: [9] });
    expect(calls).toEqual(['listTasksExpanded fresh=true', 'listTasks', 'getTask 9']);
  });
});
