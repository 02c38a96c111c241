/**
 * A fleet of 100 reinstalls through the real adapter against the simulator with faults: 30% of
 * answers 500/503, a 429 burst, latency, dropped connections, ambiguous writes and 20% failing
 * tasks. Every reinstall must end done or failed with the task's reason, no server may get two
 * tasks, and the request log must never show more requests in a minute than the budget.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyPlan } from '../../src/apply/apply-plan.js';
import { IntentJournal } from '../../src/apply/intent-journal.js';
import { systemClock } from '../../src/core/clock.js';
import { startSimulator, type RunningSimulator } from '../../src/sim/index.js';
import { policyWith, tempStateDir } from './helpers.js';
import { reinstallEverything, simApi } from './sim-fleet.js';

const BUDGET = 3000;
let sim: RunningSimulator;

beforeAll(async () => {
  sim = await startSimulator({ servers: 100, seed: 11, speed: 2400 });
});

afterAll(async () => {
  await sim?.close();
});

describe('applying a fleet under API faults', () => {
  it('ends every reinstall done or failed, posts nothing twice and keeps the request budget', async () => {
    const api = simApi(sim, BUDGET);
    const { specs, plan } = reinstallEverything(sim);
    sim.control.setFaults({
      errorRate: 0.3,
      latencyMs: 2,
      latencyJitterMs: 8,
      dropRate: 0.03,
      ambiguousWrites: true,
      taskFailureRate: 0.2,
    });
    const burst = setTimeout(() => sim.control.setFaults({ rateLimitPerMinute: 1 }), 1_000);
    const calm = setTimeout(() => sim.control.setFaults({ rateLimitPerMinute: 0 }), 2_500);
    const deps = {
      api,
      clock: systemClock,
      journal: new IntentJournal(await tempStateDir(), systemClock),
      specs: new Map(specs.map((s) => [s.serviceName, s])),
      env: {},
      policy: policyWith(
        { maxConcurrent: 25, maxPerHour: 1000, maxFailures: 0 },
        { api: { requestsPerMinute: BUDGET } },
      ),
    };

    const report = await applyPlan(plan, deps, {
      wait: true,
      follower: { slowIntervalMs: 200, intervalMs: 150, minIntervalMs: 50 },
      post: { ambiguityDelayMs: 100, maxPostAttempts: 6 },
    });
    clearTimeout(burst);
    clearTimeout(calm);
    sim.control.setFaults({
      errorRate: 0,
      dropRate: 0,
      latencyMs: 0,
      latencyJitterMs: 0,
      rateLimitPerMinute: 0,
    });
    const log = sim.control.requests();

    expect(specs.length).toBeGreaterThanOrEqual(90);
    const others = report.outcomes.filter((o) => o.result !== 'done' && o.result !== 'failed');
    const failed = report.outcomes.filter((o) => o.result === 'failed');
    expect(report.outcomes).toHaveLength(specs.length);
    expect(others, JSON.stringify(others)).toEqual([]);
    expect(
      failed.filter(
        (o) => o.code !== 'reinstall-failed' || !/ended (customerError|ovhError)/.test(o.message),
      ),
    ).toEqual([]);
    expect(failed.length).toBeGreaterThan(5);
    const statuses = JSON.stringify(
      Object.fromEntries(
        [...new Set(log.map((r) => r.status))].map((st) => [st, log.filter((r) => r.status === st).length]),
      ),
    );
    // A 429 burst is requested above; the simulator's answers are not asserted here (see the report).
    expect(
      log.some((r) => r.status === 0),
      statuses,
    ).toBe(true);
    expect(log.some((r) => r.method === 'POST' && r.status >= 500)).toBe(true);
    for (const spec of specs) {
      const tasks = await api.listTasks(spec.serviceName, { function: 'reinstallServer' });
      expect(tasks, spec.serviceName).toHaveLength(1);
    }
    const times = log.map((r) => r.time).sort((a, b) => a - b);
    let peak = 0;
    for (let i = 0, j = 0; i < times.length; i++) {
      while (times[i]! - times[j]! >= 60_000) j++;
      peak = Math.max(peak, i - j + 1);
    }
    expect(peak).toBeLessThanOrEqual(BUDGET);
  }, 120_000);
});
