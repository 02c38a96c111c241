/**
 * The safety rules of canaries and halts over generated fleets (fast-check), each checked against
 * an oracle computed from the generated servers, not from make-plan.ts's own functions:
 * - before a cohort's canaries are ready, it never starts more than the canaries allow (a canary
 *   whose task just ended, before a status commit says verifying or ready, is not ready);
 * - past `maxUnhealthy` (cohort or fleet) or `maxFailures` with unhealthy servers, and with an
 *   inconclusive verification in the cohort, nothing starts there;
 * - the executor's rollout gate, built from the plan and its records, admits exactly the plan's
 *   reinstalls and refuses its cohort deferrals for the same reason;
 * - the same input gives the same plan, whatever the order of the input's maps and lists.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { historyFromRecords } from '../../src/apply/rollout-history.js';
import { RolloutGate } from '../../src/apply/rollout-gate.js';
import { VirtualClock } from '../../src/core/virtual-clock.js';
import { makePlan } from '../../src/plan/make-plan.js';
import { renderPlanJson } from '../../src/plan/render/render-json.js';
import type { Plan, PlanInput } from '../../src/plan/types.js';
import type { RolloutAmount } from '../../src/specs/types.js';
import { buildServer, digestOf, fleetOf, type ServerKind, type ServerPlan } from './cohort-fixtures.js';
import { NOW } from './helpers.js';

const KINDS: ServerKind[] = [
  'candidate',
  'candidate',
  'candidate',
  'in-sync',
  'canary-ready',
  'canary-running',
  'canary-task-ended',
  'running',
  'verifying',
  'unhealthy',
  'inconclusive',
  'failed',
];

interface Case {
  servers: ServerPlan[];
  canary: RolloutAmount | null;
  cohortLabel: boolean;
  maxUnhealthy: { cohort: RolloutAmount; fleet: RolloutAmount };
  maxConcurrent: number;
  maxPerHour: number;
  maxFailures: number;
  /** Indexes of servers whose verdict is acknowledged. */
  acked: number[];
}

const amount = (max: number): fc.Arbitrary<RolloutAmount> =>
  fc.oneof(
    fc.integer({ min: 1, max }).map((count) => ({ count })),
    fc.double({ min: 0.05, max: 0.95, noNaN: true }).map((fraction) => ({ fraction })),
  );

const caseArb: fc.Arbitrary<Case> = fc.record({
  servers: fc
    .array(
      fc.record({
        kind: fc.constantFrom(...KINDS),
        os: fc.constantFrom('debian12_64', 'rocky9_64'),
        range: fc.constantFrom('advance', 'scale'),
        role: fc.constantFrom('web', 'db'),
      }),
      { minLength: 1, maxLength: 14 },
    )
    .map((list) =>
      list.map((s, i) => ({
        name: `ns${String(i).padStart(2, '0')}`,
        kind: s.kind,
        os: s.os,
        range: s.range,
        labels: { role: s.role },
      })),
    ),
  canary: fc.option(amount(3), { nil: null }),
  cohortLabel: fc.boolean(),
  maxUnhealthy: fc.record({ cohort: amount(3), fleet: amount(4) }),
  maxConcurrent: fc.integer({ min: 1, max: 5 }),
  maxPerHour: fc.integer({ min: 1, max: 12 }),
  maxFailures: fc.integer({ min: 1, max: 5 }),
  acked: fc.array(fc.integer({ min: 0, max: 13 }), { maxLength: 4 }),
});

function inputOf(c: Case): PlanInput {
  const acks = c.acked.flatMap((i) => {
    const s = c.servers[i];
    return s ? [`${s.name}@${digestOf(buildServer(s).spec)}`] : [];
  });
  return fleetOf(
    c.servers,
    {
      canary: c.canary,
      cohortLabel: c.cohortLabel ? 'role' : null,
      maxUnhealthy: c.maxUnhealthy,
      maxConcurrent: c.maxConcurrent,
      maxPerHour: c.maxPerHour,
      maxFailures: c.maxFailures,
    },
    { acknowledgedVerifications: acks },
  );
}

/** The oracle's cohort key. */
function keyOf(c: Case, s: ServerPlan): string {
  const base = `${s.os ?? 'debian12_64'}/${s.range ?? 'advance'}`;
  return c.cohortLabel ? `${base}/role=${s.labels?.role ?? ''}` : base;
}

function limit(a: RolloutAmount, size: number): number {
  return 'count' in a ? a.count : Math.max(1, Math.ceil(a.fraction * size - 1e-9));
}

function isAcked(c: Case, index: number): boolean {
  return c.acked.includes(index);
}

/** Per cohort: its servers with their index. */
function cohortsOf(c: Case): Map<string, { s: ServerPlan; i: number }[]> {
  const map = new Map<string, { s: ServerPlan; i: number }[]>();
  c.servers.forEach((s, i) => {
    const key = keyOf(c, s);
    map.set(key, [...(map.get(key) ?? []), { s, i }]);
  });
  return map;
}

function reinstallsIn(plan: Plan, names: ReadonlySet<string>): string[] {
  return plan.servers
    .filter((e) => e.action === 'reinstall' && e.serviceName !== null && names.has(e.serviceName))
    .map((e) => e.serviceName as string);
}

const RUNS = { numRuns: 300 };

describe('canaries and halts over generated fleets', () => {
  it('never starts more than the canaries allow before they are ready', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        fc.pre(c.canary !== null);
        const plan = makePlan(inputOf(c));

        for (const members of cohortsOf(c).values()) {
          const k = limit(c.canary as RolloutAmount, members.length);
          const marked = members.filter(({ s }) =>
            ['canary-ready', 'canary-running', 'canary-task-ended'].includes(s.kind),
          );
          const proven = marked.length >= k && marked.every(({ s }) => s.kind === 'canary-ready');
          if (proven) continue;
          const started = members.filter(
            ({ s, i }) =>
              ['running', 'verifying', 'failed'].includes(s.kind) ||
              (['unhealthy', 'inconclusive'].includes(s.kind) && !isAcked(c, i)),
          );
          const starts = reinstallsIn(plan, new Set(members.map(({ s }) => s.name)));
          expect(starts.length).toBeLessThanOrEqual(Math.max(0, k - marked.length - started.length));
        }
      }),
      RUNS,
    );
  });

  it('starts nothing in a halted or paused cohort, and nothing at all past the fleet-wide limits', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const plan = makePlan(inputOf(c));
        const sick = (s: ServerPlan, i: number) => s.kind === 'unhealthy' && !isAcked(c, i);
        const unhealthy = c.servers.filter(sick).length;
        const failed = c.servers.filter((s) => s.kind === 'failed').length;

        const fleetHalted =
          unhealthy > 0 &&
          (unhealthy >= limit(c.maxUnhealthy.fleet, c.servers.length) || unhealthy + failed >= c.maxFailures);
        if (fleetHalted || failed >= c.maxFailures) expect(plan.summary.reinstall).toBe(0);
        for (const members of cohortsOf(c).values()) {
          const count = members.filter(({ s, i }) => sick(s, i)).length;
          const paused = members.some(({ s, i }) => s.kind === 'inconclusive' && !isAcked(c, i));
          if (count >= limit(c.maxUnhealthy.cohort, members.length) || paused)
            expect(reinstallsIn(plan, new Set(members.map(({ s }) => s.name)))).toEqual([]);
        }
        // Servers judged at their digest are never reinstalled again.
        for (const s of c.servers.filter((x) => ['unhealthy', 'inconclusive', 'verifying'].includes(x.kind)))
          expect(plan.servers.find((e) => e.serviceName === s.name)?.action).toBe('none');
      }),
      RUNS,
    );
  });

  it('the rollout gate admits the plan reinstalls and refuses its cohort deferrals for the same reason', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const input = inputOf(c);
        const plan = makePlan(input);
        const gate = new RolloutGate(
          input.policy,
          new VirtualClock(NOW),
          historyFromRecords(input.applied, plan),
          [],
          false,
        );
        for (const e of plan.servers)
          if (e.action === 'follow') gate.reserve(e.serviceName as string, e.labels);

        const held = plan.servers.filter(
          (e) => e.reason === 'canary-pending' || e.reason === 'rollout-halted',
        );
        for (const e of held) {
          if (e.action !== 'deferred') continue;
          expect(gate.check({ serviceName: e.serviceName as string, labels: e.labels })).toMatchObject({
            ok: false,
            reason: e.reason,
          });
        }
        const starts = plan.servers
          .filter((e) => e.action === 'reinstall')
          .sort((a, b) => (a.batch ?? 0) - (b.batch ?? 0));
        for (const e of starts) {
          expect(gate.check({ serviceName: e.serviceName as string, labels: e.labels })).toEqual({
            ok: true,
          });
          gate.reserve(e.serviceName as string, e.labels);
          gate.recordStart();
        }
      }),
      RUNS,
    );
  });

  it('gives the same plan for the same input, whatever the order of its maps and lists', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const input = inputOf(c);
        const reversed: PlanInput = {
          ...input,
          specs: [...input.specs].reverse(),
          observed: new Map([...input.observed].reverse()),
          applied: new Map([...input.applied].reverse()),
          policy: {
            ...input.policy,
            acknowledgedVerifications: [...(input.policy.acknowledgedVerifications ?? [])].reverse(),
          },
        };

        const a = makePlan(input);
        const b = makePlan(reversed);

        expect(renderPlanJson(b)).toBe(renderPlanJson(a));
        expect(makePlan(input).planHash).toBe(a.planHash);
      }),
      RUNS,
    );
  });
});
