/**
 * The adaptive follow schedule (the default) on the in-memory fake with a virtual clock: what one
 * realistic 11-minute reinstall costs to follow (calls by kind), that its progress is shown, and
 * how soon after OVHcloud's end (the task's doneDate) the follower sees it.
 */
import { describe, expect, it } from 'vitest';
import { followTask, type FollowerOptions } from '../../src/apply/task-follower.js';
import { VirtualClock } from '../../src/core/virtual-clock.js';
import type { FollowProgress } from '../../src/records/outcomes.js';
import { FakeOvhApi, STEP_NAMES } from '../support/fake-ovh-api.js';

const SN = 'ns1.ip-1-1-1.eu';
const ELEVEN_MIN = 660_000;

function setup(server: Parameters<FakeOvhApi['addServer']>[1] = {}, installMs = ELEVEN_MIN - 30_000) {
  const clock = new VirtualClock();
  const api = new FakeOvhApi(clock);
  api.queueMs = 15_000; // init 15 s, todo 15 s
  api.installMs = installMs;
  api.addServer(SN, server);
  const startedAt = clock.now();
  const taskId = api.startForeignTask(SN, 'debian12_64');
  const doneAt = startedAt + 2 * api.queueMs + installMs;
  const progress: FollowProgress[] = [];
  const follow = (options: Partial<FollowerOptions> = {}) =>
    clock.runUntil(
      followTask(
        { serviceName: SN, taskId, expectedOs: 'debian12_64', startedAt },
        { api, clock, options, onProgress: (p) => progress.push(p) },
      ),
      4 * 3_600_000,
      1_000,
    );
  const count = (method: string) => api.calls.filter((c) => c.method === method).length;
  return { clock, api, startedAt, doneAt, progress, follow, count };
}

describe('the adaptive follower', () => {
  it('follows an 11-minute reinstall of known duration with one progress look, one task read and the read-back', async () => {
    const { follow, progress, count, doneAt } = setup();

    const outcome = await follow({ estimateDurationMs: () => ELEVEN_MIN });

    expect(outcome.result).toBe('done');
    expect({
      progress: count('getInstallProgress'),
      task: count('getTask'),
      server: count('getServer'),
    }).toEqual({ progress: 1, task: 1, server: 1 });
    expect(progress.some((p) => p.steps === STEP_NAMES.length && p.step !== null && p.currentStep)).toBe(
      true,
    );
    expect(outcome.doneAt).toBe(doneAt);
    expect(outcome.taskDurationMs).toBe(ELEVEN_MIN);
    expect(outcome.endedAt - doneAt).toBeGreaterThanOrEqual(0);
    expect(outcome.endedAt - doneAt).toBeLessThanOrEqual(60_000);
  });

  it('without a known duration, estimates from the steps and still sees the end within a minute', async () => {
    const { follow, count, doneAt, api } = setup();

    const outcome = await follow();

    expect(outcome.result).toBe('done');
    expect(outcome.endedAt - doneAt).toBeLessThanOrEqual(60_000);
    expect(api.calls.length).toBeLessThanOrEqual(7);
    expect(count('getServer')).toBe(1);
  });

  it('keeps looking every nearIntervalMs at a task later than expected, with its progress shown again', async () => {
    const { follow, api, doneAt, progress } = setup({}, 20 * 60_000);

    const outcome = await follow({ estimateDurationMs: () => ELEVEN_MIN, nearIntervalMs: 45_000 });
    const looks = api.calls.filter((c) => c.method !== 'getServer').map((c) => c.at);
    const afterExpected = looks.filter((at) => at >= looks[0]! + ELEVEN_MIN / 2);

    expect(outcome.result).toBe('done');
    expect(outcome.endedAt - doneAt).toBeLessThanOrEqual(45_000);
    expect(afterExpected.slice(1).every((at, i) => at - afterExpected[i]! <= 45_000)).toBe(true);
    expect(progress.filter((p) => p.step !== null).length).toBeGreaterThan(2);
  });

  it('reads only the task while it is queued', async () => {
    const { follow, api, startedAt } = setup();
    api.queueMs = 10 * 60_000; // 20 minutes queued

    const outcome = await follow({ estimateDurationMs: () => ELEVEN_MIN });
    const first = api.calls[0]!.at;
    const queuedLooks = api.calls.filter((c) => c.at > first && c.at < startedAt + 20 * 60_000);

    expect(outcome.result).toBe('done');
    expect(queuedLooks.length).toBeGreaterThan(3);
    expect(queuedLooks.every((c) => c.method === 'getTask')).toBe(true);
    expect(api.calls.length).toBeLessThanOrEqual(queuedLooks.length + 8);
  });

  it('reports a failure with its failed step', async () => {
    const { follow } = setup({ failWith: { status: 'customerError', comment: 'no space left on /boot' } });

    const outcome = await follow({ estimateDurationMs: () => ELEVEN_MIN });

    expect(outcome.result).toBe('failed');
    expect(outcome.taskStatus).toBe('customerError');
    expect(outcome.failedStep).toContain('no space left on /boot');
  });

  it('never looks more often than the request budget floor', async () => {
    const { follow, api } = setup({}, 20 * 60_000);

    await follow({ estimateDurationMs: () => ELEVEN_MIN, intervalFloorMs: () => 90_000 });
    const looks = api.calls.filter((c) => c.method !== 'getServer').map((c) => c.at);
    const distinct = [...new Set(looks)];

    expect(distinct.slice(1).every((at, i) => at - distinct[i]! >= 90_000)).toBe(true);
  });
});
