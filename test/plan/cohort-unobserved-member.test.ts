/**
 * A cohort member the API failed to answer for this cycle (found by review 4; docs/plan.md,
 * "Canaries and halts", "A server not observed this cycle"). Before the fix, a server's cohort
 * was computed from this cycle's observation (`commercialRange`) only. When the API fails for ONE server (a 5xx or timeout on its GET /dedicated/server, its cached observation
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
import { NOW, policy, spec, verifiedRecord } from './helpers.js';
import { FakeOvhApi } from '../support/fake-ovh-api.js';
import type { Plan, PlanInput } from '../../src/plan/types.js';
import { fleetOf, many } from './cohort-fixtures.js';
import { buildStatusRecords } from '../../src/status/build-records.js';
import { parseStatusRecord, serializeStatusRecord } from '../../src/records/status-record.js';
import type { StatusRecord } from '../../src/records/types.js';

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

/** The record of `name` kept its cohort (as the status builder writes it for every managed server). */
function withRecordedCohort(input: PlanInput, name: string, cohort: string, profile: string): PlanInput {
  const applied = new Map(input.applied);
  const r = applied.get(name) as StatusRecord;
  applied.set(name, { ...r, rollout: { cohort, canary: r.rollout?.canary === true, profile } });
  return { ...input, applied };
}

function reinstalled(plan: Plan): string[] {
  return plan.servers.filter((s) => s.action === 'reinstall').map((s) => s.serviceName as string);
}

describe('a server not observed this cycle keeps the cohort its record kept', () => {
  const fleet = (): PlanInput =>
    fleetOf(
      [
        { name: 'a01', kind: 'unhealthy' },
        { name: 'a02', kind: 'candidate' },
        { name: 'b01', kind: 'candidate', range: 'scale' },
        { name: 'c01', kind: 'candidate', os: 'rocky9_64' },
      ],
      { maxConcurrent: 10 },
    );

  it('its recorded cohort stays halted; the other cohorts of its template go on', () => {
    const input = withoutObservationOf(
      withRecordedCohort(fleet(), 'a01', 'debian12_64/advance', 'advance'),
      'a01',
    );
    const plan = makePlan(input);

    expect(plan.servers.find((s) => s.serviceName === 'a01')?.cohort).toBe('debian12_64/advance');
    expect(actions(plan)).toMatchObject({ a02: 'deferred/rollout-halted' });
    expect(reinstalled(plan)).toEqual(['b01', 'c01']);
    expect(plan.halts?.map((h) => h.cohort)).toContain('debian12_64/advance');
  });

  it('with no cohort recorded, it halts every cohort of its template (fail safe), not the others', () => {
    const plan = makePlan(withoutObservationOf(fleet(), 'a01'));

    expect(plan.servers.find((s) => s.serviceName === 'a01')?.cohort).toBe('debian12_64/unobserved');
    expect(actions(plan)).toMatchObject({ a02: 'deferred/rollout-halted', b01: 'deferred/rollout-halted' });
    expect(reinstalled(plan)).toEqual(['c01']);
    const halt = plan.halts?.find((h) => h.cohort === 'debian12_64/scale');
    expect(halt).toMatchObject({ reason: 'rollout-halted', servers: ['a01'] });
    expect(halt?.message).toContain('not observed this cycle');
  });

  it('with no cohort recorded, a canary under way holds every cohort of its template (canary-pending)', () => {
    const input = fleetOf(
      [
        { name: 'a01', kind: 'verifying' },
        { name: 'a02', kind: 'candidate' },
        { name: 'b01', kind: 'candidate', range: 'scale' },
        { name: 'c01', kind: 'candidate', os: 'rocky9_64' },
      ],
      { canary: { count: 1 }, maxConcurrent: 10 },
    );
    const plan = makePlan(withoutObservationOf(input, 'a01'));

    expect(actions(plan)).toMatchObject({ a02: 'deferred/canary-pending', b01: 'deferred/canary-pending' });
    expect(plan.servers.find((s) => s.serviceName === 'b01')?.waitsFor).toEqual(['a01']);
    expect(reinstalled(plan)).toEqual(['c01']);
  });

  it('the rollout gate agrees (recorded cohort)', () => {
    const input = withoutObservationOf(
      withRecordedCohort(fleet(), 'a01', 'debian12_64/advance', 'advance'),
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
    expect(gate.check({ serviceName: 'b01', labels: {} })).toEqual({ ok: true });
  });

  it('the status records write the cohort of every managed server, and keep it while it is not observed', () => {
    const observedInput = fleet();
    const observedPlan = makePlan(observedInput);
    const build = (input: PlanInput, plan: Plan) =>
      buildStatusRecords({
        plan,
        outcomes: [],
        progress: new Map(),
        previous: input.applied,
        observed: input.observed,
        canonical: new Map(),
        specCommits: new Map(),
        now: NOW,
      });
    const first = build(observedInput, observedPlan);
    expect(first.get('a01')?.rollout).toEqual({
      cohort: 'debian12_64/advance',
      canary: false,
      profile: 'advance',
    });
    expect(first.get('b01')?.rollout).toEqual({
      cohort: 'debian12_64/scale',
      canary: false,
      profile: 'scale',
    });

    const next = withoutObservationOf({ ...observedInput, applied: first }, 'a01');
    const second = build(next, makePlan(next));
    expect(second.get('a01')?.rollout).toEqual({
      cohort: 'debian12_64/advance',
      canary: false,
      profile: 'advance',
    });
  });

  it('a recorded cohort and profile read back as written', () => {
    const r: StatusRecord = {
      ...verifiedRecord('ns1.eu', spec('ns1.eu'), 'unhealthy'),
      rollout: { cohort: 'debian12_64/advance/role=web', canary: false, profile: 'advance' },
    };
    const back = parseStatusRecord(serializeStatusRecord(r), 'status/ns1.eu.yaml');

    expect(back.diagnostics).toEqual([]);
    expect(back.record).toEqual(r);
  });
});

describe('a reinstall held back because the hardware was not read', () => {
  it('still counts toward the mass-reinstall guard (a failed call never lifts it for the others)', () => {
    const input = fleetOf(many('a', 4, 'candidate'), {}, {});
    const guarded = { ...input, policy: policy({ maxFleetFraction: 0.5, maxFailures: 100 }) };
    expect(Object.values(actions(makePlan(guarded)))).toEqual(Array(4).fill('deferred/mass-reinstall-guard'));

    const plan = makePlan(withoutObservationOf(withoutObservationOf(guarded, 'a01'), 'a02'));

    expect(actions(plan)).toEqual({
      a01: 'deferred/erasure-unknown',
      a02: 'deferred/erasure-unknown',
      a03: 'deferred/mass-reinstall-guard',
      a04: 'deferred/mass-reinstall-guard',
    });
  });
});
