/**
 * The rollout gate re-checks the cohort rules at the moment each reinstall starts, with the
 * planner's functions: a verdict that arrived after the plan was made (a canary found unhealthy,
 * an inconclusive one) stops the starts of its cohort; servers verifying count in flight; the
 * other cohorts are not touched.
 */
import { describe, expect, it } from 'vitest';
import { historyFromRecords } from '../../src/apply/rollout-history.js';
import { RolloutGate } from '../../src/apply/rollout-gate.js';
import { VirtualClock } from '../../src/core/virtual-clock.js';
import { makePlan } from '../../src/plan/make-plan.js';
import type { PlanInput } from '../../src/plan/types.js';
import { buildServer, fleetOf, many, type ServerPlan } from '../plan/cohort-fixtures.js';
import { NOW } from '../plan/helpers.js';

const CANARY: ServerPlan = { name: 'a01', kind: 'canary-ready' };
const REST = many('a', 3, 'candidate').slice(1);
const OTHER: ServerPlan = { name: 'b01', kind: 'candidate', range: 'scale' };

/** The records of `input` with `name`'s replaced by the record of a server of `kind`. */
function recordsWith(input: PlanInput, server: ServerPlan): PlanInput['applied'] {
  return new Map([...input.applied, [server.name, buildServer(server).record]]);
}

function gateFor(input: PlanInput, records: PlanInput['applied']): RolloutGate {
  const plan = makePlan(input);
  return new RolloutGate(input.policy, new VirtualClock(NOW), historyFromRecords(records, plan), [], false);
}

describe('the rollout gate and the cohort rules', () => {
  const input = fleetOf([CANARY, ...REST, OTHER], { canary: { count: 1 } });

  it('admits what the plan admits when nothing changed since', () => {
    const gate = gateFor(input, input.applied);

    expect(makePlan(input).summary.reinstall).toBe(3);
    expect(gate.check({ serviceName: 'a02', labels: {} })).toEqual({ ok: true });
  });

  it('refuses the rest of a cohort whose canary was found unhealthy after the plan was made', () => {
    const gate = gateFor(input, recordsWith(input, { name: 'a01', kind: 'unhealthy' }));

    expect(gate.check({ serviceName: 'a02', labels: {} })).toEqual({
      ok: false,
      reason: 'rollout-halted',
      notBefore: null,
      waitable: false,
    });
    expect(gate.check({ serviceName: 'b01', labels: {} })).toEqual({ ok: true });
  });

  it('pauses a cohort whose canary verification turned inconclusive', () => {
    const gate = gateFor(input, recordsWith(input, { name: 'a01', kind: 'inconclusive' }));

    expect(gate.check({ serviceName: 'a03', labels: {} })).toMatchObject({
      ok: false,
      reason: 'canary-pending',
    });
  });

  it('counts servers verifying in flight', () => {
    const busy = fleetOf([{ name: 'v01', kind: 'verifying', range: 'rise' }, OTHER], { maxConcurrent: 1 });
    const gate = gateFor(busy, busy.applied);

    expect(makePlan(busy).servers.find((s) => s.serviceName === 'b01')?.reason).toBe('concurrency-limit');
    expect(gate.check({ serviceName: 'b01', labels: {} })).toMatchObject({
      ok: false,
      reason: 'concurrency-limit',
    });
  });
});
