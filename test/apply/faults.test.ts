/**
 * A fleet of 100 reinstalls through the real adapter against the simulator with faults: 30% of
 * answers 500/503, latency, dropped connections, ambiguous writes, 20% failing tasks, and
 * 429 bursts: for three minutes of the run the simulator allows fewer requests per minute than
 * the client's own budget. Every reinstall must end done or failed with the task's reason, no
 * server may get two tasks, and no minute of the request log may hold more requests than the
 * client's budget.
 *
 * Why the first version never saw a 429: the burst was switched on by a wall-clock timer, one
 * to 2.5 s into the run, whatever the executor was doing; the simulator counts requests only
 * while a limit is set, so a 429 needed two requests in that 1.5 s, and the start of a run
 * (catalog, then 25 fresh TLS connections at ~90 ms of CPU each) often sent none. When 429s did
 * come, their Retry-After (to the end of the simulator's minute) held the adapter for up to 30 s.
 * Here everything runs on the simulator's clock as a discrete-event simulation
 * (test/apply/sim-clock.ts: when no request is in flight, time jumps to the next sleeper):
 * Retry-After is honoured in full at no real cost, the client's budget minute is the
 * simulator's minute, and the bursts are placed in simulator minutes, so they always meet
 * traffic.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyPlan } from '../../src/apply/apply-plan.js';
import { IntentJournal } from '../../src/apply/intent-journal.js';
import { startSimulator, type RunningSimulator } from '../../src/sim/index.js';
import { policyWith, tempStateDir } from './helpers.js';
import { SimEventClock, simEventApi } from './sim-clock.js';
import { reinstallEverything } from './sim-fleet.js';

const MINUTE = 60_000;
/** The client's budget; the simulator allows SERVER_LIMIT during the bursts. */
const BUDGET = 200;
const SERVER_LIMIT = 60;
let sim: RunningSimulator;

beforeAll(async () => {
  // Tasks live 665 s / 5.5 = 2 simulated minutes.
  sim = await startSimulator({ servers: 100, seed: 11, speed: 5.5 });
});

afterAll(async () => {
  await sim?.close();
});

describe('applying a fleet under API faults', () => {
  it('ends every reinstall done or failed, posts nothing twice, meets 429 bursts and keeps the budget', async () => {
    const clock = new SimEventClock(sim);
    const api = simEventApi(sim, BUDGET, clock);
    const { specs, plan } = reinstallEverything(sim);
    sim.control.setFaults({
      errorRate: 0.3,
      latencyMs: 1,
      latencyJitterMs: 3,
      dropRate: 0.03,
      ambiguousWrites: true,
      taskFailureRate: 0.2,
      // The client signs with the real time; the simulator's clock runs ahead of it.
      timestampToleranceSec: 0,
    });
    sim.control.clearRequests();
    const start = clock.now();
    // Bursts in simulator minutes 1, 2 and 3 after the start: whole fixed windows of the simulator.
    const burstFrom = (Math.floor(start / MINUTE) + 1) * MINUTE;
    const burstTo = burstFrom + 3 * MINUTE;
    const switcher = setInterval(() => {
      const now = clock.now();
      const limit = now >= burstFrom && now < burstTo ? SERVER_LIMIT : 0;
      if (sim.control.faults().rateLimitPerMinute !== limit)
        sim.control.setFaults({ rateLimitPerMinute: limit });
    }, 2);
    const loopDelay = monitorEventLoopDelay({ resolution: 1 });
    loopDelay.enable();
    clock.start();
    const deps = {
      api,
      clock,
      journal: new IntentJournal(await tempStateDir(), clock),
      specs: new Map(specs.map((s) => [s.serviceName, s])),
      env: {},
      policy: policyWith(
        { maxConcurrent: 25, maxPerHour: 1000, maxFailures: Number.MAX_SAFE_INTEGER },
        { api: { requestsPerMinute: BUDGET, steadyStateShare: 0.5 } },
      ),
    };

    let report;
    try {
      report = await applyPlan(plan, deps, {
        wait: true,
        follower: { slowIntervalMs: 20_000, intervalMs: 20_000, minIntervalMs: 2_000 },
        post: { ambiguityDelayMs: 2_000, maxPostAttempts: 6 },
      });
    } finally {
      clearInterval(switcher);
      clock.stop();
      loopDelay.disable();
      sim.control.setFaults({
        errorRate: 0,
        dropRate: 0,
        latencyMs: 0,
        latencyJitterMs: 0,
        rateLimitPerMinute: 0,
        timestampToleranceSec: 300,
      });
    }
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

    // The faults happened: drops, 5xx on POSTs, and 429 bursts inside the burst minutes only.
    const limited = log.filter((r) => r.status === 429);
    expect(log.some((r) => r.status === 0)).toBe(true);
    expect(log.some((r) => r.method === 'POST' && r.status >= 500)).toBe(true);
    // A 429 pauses the whole budget until its Retry-After (issue 14): few 429s, but some in each burst.
    expect(limited.length).toBeGreaterThanOrEqual(2);
    expect(limited.every((r) => r.time >= burstFrom && r.time < burstTo)).toBe(true);
    expect(new Set(limited.map((r) => Math.floor(r.time / MINUTE))).size).toBeGreaterThanOrEqual(2);
    // Reads met them too (which reads land in a burst depends on timing: under load the
    // followers' few looks may all fall outside it, as CI saw once; any read is enough here).
    expect(limited.some((r) => r.method === 'GET')).toBe(true);

    // Nothing posted twice: one task per server, and no POST after one that was answered 200.
    for (const spec of specs) {
      const tasks = await api.listTasks(spec.serviceName, { function: 'reinstallServer' });
      expect(tasks, spec.serviceName).toHaveLength(1);
      const posts = log.filter(
        (r) => r.method === 'POST' && r.path.includes(`/${spec.serviceName}/reinstall`),
      );
      const firstOk = posts.findIndex((r) => r.status === 200);
      if (firstOk >= 0) expect(posts.slice(firstOk + 1), spec.serviceName).toEqual([]);
    }

    // The client's budget: the adapter's calls (not the official client's own /auth/time) in any
    // sliding minute of the simulator's clock, which is the budget's clock. The log stamps a
    // request when it arrives, D after its token was taken; time does not jump meanwhile, so D is
    // real time: the longest stretch of synchronous work before the request leaves (many
    // requests granted at once each build a TLS connection, ~90 ms of CPU) plus the longest time
    // a request was in flight. Requests that arrive within 60 s - D took their tokens within 60 s,
    // and at most BUDGET of them can (the budget hands tokens back in bursts exactly 60 s later,
    // so a window of a full minute over arrival times would count some twice).
    const allowance = clock.maxInFlightMs + loopDelay.max / 1e6 + 1;
    expect(allowance).toBeLessThan(10_000);
    const times = log
      .filter((r) => r.path !== '/auth/time')
      .map((r) => r.time)
      .sort((a, b) => a - b);
    let peak = 0;
    for (let i = 0, j = 0; i < times.length; i++) {
      while (times[i]! - times[j]! >= MINUTE - allowance) j++;
      peak = Math.max(peak, i - j + 1);
    }
    expect(peak).toBeLessThanOrEqual(BUDGET);
    expect(peak).toBeGreaterThan(BUDGET / 2); // the budget did bind: the check above can fail
  }, 120_000);
});
