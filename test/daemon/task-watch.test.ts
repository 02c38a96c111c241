/**
 * The daemon's task watch and a reinstall that runs longer than the task timeout (2 h): it must
 * keep following it (a long reinstall is slow, not failed), never ask for a cycle until it ends
 * (a cycle per look would be a storm), and ask exactly once when it does end. On the
 * simulator's clock (test/apply/sim-clock.ts) with the real adapter.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/core/logger.js';
import { TaskWatch } from '../../src/daemon/task-watch.js';
import { startSimulator, type RunningSimulator } from '../../src/sim/index.js';
import { SimEventClock, simEventApi } from '../apply/sim-clock.js';

const HOUR = 3_600_000;
let sim: RunningSimulator;

beforeAll(async () => {
  // speed 0.2: a reinstall lasts 665 s / 0.2 ≈ 55 simulated minutes.
  sim = await startSimulator({ servers: 1, seed: 9, speed: 0.2 });
});

afterAll(async () => {
  await sim?.close();
});

describe('the task watch and a task past the task timeout', () => {
  it('keeps following it without asking for a cycle, and asks once when it ends', async () => {
    const clock = new SimEventClock(sim);
    const api = simEventApi(sim, 600, clock);
    const serviceName = sim.control.account()[0]!.server.name;
    // The record says the task started 2 h 30 min ago; it runs 55 more minutes (OVHcloud is slow).
    const taskId = sim.control.startForeignTask(serviceName, { startedAgoMs: 0 });
    sim.control.setFaults({ timestampToleranceSec: 0 });
    const startedAt = sim.control.now() - 2.5 * HOUR;
    const ends: number[] = [];
    const stuck: boolean[] = [];
    const watch = new TaskWatch({
      api,
      clock,
      log: silentLogger(),
      requestsPerMinute: () => 600,
      onProgress: (p) => stuck.push(p.stuck),
      onEnd: () => ends.push(clock.now()),
    });
    clock.start();
    let followedAfterHalfHour;
    try {
      watch.update([{ serviceName, taskId, expectedOs: null, startedAt }]);
      await clock.sleep(HOUR / 2);
      followedAfterHalfHour = { size: watch.size, ends: ends.length };
      await clock.sleep(HOUR);
    } finally {
      await watch.stop();
      clock.stop();
      sim.control.setFaults({ timestampToleranceSec: 300 });
    }

    expect(followedAfterHalfHour).toEqual({ size: 1, ends: 0 });
    expect(ends).toHaveLength(1);
    expect(stuck.length).toBeGreaterThan(0);
    expect(stuck.every(Boolean)).toBe(true); // reported stuck: past the task timeout
  }, 60_000);
});
