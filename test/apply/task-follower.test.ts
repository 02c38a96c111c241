import { describe, expect, it } from 'vitest';
import type { FollowProgress } from '../../src/records/outcomes.js';
import { followTask } from '../../src/apply/task-follower.js';
import { VirtualClock } from '../../src/core/virtual-clock.js';
import { FakeOvhApi, STEP_NAMES } from '../support/fake-ovh-api.js';
import { FAST_FOLLOW } from './helpers.js';

const SN = 'ns1.ip-1-1-1.eu';

function setup(
  server: ConstructorParameters<typeof FakeOvhApi>[1] extends unknown
    ? Parameters<FakeOvhApi['addServer']>[1]
    : never = {},
) {
  const clock = new VirtualClock();
  const api = new FakeOvhApi(clock);
  api.addServer(SN, server);
  const taskId = api.startForeignTask(SN, 'debian12_64');
  const progress: FollowProgress[] = [];
  const follow = (options = {}, signal?: AbortSignal) =>
    followTask(
      { serviceName: SN, taskId, expectedOs: 'debian12_64', ...(signal ? { signal } : {}) },
      { api, clock, options: { ...FAST_FOLLOW, ...options }, onProgress: (p) => progress.push(p) },
    );
  return { clock, api, taskId, progress, follow };
}

describe('the task follower', () => {
  it('follows a reinstall to done, reads the server back and reports step N of M with an ETA', async () => {
    const { clock, follow, progress } = setup();

    const outcome = await clock.runUntil(follow(), 3_600_000, 500);

    expect(outcome).toMatchObject({ result: 'done', observedOs: 'debian12_64', taskStatus: 'done' });
    expect(
      progress.some(
        (p) => p.step === 3 && p.steps === STEP_NAMES.length && p.currentStep === 'Applying Partitioning',
      ),
    ).toBe(true);
    expect(progress.some((p) => p.etaMs !== null && p.etaMs > 0)).toBe(true);
    expect(outcome.steps.map((s) => s.step)).toEqual([1, 2, 3, 4, 5]);
    expect(outcome.steps.every((s) => s.endedAt !== null && s.endedAt >= s.startedAt)).toBe(true);
  });

  it('polls slowly while queued and faster while installing, with priority follow (interval schedule)', async () => {
    const { clock, follow, api } = setup();

    await clock.runUntil(follow({ schedule: 'interval' }), 3_600_000, 500);
    const gets = api.calls.filter((c) => c.method === 'getTask');
    const queued = gets.filter((c) => c.at < 20_000 + Date.UTC(2026, 10, 27, 12)).length;
    const installing = gets.length - queued;

    expect(queued).toBeLessThanOrEqual(5); // 20 s queued at a 5 s interval
    expect(installing).toBeGreaterThanOrEqual(100_000 / 3_000 - 2);
    expect(new Set(api.calls.map((c) => c.priority))).toEqual(new Set(['follow']));
  });

  it('interval schedule: without a progress listener reads no install/status and polls in proportion to the remaining time', async () => {
    const { clock, api, taskId } = setup();
    const expectedEnd = clock.now() + api.queueMs * 2 + api.installMs; // the fake task's whole life: 120 s

    const outcome = await clock.runUntil(
      followTask(
        { serviceName: SN, taskId, expectedOs: 'debian12_64' },
        {
          api,
          clock,
          options: {
            schedule: 'interval',
            expectedDurationMs: 120_000,
            minIntervalMs: 1_000,
            intervalMs: 60_000,
            slowIntervalMs: 60_000,
          },
        },
      ),
      3_600_000,
      250,
    );
    const gets = api.calls.filter((c) => c.method === 'getTask').map((c) => c.at);

    expect(outcome.result).toBe('done');
    expect(api.calls.filter((c) => c.method === 'getInstallProgress')).toEqual([]);
    expect(gets.length).toBeLessThanOrEqual(12); // a fixed 3 s interval takes 40
    expect(gets.at(-1)! - expectedEnd).toBeLessThanOrEqual(1_500);
  });

  it.each([
    ['an estimate of the duration (the median the run has seen)', () => 100_000, 1_500],
    ['no estimate (the 15-minute default)', () => null, 60_000],
  ])('interval schedule: with %s, sees the end within the expected latency', async (_, estimate, latency) => {
    const { clock, api, taskId } = setup();
    api.installMs = 80_000; // the task ends 100 s after its start
    const end = clock.now() + api.queueMs * 2 + api.installMs;

    await clock.runUntil(
      followTask(
        { serviceName: SN, taskId, expectedOs: 'debian12_64' },
        {
          api,
          clock,
          options: {
            schedule: 'interval',
            minIntervalMs: 1_000,
            estimateDurationMs: estimate,
            intervalMs: 60_000,
          },
        },
      ),
      3_600_000,
      250,
    );
    const seenDoneAt = api.calls.filter((c) => c.method === 'getTask').at(-1)!.at;

    expect(seenDoneAt - end).toBeLessThanOrEqual(latency);
    expect(seenDoneAt - end).toBeGreaterThan(latency === 1_500 ? -1 : 10_000);
  });

  it('keeps the interval at the floor the request budget allows (interval schedule)', async () => {
    const { clock, follow, api } = setup();

    await clock.runUntil(follow({ schedule: 'interval', intervalFloorMs: () => 20_000 }), 3_600_000, 500);
    const gets = api.calls.filter((c) => c.method === 'getTask').map((c) => c.at);

    expect(gets.slice(1).every((t, i) => t - gets[i]! >= 20_000)).toBe(true);
  });

  it('returns failed with OVHcloud comment and the task status', async () => {
    const { clock, follow } = setup({
      failWith: {
        status: 'customerError',
        comment: 'Partition of type primary with mountpoint / cannot fill the disk.',
      },
    });

    const outcome = await clock.runUntil(follow(), 3_600_000, 500);

    expect(outcome.result).toBe('failed');
    expect(outcome.taskStatus).toBe('customerError');
    expect(outcome.message).toContain('cannot fill the disk');
  });

  it('reports inconsistent-result when done leaves another OS', async () => {
    const { clock, follow } = setup({ inconsistent: true });

    const outcome = await clock.runUntil(follow(), 3_600_000, 500);

    expect(outcome.result).toBe('inconsistent-result');
    expect(outcome.observedOs).toBe('debian11_64');
  });

  it('decides a purged task (404) from the server it reads', async () => {
    const { clock, follow, api } = setup();
    api.retentionMs = 0;
    await clock.advance(200_000);

    const outcome = await clock.runUntil(follow(), 60_000, 500);

    expect(outcome.result).toBe('done');
    expect(outcome.message).toContain('purged');
  });

  it('reports a task without progress as stuck, keeps following, and times out at the overall limit', async () => {
    const { clock, follow, progress } = setup({ hang: true });

    const outcome = await clock.runUntil(follow({ timeoutMs: 600_000 }), 3_600_000, 1_000);

    expect(progress.filter((p) => p.stuck)).toHaveLength(1);
    expect(outcome.result).toBe('timeout');
    expect(outcome.wasStuck).toBe(true);
    expect(outcome.endedAt - outcome.startedAt).toBe(600_000);
  });

  it('stops cleanly when aborted, leaving the task running', async () => {
    const { clock, follow } = setup();
    const controller = new AbortController();

    const pending = follow({}, controller.signal);
    await clock.advance(30_000);
    controller.abort();
    const outcome = await clock.runUntil(pending, 10_000, 100);

    expect(outcome.result).toBe('interrupted');
    expect(outcome.taskStatus).toBe('doing');
  });
});
