/**
 * The never-twice promise against a task list that lags. The simulator loses the answer of the
 * reinstall POST (the task IS created) and its task list leaves out tasks younger than five
 * minutes. Neither the looks after the ambiguous POST, nor a restarted run's reconciliation,
 * may take that silence for "no task": exactly one POST reaches OVHcloud, whatever OVHcloud
 * would answer to a second one. Runs on the simulator's clock (test/apply/sim-clock.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyPlan } from '../../src/apply/apply-plan.js';
import { IntentJournal } from '../../src/apply/intent-journal.js';
import { startSimulator, type RunningSimulator } from '../../src/sim/index.js';
import { planOf, policyWith, tempStateDir } from './helpers.js';
import { SimEventClock, simEventApi } from './sim-clock.js';
import { reinstallEverything } from './sim-fleet.js';

const MINUTE = 60_000;
let sim: RunningSimulator;

beforeAll(async () => {
  sim = await startSimulator({ servers: 1, seed: 5 });
});

afterAll(async () => {
  await sim?.close();
});

describe('a reinstall whose answer is lost, with a task list that lags', () => {
  it('is posted once: no re-POST after the looks, none at a restart, adopted once the list shows it', async () => {
    const clock = new SimEventClock(sim);
    const api = simEventApi(sim, 1_000, clock);
    const { specs, plan: wanted } = reinstallEverything(sim);
    const plan = planOf(wanted.servers.slice(0, 1));
    const serviceName = plan.servers[0]?.serviceName as string;
    // The client signs with the real time; the simulator's clock runs ahead of it.
    sim.control.setFaults({ lostReinstallAnswers: 1, taskListLagMs: 5 * MINUTE, timestampToleranceSec: 0 });
    sim.control.clearRequests();
    clock.start();
    const deps = {
      api,
      clock,
      journal: new IntentJournal(await tempStateDir(), clock),
      specs: new Map(specs.map((s) => [s.serviceName, s])),
      env: {},
      policy: policyWith({ maxConcurrent: 5, maxPerHour: 100 }),
    };
    const run = () =>
      applyPlan(plan, deps, {
        wait: false,
        post: { ambiguityChecks: 3, ambiguityDelayMs: 2_000, maxPostAttempts: 3 },
      });

    let first, restarted, later;
    try {
      first = await run();
      sim.control.setFaults({ lostReinstallAnswers: 0 });
      sim.control.advanceClock(2 * MINUTE); // a restart while the list still lags
      restarted = await run();
      sim.control.advanceClock(4 * MINUTE); // the list shows the task now
      later = await run();
    } finally {
      clock.stop();
      sim.control.setFaults({ lostReinstallAnswers: 0, taskListLagMs: 0, timestampToleranceSec: 300 });
    }
    const posts = sim.control
      .requests()
      .filter((r) => r.method === 'POST' && r.path === `/dedicated/server/${serviceName}/reinstall`);

    expect(posts.map((p) => p.status)).toEqual([0]); // one POST, its answer lost
    expect(first.outcomes.map((o) => [o.result, o.code])).toEqual([['not-started', 'reinstall-unconfirmed']]);
    expect(first.outcomes[0]?.message).toMatch(/may lag.*nothing is posted again/);
    expect(restarted.outcomes.map((o) => [o.result, o.code])).toEqual([
      ['not-started', 'reinstall-unconfirmed'],
    ]);
    expect(restarted.outcomes[0]?.message).toMatch(/does not show yet/);
    expect(later.outcomes.map((o) => o.result)).toEqual(['running']);
    expect(later.outcomes[0]?.taskId).toEqual(expect.any(Number));
  }, 60_000);
});
