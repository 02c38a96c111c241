/**
 * The executor never posts a reinstall whose erasure the plan does not state (`erases: null`):
 * even a plan built by hand, or by an older planner, is refused per server with
 * `erasure-unknown`, against the simulator through the real adapter.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyPlan } from '../../src/apply/apply-plan.js';
import { systemClock } from '../../src/core/clock.js';
import type { OvhApi } from '../../src/ovh/ovh-api.js';
import { startSimulator, type RunningSimulator } from '../../src/sim/index.js';
import { entry, makeDeps, makeSpec, planOf } from './helpers.js';
import { simApi } from '../support/sim-api.js';

let sim: RunningSimulator;
let api: OvhApi;

beforeAll(async () => {
  sim = await startSimulator({ servers: 4, seed: 5, speed: 100 });
  api = simApi(sim);
});

afterAll(async () => {
  await sim?.close();
});

describe('applyPlan and unknown erasures', () => {
  it('posts the reinstall whose erasure is known and refuses the one whose erasure is unknown', async () => {
    const [known, unknown] = sim.control
      .account()
      .filter((s) => s.compatibleTemplates.ovh.includes('debian12_64'));
    const names = [known!.server.name, unknown!.server.name];
    const specs = names.map((n) => makeSpec(n, 'debian12_64'));
    const plan = planOf([
      entry(names[0]!, 'reinstall', 'spec-changed', { erases: [] }),
      entry(names[1]!, 'reinstall', 'spec-changed', { erases: null }),
    ]);
    sim.control.clearRequests();

    const report = await applyPlan(plan, await makeDeps(api, systemClock, specs), { wait: false });

    const posts = sim.control.requests().filter((r) => r.method === 'POST');
    expect(posts.map((r) => r.path)).toEqual([`/dedicated/server/${names[0]}/reinstall`]);
    const refused = report.outcomes.find((o) => o.serviceName === names[1]);
    expect([refused?.result, refused?.code, refused?.posted]).toEqual([
      'not-started',
      'erasure-unknown',
      false,
    ]);
  });
});
