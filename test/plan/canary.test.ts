/**
 * Canaries per cohort (docs/plan.md, "Canaries and halts"): the canaries of a cohort start first,
 * the rest wait (`canary-pending`) until they are ready, and the plan says which they wait for.
 */
import { describe, expect, it } from 'vitest';
import { makePlan } from '../../src/plan/make-plan.js';
import type { Plan, PlanServer } from '../../src/plan/types.js';
import { cohortKey, fleetOf, many, type ServerPlan } from './cohort-fixtures.js';

function entry(plan: Plan, name: string): PlanServer {
  const found = plan.servers.find((s) => s.serviceName === name);
  if (!found) throw new Error(`no entry for ${name}`);
  return found;
}

function actions(plan: Plan): Record<string, string> {
  return Object.fromEntries(plan.servers.map((s) => [s.serviceName, `${s.action}/${s.reason}`]));
}

describe('canaries per cohort', () => {
  it('starts only the first server of a cohort; the others wait for it, and the plan says so', () => {
    const plan = makePlan(fleetOf(many('a', 4, 'candidate'), { canary: { count: 1 } }));

    expect(actions(plan)).toEqual({
      a01: 'reinstall/spec-changed',
      a02: 'deferred/canary-pending',
      a03: 'deferred/canary-pending',
      a04: 'deferred/canary-pending',
    });
    expect(entry(plan, 'a01').canary).toBe(true);
    expect(entry(plan, 'a02')).toMatchObject({ canary: false, waitsFor: ['a01'], cohort: cohortKey() });
    expect(entry(plan, 'a02').message).toContain('canary-pending (cohort debian12_64/advance waits for a01)');
    expect(plan.cohorts).toEqual([
      {
        cohort: cohortKey(),
        servers: 4,
        candidates: 4,
        canaries: ['a01'],
        waitsFor: ['a01'],
        state: 'canaries',
      },
    ]);
  });

  it('keeps waiting while the canary is reinstalled and verified, then lets the rest go under the usual limits', () => {
    const rest = many('a', 4, 'candidate').slice(1);
    const running = makePlan(
      fleetOf([{ name: 'a01', kind: 'canary-running' }, ...rest], { canary: { count: 1 } }),
    );
    const verifying = makePlan(
      fleetOf([{ name: 'a01', kind: 'verifying' }, ...rest], { canary: { count: 1 } }),
    );
    const ready = makePlan(
      fleetOf([{ name: 'a01', kind: 'canary-ready' }, ...rest], { canary: { count: 1 }, maxConcurrent: 2 }),
    );

    expect(entry(running, 'a01')).toMatchObject({ action: 'follow', canary: true });
    expect(entry(running, 'a02')).toMatchObject({ reason: 'canary-pending', waitsFor: ['a01'] });
    // Verifying (no mark needed: already reinstalled at its digest, it counts as the canary).
    expect(entry(verifying, 'a01')).toMatchObject({ action: 'none', canary: true });
    expect(entry(verifying, 'a03')).toMatchObject({ reason: 'canary-pending', waitsFor: ['a01'] });
    expect(actions(ready)).toEqual({
      a01: 'none/in-sync',
      a02: 'reinstall/spec-changed',
      a03: 'reinstall/spec-changed',
      a04: 'deferred/concurrency-limit',
    });
    expect(ready.cohorts?.[0]?.state).toBe('proceeding');
  });

  it('does not take an old ready server as the canary of a new change unless its record marks it', () => {
    const plan = makePlan(
      fleetOf([{ name: 'a00', kind: 'in-sync' }, ...many('a', 3, 'candidate')], { canary: { count: 1 } }),
    );

    expect(entry(plan, 'a00').canary).toBe(false);
    expect(entry(plan, 'a01')).toMatchObject({ action: 'reinstall', canary: true });
    expect(entry(plan, 'a02').reason).toBe('canary-pending');
  });

  it('counts a server already started at its digest as a canary before choosing a new one', () => {
    const servers: ServerPlan[] = [...many('a', 3, 'candidate'), { name: 'a04', kind: 'running' }];

    const plan = makePlan(fleetOf(servers, { canary: { count: 1 } }));

    expect(entry(plan, 'a04')).toMatchObject({ action: 'follow', canary: true });
    expect(actions(plan)).toMatchObject({
      a01: 'deferred/canary-pending',
      a02: 'deferred/canary-pending',
      a03: 'deferred/canary-pending',
    });
  });

  it('gives each cohort (template and hardware profile) its own canaries', () => {
    const servers = [...many('a', 3, 'candidate'), ...many('b', 3, 'candidate', { range: 'scale' })];

    const plan = makePlan(fleetOf(servers, { canary: { count: 1 } }));

    expect(plan.servers.filter((s) => s.action === 'reinstall').map((s) => s.serviceName)).toEqual([
      'a01',
      'b01',
    ]);
    expect(entry(plan, 'b02')).toMatchObject({
      cohort: cohortKey('debian12_64', 'scale'),
      waitsFor: ['b01'],
    });
  });

  it('narrows cohorts by rollout.cohortLabel', () => {
    const servers = [
      ...many('a', 2, 'candidate', { labels: { role: 'web' } }),
      ...many('d', 2, 'candidate', { labels: { role: 'db' } }),
    ];

    const plan = makePlan(fleetOf(servers, { canary: { count: 1 }, cohortLabel: 'role' }));

    expect(plan.servers.filter((s) => s.action === 'reinstall').map((s) => s.serviceName)).toEqual([
      'a01',
      'd01',
    ]);
    expect(entry(plan, 'd02').cohort).toBe('debian12_64/advance/role=db');
  });

  it('rounds a fraction up over the whole cohort', () => {
    const plan = makePlan(fleetOf(many('a', 5, 'candidate'), { canary: { fraction: 0.3 } }));

    expect(plan.servers.filter((s) => s.canary).map((s) => s.serviceName)).toEqual(['a01', 'a02']);
    expect(plan.summary).toMatchObject({ reinstall: 2, deferred: 3 });
  });

  it('keeps the rest waiting for a canary whose reinstall failed, and names it', () => {
    const servers: ServerPlan[] = [{ name: 'a01', kind: 'failed' }, ...many('a', 3, 'candidate').slice(1)];

    const plan = makePlan(fleetOf(servers, { canary: { count: 1 } }));

    expect(entry(plan, 'a01')).toMatchObject({ reason: 'last-attempt-failed', canary: true });
    expect(entry(plan, 'a02')).toMatchObject({ reason: 'canary-pending', waitsFor: ['a01'] });
  });

  it('changes nothing without rollout.canary', () => {
    const plan = makePlan(fleetOf(many('a', 3, 'candidate')));

    expect(plan.summary.reinstall).toBe(3);
    expect(plan.servers.every((s) => s.canary === false && s.waitsFor?.length === 0)).toBe(true);
  });
});
