import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSimulator, TASK_RETENTION_MS, type RunningSimulator } from '../../src/sim/index.js';
import type { InstallProgress, ServerTask, TaskResponse } from '../../src/ovh/types.js';
import { call, serverName } from './sim-client.js';

const START = Date.UTC(2026, 10, 27, 12, 0, 0);

describe('reinstall task lifecycle (speed 1: 665 s)', () => {
  let sim: RunningSimulator;
  let sn: string;
  beforeEach(async () => {
    sim = await startSimulator({ startTime: START });
    sn = serverName(sim, 0);
  });
  afterEach(() => sim.close());

  const task = async (id: number): Promise<ServerTask> =>
    (await call(sim, 'GET', `/dedicated/server/${sn}/task/${id}`)).body as ServerTask;
  const installStatus = (): ReturnType<typeof call> =>
    call(sim, 'GET', `/dedicated/server/${sn}/install/status`);

  it('moves init -> todo -> doing -> done, then updates the OS and purges the task', async () => {
    const posted = await call(sim, 'POST', `/dedicated/server/${sn}/reinstall`, {
      body: { operatingSystem: 'ubuntu2404-server_64' },
    });
    const { taskId } = posted.body as TaskResponse;

    expect(posted.body).toMatchObject({
      status: 'init',
      comment: 'Start bare metal OS installation',
      doneDate: null,
    });
    expect((await task(taskId)).status).toBe('init');
    expect((await installStatus()).status).toBe(404);

    sim.control.advanceClock(10_000);
    expect((await task(taskId)).status).toBe('todo');
    expect((await installStatus()).body).toEqual({
      message: 'Server is not being installed or reinstalled at the moment',
    });

    sim.control.advanceClock(290_000);
    const doing = await installStatus();
    const progress = doing.body as InstallProgress;
    expect((await task(taskId)).status).toBe('doing');
    expect(doing.status).toBe(200);
    expect(progress.progress).toHaveLength(21);
    expect(progress.progress?.[0]).toEqual({ comment: 'Checking BIOS version', status: 'done', error: null });
    expect(progress.progress?.filter((s) => s.status === 'doing')).toHaveLength(1);
    expect(progress.progress?.[20]).toMatchObject({
      comment: 'Sending end of installation mail',
      status: 'todo',
    });
    expect(progress.elapsedTime).toBeGreaterThan(200);

    sim.control.advanceClock(400_000);
    const done = await task(taskId);
    expect(done).toMatchObject({ status: 'done', function: 'reinstallServer' });
    expect(done.doneDate).not.toBeNull();
    expect((await installStatus()).status).toBe(404);
    const server = (await call(sim, 'GET', `/dedicated/server/${sn}`)).body as {
      os: string;
      efiBootloaderPath: string;
    };
    expect(server.os).toBe('ubuntu2404-server_64');
    expect(server.efiBootloaderPath).toBe('\\efi\\ubuntu\\grubx64.efi');
    expect(
      (await call(sim, 'GET', `/dedicated/server/${sn}/task?function=reinstallServer&status=done`)).body,
    ).toEqual([taskId]);
    expect((await call(sim, 'GET', `/dedicated/server/${sn}/task?status=doing`)).body).toEqual([]);

    sim.control.advanceClock(TASK_RETENTION_MS);
    expect((await call(sim, 'GET', `/dedicated/server/${sn}/task/${taskId}`)).status).toBe(404);
    expect((await call(sim, 'GET', `/dedicated/server/${sn}/task`)).body).toEqual([]);
  });

  it('refuses a second reinstall while one runs with TaskAlreadyExists', async () => {
    const first = (
      await call(sim, 'POST', `/dedicated/server/${sn}/reinstall`, {
        body: { operatingSystem: 'debian12_64' },
      })
    ).body as TaskResponse;
    sim.control.advanceClock(10_000);

    const second = await call(sim, 'POST', `/dedicated/server/${sn}/reinstall`, {
      body: { operatingSystem: 'debian12_64' },
    });

    expect(second.status).toBe(400);
    expect(second.body).toEqual({
      class: 'Client::BadRequest::TaskAlreadyExists',
      message: `Task ${first.taskId} of type reinstallServer with status todo is already running on server ${sn}`,
    });
  });

  it('sets efiBootloaderPath from the customization when given', async () => {
    await call(sim, 'POST', `/dedicated/server/${sn}/reinstall`, {
      body: {
        operatingSystem: 'byolinux_64',
        customizations: {
          imageURL: 'https://example.com/a.qcow2',
          efiBootloaderPath: '\\efi\\custom\\boot.efi',
        },
      },
    });

    sim.control.advanceClock(700_000);

    expect(sim.control.account()[0]?.server).toMatchObject({
      os: 'byolinux_64',
      efiBootloaderPath: '\\efi\\custom\\boot.efi',
    });
  });

  it('ends a failing task in an error status with a failed step, OS unchanged', async () => {
    const before = sim.control.account()[0]?.server.os;
    sim.control.setFaults({ taskFailureRate: 1 });
    const { taskId } = (
      await call(sim, 'POST', `/dedicated/server/${sn}/reinstall`, {
        body: { operatingSystem: 'debian13_64' },
      })
    ).body as TaskResponse;

    sim.control.advanceClock(700_000);
    const failed = await task(taskId);
    const status = (await installStatus()).body as InstallProgress;

    expect(['customerError', 'ovhError']).toContain(failed.status);
    expect(failed.comment).toMatch(/\w+/);
    expect(failed.doneDate).not.toBeNull();
    const errors = status.progress?.filter((s) => s.status === 'error') ?? [];
    expect(errors).toHaveLength(1);
    expect(errors[0]?.error).toBe(failed.comment);
    expect(sim.control.account()[0]?.server.os).toBe(before);
  });

  it('shows a foreign task in the task list and blocks reinstalls while it runs', async () => {
    const taskId = sim.control.startForeignTask(sn, { operatingSystem: 'rocky9_64', startedAgoMs: 60_000 });

    const list = await call(sim, 'GET', `/dedicated/server/${sn}/task?function=reinstallServer`);
    const post = await call(sim, 'POST', `/dedicated/server/${sn}/reinstall`, {
      body: { operatingSystem: 'debian12_64' },
    });

    expect(list.body).toEqual([taskId]);
    expect((await task(taskId)).status).toBe('doing');
    expect(post.body).toMatchObject({ class: 'Client::BadRequest::TaskAlreadyExists' });
  });

  it('moves tasks forward through the HTTP clock endpoint', async () => {
    const { taskId } = (
      await call(sim, 'POST', `/dedicated/server/${sn}/reinstall`, {
        body: { operatingSystem: 'debian12_64' },
      })
    ).body as TaskResponse;

    const advanced = await call(sim, 'POST', '/_sim/clock', { body: { advanceMs: 700_000 } });

    expect(advanced.body).toMatchObject({ now: expect.any(Number) as number });
    expect((await task(taskId)).status).toBe('done');
  });
});

describe('reinstall tasks at high speed', () => {
  it('finishes in about a second of sim time at speed 600', async () => {
    const sim = await startSimulator({ speed: 600, startTime: START });
    const sn = serverName(sim, 1);
    const { taskId } = (
      await call(sim, 'POST', `/dedicated/server/${sn}/reinstall`, {
        body: { operatingSystem: 'debian12_64' },
      })
    ).body as TaskResponse;

    sim.control.advanceClock(1_200);
    const res = await call(sim, 'GET', `/dedicated/server/${sn}/task/${taskId}`);
    await sim.close();

    expect(res.body).toMatchObject({ status: 'done' });
  });
});
