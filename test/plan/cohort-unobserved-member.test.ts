/**
 * A cohort member the API failed to answer for this cycle (found by review 4; docs/plan.md,
 * "Canaries and halts", "A server not observed this cycle"). Before the fix: a server's cohort is computed from this cycle's observation (`commercialRange`). When the
 * API fails for ONE server (a 5xx or timeout on its GET /dedicated/server, its cached observation
 * expired), observeFleet leaves it unobserved and the planner puts it in `<os>/unknown-hardware`.
 * If that server is its cohort's canary (verifying) or its cohort's unhealthy server, it silently
 * leaves its real cohort for that cycle: the real cohort picks a new canary among the candidates
 * and starts it, or its halt is lifted and a reinstall starts past it. The other servers were
 * observed fine (their hardware was read), so nothing else holds them.
 */
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../src/core/virtual-clock.js';
import { MemoryObservationCache, observeFleet } from '../../src/observe/index.js';
import { OvhApiError } from '../../src/ovh/errors.js';
import { historyFromRecords } from '../../src/apply/rollout-history.js';
import { RolloutGate } from '../../src/apply/rollout-gate.js';
import { makePlan } from '../../src/plan/make-plan.js';
import { NOW } from './helpers.js';
import { FakeOvhApi } from '../support/fake-ovh-api.js';
import type { Plan, PlanInput } from '../../src/plan/types.js';
import { fleetOf, many } from './cohort-fixtures.js';

function actions(plan: Plan): Record<string, string> {
  return Object.fromEntries(plan.servers.map((s) => [s.serviceName, `${s.action}/${s.reason}`]));
}

/** a01's observation failed this cycle (observeFleet sets nothing for it). */
function withoutObservationOf(input: PlanInput, name: string): PlanInput {
  const observed = new Map(input.observed);
  observed.delete(name);
  return { ...input, observed };
}

describe('a cohort member the API failed to answer for, this cycle (review4)', () => {
  it('an unhealthy server still halts its cohort (no reinstall starts in it)', () => {
    const input = fleetOf([{ name: 'a01', kind: 'unhealthy' }, ...many('a', 4, 'candidate').slice(1)], {
      maxConcurrent: 4,
    });
    // Sanity: observed, the cohort is halted.
    expect(Object.values(actions(makePlan(input))).filter((a) => a.startsWith('reinstall/'))).toEqual([]);

    const plan = makePlan(withoutObservationOf(input, 'a01'));

    expect(actions(plan)).toEqual({
      a01: expect.stringMatching(/^none\//) as string,
      a02: 'deferred/rollout-halted',
      a03: 'deferred/rollout-halted',
      a04: 'deferred/rollout-halted',
    });
  });

  it('a canary still verifying keeps the rest of its cohort waiting', () => {
    const input = fleetOf([{ name: 'a01', kind: 'verifying' }, ...many('a', 4, 'candidate').slice(1)], {
      canary: { count: 1 },
      maxConcurrent: 4,
    });
    // Sanity: observed, a01 (started at its digest) is the canary and the others wait.
    expect(actions(makePlan(input))).toMatchObject({ a02: 'deferred/canary-pending' });

    const plan = makePlan(withoutObservationOf(input, 'a01'));

    expect(actions(plan)).toMatchObject({
      a02: 'deferred/canary-pending',
      a03: 'deferred/canary-pending',
      a04: 'deferred/canary-pending',
    });
  });

  it("the executor's re-check (rollout gate) lets a02 start past the halt too", () => {
    const input = withoutObservationOf(
      fleetOf([{ name: 'a01', kind: 'unhealthy' }, ...many('a', 4, 'candidate').slice(1)], {
        maxConcurrent: 4,
      }),
      'a01',
    );
    const plan = makePlan(input);
    const gate = new RolloutGate(
      input.policy,
      new VirtualClock(NOW),
      historyFromRecords(input.applied, plan),
      [],
      false,
    );

    expect(gate.check({ serviceName: 'a02', labels: {} })).toMatchObject({
      ok: false,
      reason: 'rollout-halted',
    });
  });

  it('(the bridge) observeFleet leaves a server unobserved when its GET fails: the input above', async () => {
    const clock = new VirtualClock();
    const fake = new FakeOvhApi(clock);
    for (const n of ['a01', 'a02']) fake.addServer(n);
    const api = new Proxy(fake, {
      get(target, prop, receiver) {
        if (prop === 'getServer')
          return async (name: string, ...rest: unknown[]) => {
            if (name === 'a01')
              throw new OvhApiError({
                code: 'api-unavailable',
                disposition: 'transient',
                message: 'HTTP 503',
                method: 'GET',
                path: `/dedicated/server/${name}`,
                status: 503,
              });
            return (target.getServer as (...a: unknown[]) => unknown).call(target, name, ...rest);
          };
        return Reflect.get(target, prop, receiver) as unknown;
      },
    });
    const result = await observeFleet(api, ['a01', 'a02'], { cache: new MemoryObservationCache(), clock });

    // The plan of the daemon is then made with a01 missing from `observed` (cycle not aborted).
    expect(result.errors.map((e) => e.serviceName)).toEqual(['a01']);
    expect(result.observed.has('a01')).toBe(false);
    expect(result.observed.get('a02')?.presence).toBe('present');
  });
});
