/**
 * Halting (docs/plan.md, "Canaries and halts"): unhealthy servers halt their cohort
 * (`rollout.maxUnhealthy.cohort`) or the fleet (`maxUnhealthy.fleet`, and `maxFailures` with the
 * failed reinstalls); an inconclusive verification pauses its cohort only; an operator lifts a
 * halt in git by acknowledging the servers, or by a spec change for them.
 */
import { describe, expect, it } from 'vitest';
import { makePlan } from '../../src/plan/make-plan.js';
import type { Plan, PlanServer } from '../../src/plan/types.js';
import { cohortKey, digestOf, fleetOf, many, buildServer, type ServerPlan } from './cohort-fixtures.js';

function entry(plan: Plan, name: string): PlanServer {
  const found = plan.servers.find((s) => s.serviceName === name);
  if (!found) throw new Error(`no entry for ${name}`);
  return found;
}

function reinstalled(plan: Plan): string[] {
  return plan.servers.filter((s) => s.action === 'reinstall').map((s) => s.serviceName as string);
}

const SICK: ServerPlan = { name: 'a00', kind: 'unhealthy' };
const OTHER = many('b', 2, 'candidate', { range: 'scale' });

describe('halting a rollout', () => {
  it('halts the cohort of an unhealthy server, and only that cohort', () => {
    const plan = makePlan(fleetOf([SICK, ...many('a', 2, 'candidate'), ...OTHER]));

    expect(entry(plan, 'a01')).toMatchObject({ action: 'deferred', reason: 'rollout-halted' });
    expect(entry(plan, 'a01').message).toContain('cohort debian12_64/advance: 1 unhealthy, limit 1');
    expect(reinstalled(plan)).toEqual(['b01', 'b02']);
    const ack = `a00@${digestOf(buildServer(SICK).spec)}`;
    expect(plan.halts).toEqual([
      {
        scope: 'cohort',
        cohort: cohortKey(),
        reason: 'rollout-halted',
        message: expect.stringContaining('cohort debian12_64/advance halted') as unknown as string,
        servers: ['a00'],
        acknowledge: [ack],
      },
    ]);
  });

  it('never reinstalls the unhealthy server again at the same digest', () => {
    const plan = makePlan(fleetOf([SICK]));

    expect(entry(plan, 'a00')).toMatchObject({ action: 'none', reason: 'last-attempt-failed' });
    expect(entry(plan, 'a00').message).toContain('unhealthy');
  });

  it('never reinstalls a server verifying at its digest, and counts it in flight', () => {
    const verifying = buildServer({ name: 'a00', kind: 'verifying' });
    // Its record does not say the digest was applied: the verification alone keeps it from a reinstall.
    const noApplied = { ...verifying.record, lastApplied: null };
    const base = fleetOf([{ name: 'a00', kind: 'verifying' }, ...OTHER], { maxConcurrent: 2 });
    const plan = makePlan({ ...base, applied: new Map([...base.applied, ['a00', noApplied]]) });

    expect(entry(plan, 'a00')).toMatchObject({ action: 'none', reason: 'in-sync' });
    expect(reinstalled(plan)).toEqual(['b01']);
    expect(entry(plan, 'b02').reason).toBe('concurrency-limit');
  });

  it('counts in flight a server whose task just ended, before a status commit says verifying or ready', () => {
    // As the plan step's reading of the shared record of intent leaves it: reinstalling, attempt done.
    const plan = makePlan(
      fleetOf([{ name: 'a00', kind: 'canary-task-ended' }, ...OTHER], { maxConcurrent: 2 }),
    );

    expect(entry(plan, 'a00')).toMatchObject({ action: 'none', reason: 'in-sync' });
    expect(reinstalled(plan)).toEqual(['b01']);
    expect(entry(plan, 'b02').reason).toBe('concurrency-limit');
  });

  it('lifts the halt when the operator acknowledges the unhealthy server by SERVICE@DIGEST', () => {
    const halted = makePlan(fleetOf([SICK, ...many('a', 2, 'candidate')]));
    const ack = halted.halts?.[0]?.acknowledge ?? [];

    const lifted = makePlan(
      fleetOf([SICK, ...many('a', 2, 'candidate')], {}, { acknowledgedVerifications: ack }),
    );

    expect(ack).toHaveLength(1);
    expect(lifted.halts).toEqual([]);
    expect(reinstalled(lifted)).toEqual(['a01', 'a02']);
    expect(entry(lifted, 'a00').reason).toBe('last-attempt-failed');
  });

  it('lifts the halt when a spec change asks for a new attempt on the unhealthy server', () => {
    const base = fleetOf([SICK, ...many('a', 2, 'candidate')]);
    const fixed = base.specs.map((s) =>
      s.serviceName === 'a00' ? { ...s, reinstall: { generation: 5, protect: false } } : s,
    );

    const plan = makePlan({ ...base, specs: fixed });

    expect(plan.halts).toEqual([]);
    expect(reinstalled(plan)).toEqual(['a00', 'a01', 'a02']);
  });

  it('halts the cohort at the fraction of its servers given by maxUnhealthy', () => {
    const sick: ServerPlan[] = [
      { name: 'a00', kind: 'unhealthy' },
      { name: 'a05', kind: 'unhealthy' },
    ];
    const servers = [
      ...sick,
      ...many('a', 4, 'in-sync').map((s, i) => ({ ...s, name: `a1${i}` })),
      ...many('a', 2, 'candidate'),
    ];
    const at = (fraction: number) =>
      makePlan(fleetOf(servers, { maxUnhealthy: { cohort: { fraction }, fleet: { count: 100 } } }));

    // 8 servers: 0.25 → 2 (halted at 2 unhealthy); 0.3 → 3 (not yet).
    expect(reinstalled(at(0.25))).toEqual([]);
    expect(reinstalled(at(0.3))).toEqual(['a01', 'a02']);
  });

  it('halts the whole fleet at maxUnhealthy.fleet', () => {
    const servers: ServerPlan[] = [
      SICK,
      { name: 'b00', kind: 'unhealthy', range: 'scale' },
      ...many('c', 2, 'candidate', { range: 'rise' }),
    ];

    const plan = makePlan(fleetOf(servers, { maxUnhealthy: { cohort: { count: 5 }, fleet: { count: 2 } } }));

    expect(reinstalled(plan)).toEqual([]);
    expect(entry(plan, 'c01').reason).toBe('rollout-halted');
    expect(plan.halts?.[0]).toMatchObject({ scope: 'fleet', cohort: null, servers: ['a00', 'b00'] });
  });

  it('counts unhealthy servers toward maxFailures with the failed reinstalls', () => {
    const servers: ServerPlan[] = [
      SICK,
      { name: 'b00', kind: 'failed', range: 'scale' },
      ...many('c', 2, 'candidate', { range: 'rise' }),
    ];
    const limits = { maxUnhealthy: { cohort: { count: 5 }, fleet: { count: 5 } } };

    const two = makePlan(fleetOf(servers, { ...limits, maxFailures: 2 }));
    const three = makePlan(fleetOf(servers, { ...limits, maxFailures: 3 }));

    expect(entry(two, 'c01').reason).toBe('rollout-halted');
    expect(reinstalled(three)).toEqual(['c01', 'c02']);
  });

  it('pauses only the cohort of an inconclusive verification, naming what it waits for', () => {
    const plan = makePlan(
      fleetOf([{ name: 'a00', kind: 'inconclusive' }, ...many('a', 2, 'candidate'), ...OTHER]),
    );

    expect(entry(plan, 'a01')).toMatchObject({
      action: 'deferred',
      reason: 'canary-pending',
      waitsFor: ['a00'],
    });
    expect(reinstalled(plan)).toEqual(['b01', 'b02']);
    expect(plan.halts).toMatchObject([{ scope: 'cohort', reason: 'canary-pending', servers: ['a00'] }]);
  });

  it('puts a fleet-wide halt above the mass-reinstall guard, like the circuit breaker', () => {
    const servers: ServerPlan[] = [
      SICK,
      { name: 'b00', kind: 'unhealthy', range: 'scale' },
      ...many('c', 4, 'candidate', { range: 'rise' }),
    ];

    const plan = makePlan(fleetOf(servers, { maxFleetFraction: 0.1 }));

    expect(entry(plan, 'c01').reason).toBe('rollout-halted');
  });
});
