/** The OvhApi contract's tasks and install progress: listing, progression, failure, purge. */
import { beforeAll, describe, expect, it } from 'vitest';
import type { OvhApi } from '../../src/ovh/ovh-api.js';
import { advanceToDoing, failure, followToEnd, post, PURGE_MS, type ContractWorld } from './world.js';

/** Defines these tests for the world `get` returns (created in the suite's beforeAll). */
export function describeTasks(get: () => ContractWorld): void {
  let world: ContractWorld;
  let api: OvhApi;
  beforeAll(() => {
    world = get();
    api = world.api;
  });

  describe('tasks', () => {
    it('lists the task of a reinstall, filtered by function and status', async () => {
      const server = await world.freshServer();
      expect(await api.listTasks(server.serviceName)).toEqual([]);
      const taskId = await post(world, server);

      const all = await api.listTasks(server.serviceName);
      const reinstalls = await api.listTasks(server.serviceName, { function: 'reinstallServer' });
      const reboots = await api.listTasks(server.serviceName, { function: 'hardReboot' });
      const done = await api.listTasks(server.serviceName, { status: 'done' });

      expect(all).toEqual([taskId]);
      expect(reinstalls).toEqual([taskId]);
      expect(reboots).toEqual([]);
      expect(done).toEqual([]);
    });

    it('moves a task init -> todo -> doing -> done and then installs the new OS', async () => {
      const server = await world.freshServer();
      const answer = await api.reinstall(server.serviceName, { operatingSystem: server.compatible });
      const taskId = answer.taskId;
      const first = await api.getTask(server.serviceName, taskId);

      const seen = await followToEnd(world, server, taskId, [answer.status]);

      const last = await api.getTask(server.serviceName, taskId);
      expect(first).toMatchObject({ taskId, function: 'reinstallServer', doneDate: null });
      expect(seen).toEqual(['init', 'todo', 'doing', 'done']);
      expect(Date.parse(last.doneDate ?? '')).toBeGreaterThan(Date.parse(last.startDate));
      expect((await api.getServer(server.serviceName)).os).toBe(server.compatible);
      expect(await api.listTasks(server.serviceName, { status: 'done' })).toEqual([taskId]);
    });

    it('ends a failed task in customerError with a comment and leaves the OS', async () => {
      const server = await world.freshServer();
      const taskId = await world.startForeignTask(server.serviceName, server.compatible, 'customerError');

      const seen = await followToEnd(world, server, taskId);

      const task = await api.getTask(server.serviceName, taskId);
      expect(seen[seen.length - 1]).toBe('customerError');
      expect(task.comment).toMatch(/\S/);
      expect(task.doneDate).not.toBeNull();
      expect((await api.getServer(server.serviceName)).os).toBe(server.os);
    });

    it('purges a finished task after a while: 404 and gone from the list', async () => {
      const server = await world.freshServer();
      const taskId = await post(world, server);
      await followToEnd(world, server, taskId);

      await world.advance(PURGE_MS);

      const error = await failure(api.getTask(server.serviceName, taskId));
      expect(error).toMatchObject({ code: 'api-not-found', disposition: 'not-found', status: 404 });
      expect(await api.listTasks(server.serviceName)).toEqual([]);
    });

    it('answers not-found (404) for a task id the server never had', async () => {
      const server = await world.freshServer();

      const error = await failure(api.getTask(server.serviceName, 999_999_999));

      expect(error).toMatchObject({
        code: 'api-not-found',
        status: 404,
        path: `/dedicated/server/${server.serviceName}/task/999999999`,
      });
    });
  });

  describe('install progress', () => {
    it('is null (404 "not being installed") when idle and while the task waits', async () => {
      const server = await world.freshServer();
      const idle = await api.getInstallProgress(server.serviceName);
      await post(world, server);

      const waiting = await api.getInstallProgress(server.serviceName);

      expect(idle).toBeNull();
      expect(waiting).toBeNull();
    });

    it('shows the steps while the task is doing, and is null again once it is done', async () => {
      const server = await world.freshServer();
      const taskId = await post(world, server);
      await advanceToDoing(world, server, taskId);

      const doing = await api.getInstallProgress(server.serviceName);
      await followToEnd(world, server, taskId);
      const after = await api.getInstallProgress(server.serviceName);

      expect(doing?.elapsedTime).toBeGreaterThanOrEqual(0);
      expect(doing?.progress?.[0]?.comment).toBe('Checking BIOS version');
      expect(doing?.progress?.filter((s) => s.status === 'doing')).toHaveLength(1);
      expect(doing?.progress?.[doing.progress.length - 1]?.comment).toBe('Sending end of installation mail');
      expect(after).toBeNull();
    });

    it('keeps showing the failed step, with its error, after a task failed', async () => {
      const server = await world.freshServer();
      const taskId = await world.startForeignTask(server.serviceName, server.compatible, 'customerError');
      await followToEnd(world, server, taskId);

      const failed = await api.getInstallProgress(server.serviceName);

      const errors = failed?.progress?.filter((s) => s.status === 'error') ?? [];
      expect(errors).toHaveLength(1);
      expect(errors[0]?.error).toMatch(/\S/);
      expect(failed?.progress?.some((s) => s.status === 'doing')).toBe(false);
    });
  });
}
