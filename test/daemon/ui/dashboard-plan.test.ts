/**
 * The dashboard's shape of the plan (src/daemon/ui/dashboard-plan.ts): only reinstall and
 * deferred entries, each with its batch, OS change, erasure, notBefore and changes as the plan
 * gives them; the plan's halts and cohorts; and a memo that keeps the same object while only
 * `generatedAt` moves.
 */
import { describe, expect, it } from 'vitest';
import { dashboardPlan, DashboardPlanMemo } from '../../../src/daemon/ui/dashboard-plan.js';
import { makePlan } from '../../../src/plan/make-plan.js';
import type { Plan } from '../../../src/plan/types.js';
import { input, NOW, observed, policy, record, spec } from '../../plan/helpers.js';
import { fleetOf, many, type ServerPlan } from '../../plan/cohort-fixtures.js';

/**
 * a, b, c and e want a new OS: a and b start, c waits for the hourly budget, e waits because its
 * hardware was not read (what it would erase is unknown); d is in sync.
 */
function plan(now = NOW, over: Parameters<typeof policy>[1] = {}): Plan {
  const names = ['a.eu', 'b.eu', 'c.eu', 'd.eu', 'e.eu'];
  const specs = names.map((n) => spec(n, n === 'd.eu' ? {} : { operatingSystem: 'rocky9_64' }));
  return makePlan(
    input({
      now,
      specs,
      observed: new Map(
        names.map((n) => [n, n === 'e.eu' ? observed({ diskGroups: undefined }) : observed()]),
      ),
      applied: new Map(names.map((n) => [n, record(n, spec(n))])),
      policy: policy({ maxConcurrent: 100, maxPerHour: 2 }, over),
    }),
  );
}

describe('dashboardPlan', () => {
  it('keeps only the reinstall and deferred entries, with their fields as the plan gives them', () => {
    const p = plan();
    const shaped = dashboardPlan(p);

    expect(shaped.entries.map((e) => [e.serviceName, e.action])).toEqual([
      ['a.eu', 'reinstall'],
      ['b.eu', 'reinstall'],
      ['c.eu', 'deferred'],
      ['e.eu', 'deferred'],
    ]);
    for (const e of shaped.entries) {
      const s = p.servers.find((x) => x.serviceName === e.serviceName)!;
      expect(e).toEqual({
        serviceName: s.serviceName,
        file: s.file,
        action: s.action,
        reason: s.reason,
        message: s.message,
        batch: s.batch,
        from: s.from,
        to: s.to,
        erases: s.erases,
        notBefore: s.notBefore,
        changes: s.changes,
        cohort: s.cohort,
        canary: s.canary ?? false,
        waitsFor: s.waitsFor ?? [],
      });
    }
    expect(shaped.entries.map((x) => [x.reason, x.batch])).toEqual([
      ['spec-changed', 1],
      ['spec-changed', 1],
      ['budget-exhausted', 2],
      ['erasure-unknown', null],
    ]);
    expect(shaped.entries[3]!.erases).toBeNull();
    expect(shaped.entries[0]!.erases).toEqual(p.servers[0]!.erases);
    expect(shaped.entries[0]!.changes).toContainEqual({
      path: '/operatingSystem',
      from: 'debian12_64',
      to: 'rocky9_64',
    });
    expect(shaped).toMatchObject({
      planHash: p.planHash,
      revision: p.revision,
      generatedAt: p.generatedAt,
      summary: p.summary,
      halts: [],
      cohorts: p.cohorts,
    });
    // Nothing else of an entry (labels, digest) goes to the dashboard.
    expect(Object.keys(shaped.entries[0]!)).not.toContain('labels');
    expect(Object.keys(shaped.entries[0]!)).not.toContain('digest');
  });

  it("keeps a deferral's notBefore", () => {
    const until = '2026-11-27T14:10:00.000Z';
    const shaped = dashboardPlan(plan(NOW, { suspend: { reason: 'change freeze', until } }));

    expect(shaped.entries.filter((e) => e.reason === 'suspended').map((e) => e.notBefore)).toEqual([
      until,
      until,
      until,
    ]);
  });

  it('carries the halts and the cohorts with their state', () => {
    const sick: ServerPlan = { name: 'a00', kind: 'unhealthy' };
    const p = makePlan(fleetOf([sick, ...many('a', 2, 'candidate')]));
    const shaped = dashboardPlan(p);

    expect(shaped.halts).toEqual(p.halts);
    expect(shaped.halts).toHaveLength(1);
    expect(shaped.cohorts).toEqual(p.cohorts);
    expect(shaped.cohorts.map((c) => c.state)).toEqual(['halted']);
    expect(shaped.entries.map((e) => [e.serviceName, e.action, e.reason])).toEqual([
      ['a01', 'deferred', 'rollout-halted'],
      ['a02', 'deferred', 'rollout-halted'],
    ]);
  });
});

describe('DashboardPlanMemo', () => {
  it('keeps the same object while only generatedAt moves, and replaces it when the plan changes', () => {
    const memo = new DashboardPlanMemo();
    expect(memo.current).toBeNull();
    memo.take(plan());
    const first = memo.current;
    expect(first?.generatedAt).toBe(new Date(NOW).toISOString());

    memo.take(plan(NOW + 1_000));
    expect(memo.current).toBe(first);

    memo.take(plan(NOW + 2_000, { suspend: { reason: 'change freeze', until: null } }));
    expect(memo.current).not.toBe(first);
    expect(memo.current?.entries.map((e) => e.reason)).toContain('suspended');
  });
});
