/**
 * A server the API failed to answer for this cycle never lets more reinstalls start (fast-check;
 * docs/plan.md, "Canaries and halts", "A server not observed this cycle"): for any fleet, policy
 * and subset of servers left unobserved, the servers started are a subset of those started with
 * every server observed, whether or not the records kept their cohorts (capacity aside: under
 * `maxConcurrent`, a server that does not start frees its slot for the next in line, so the count
 * never grows, and any server started beyond the observed plan's was held there only by capacity,
 * never by a hold: cohort rules, the mass-reinstall guard and the others). And the executor's
 * rollout gate, built from that plan, refuses its cohort deferrals for the same reason.
 *
 * The records are consistent with the observations (the daemon writes `rollout.profile` from the
 * observation), as they are in operation: a record that kept a cohort kept the server's own.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { historyFromRecords } from '../../src/apply/rollout-history.js';
import { RolloutGate } from '../../src/apply/rollout-gate.js';
import { VirtualClock } from '../../src/core/virtual-clock.js';
import { makePlan } from '../../src/plan/make-plan.js';
import type { Plan, PlanInput } from '../../src/plan/types.js';
import type { StatusRecord } from '../../src/records/types.js';
import type { RolloutAmount } from '../../src/specs/types.js';
import { fleetOf, type ServerKind, type ServerPlan } from './cohort-fixtures.js';
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
  servers: (ServerPlan & { unobserved: boolean; recorded: boolean })[];
  canary: RolloutAmount | null;
  cohortLabel: boolean;
  maxUnhealthy: { cohort: RolloutAmount; fleet: RolloutAmount };
  maxConcurrent: number;
  maxFleetFraction: number;
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
        unobserved: fc.boolean(),
        recorded: fc.boolean(),
      }),
      { minLength: 1, maxLength: 12 },
    )
    .map((list) =>
      list.map((s, i) => ({
        name: `ns${String(i).padStart(2, '0')}`,
        kind: s.kind,
        os: s.os,
        range: s.range,
        labels: { role: s.role },
        unobserved: s.unobserved,
        recorded: s.recorded,
      })),
    ),
  canary: fc.option(amount(3), { nil: null }),
  cohortLabel: fc.boolean(),
  maxUnhealthy: fc.record({ cohort: amount(3), fleet: amount(4) }),
  maxConcurrent: fc.integer({ min: 1, max: 13 }),
  maxFleetFraction: fc.constantFrom(1, 0.6, 0.3),
});

/** Every server observed; records that kept a cohort keep the server's own (and its profile). */
function observedInput(c: Case): PlanInput {
  const input = fleetOf(c.servers, {
    canary: c.canary,
    cohortLabel: c.cohortLabel ? 'role' : null,
    maxUnhealthy: c.maxUnhealthy,
    maxConcurrent: c.maxConcurrent,
    maxPerHour: 100,
    maxFleetFraction: c.maxFleetFraction,
  });
  const applied = new Map<string, StatusRecord>(input.applied);
  for (const s of c.servers) {
    const record = applied.get(s.name);
    if (!record || !s.recorded) continue;
    const base = `${s.os ?? 'debian12_64'}/${s.range ?? 'advance'}`;
    const cohort = c.cohortLabel ? `${base}/role=${s.labels?.role ?? ''}` : base;
    const canary = record.rollout?.canary === true;
    applied.set(s.name, { ...record, rollout: { cohort, canary, profile: s.range ?? 'advance' } });
  }
  return { ...input, applied };
}

/** The same, with the chosen servers left unobserved (as observeFleet leaves a failed server). */
function partlyObserved(c: Case, input: PlanInput): PlanInput {
  const observed = new Map(input.observed);
  for (const s of c.servers) if (s.unobserved) observed.delete(s.name);
  return { ...input, observed };
}

function started(plan: Plan): string[] {
  return plan.servers.filter((e) => e.action === 'reinstall').map((e) => e.serviceName as string);
}

/** Capacity, not a hold: a server that does not start frees its slot for the next in line. */
const CAPACITY = new Set(['concurrency-limit', 'budget-exhausted']);

describe('servers not observed this cycle, over generated fleets', () => {
  it('never start more reinstalls than with every server observed', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const full = observedInput(c);
        const fullPlan = makePlan(full);
        const all = new Set(started(fullPlan));
        const partial = started(makePlan(partlyObserved(c, full)));
        // Every hold of the fully observed plan stands; only a freed slot of capacity goes on.
        const extra = partial.filter((name) => !all.has(name));
        const reasons = extra.map((name) => fullPlan.servers.find((e) => e.serviceName === name)?.reason);
        expect(reasons.filter((r) => !CAPACITY.has(r ?? ''))).toEqual([]);
        expect(partial.length).toBeLessThanOrEqual(all.size);
        // Under limits that do not bind, exactly a subset.
        if (c.maxConcurrent >= c.servers.length) expect(extra).toEqual([]);
      }),
      { numRuns: 400 },
    );
  });

  it('the rollout gate refuses the cohort deferrals of such a plan for the same reason', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const input = partlyObserved(c, observedInput(c));
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
          (e) => e.action === 'deferred' && (e.reason === 'canary-pending' || e.reason === 'rollout-halted'),
        );
        for (const e of held) {
          const verdict = gate.check({ serviceName: e.serviceName as string, labels: e.labels });
          expect(verdict, e.serviceName ?? '').toMatchObject({ ok: false, reason: e.reason });
        }
      }),
      { numRuns: 300 },
    );
  });
});
