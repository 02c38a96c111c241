/**
 * The planner's safety invariants over generated inputs (fast-check): any specs, status records,
 * observations and policy. What a plan may reinstall is checked entry by entry against the rules
 * of DESIGN.md section 2, independently of how make-plan.ts reaches its decisions.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FIRST_INSTALL_GENERATION, isKnownOs } from '../../src/plan/decide.js';
import { canonicalizeSpec, digestOfCanonical } from '../../src/plan/digest.js';
import { makePlan } from '../../src/plan/make-plan.js';
import type { Observation, Plan, PlanInput } from '../../src/plan/types.js';
import { DEFAULT_POLICY, type FleetPolicy, type ServerSpec } from '../../src/specs/types.js';
import type { AttemptRecord, StatusRecord } from '../../src/records/types.js';
import { CATALOG, NOW, observed, record, spec } from './helpers.js';

const OSES = [...CATALOG.slice(0, 2), '', 'none_64'];
const ISO = new Date(NOW - 600_000).toISOString();

interface ServerCase {
  os: string;
  generation: number;
  protect: boolean;
  rack: string;
  /** none | applied at this spec | applied at another spec. */
  applied: 'none' | 'same' | 'other';
  attempt: null | { result: AttemptRecord['result']; atCurrent: boolean };
  observation: null | {
    presence: Observation['presence'];
    os?: string | undefined;
    task: boolean;
    hardware: boolean;
  };
}

const serverCase: fc.Arbitrary<ServerCase> = fc.record({
  os: fc.constantFrom(...CATALOG.slice(0, 2)),
  generation: fc.integer({ min: 0, max: 3 }),
  protect: fc.boolean(),
  rack: fc.constantFrom('r1', 'r2'),
  applied: fc.constantFrom('none', 'same', 'other'),
  attempt: fc.option(
    fc.record({ result: fc.constantFrom('done', 'failed', 'running'), atCurrent: fc.boolean() }),
  ),
  observation: fc.option(
    fc.record({
      presence: fc.constantFrom('present', 'present', 'present', 'absent', 'unknown'),
      os: fc.option(fc.constantFrom(...OSES), { nil: undefined }),
      task: fc.boolean(),
      hardware: fc.boolean(),
    }),
  ),
}) as fc.Arbitrary<ServerCase>;

const policyArb: fc.Arbitrary<FleetPolicy> = fc
  .record({
    maxConcurrent: fc.integer({ min: 1, max: 4 }),
    maxPerHour: fc.integer({ min: 1, max: 6 }),
    maxFailures: fc.integer({ min: 1, max: 3 }),
    maxFleetFraction: fc.constantFrom(0.25, 0.5, 1),
    perRack: fc.option(fc.integer({ min: 1, max: 2 }), { nil: undefined }),
    drift: fc.constantFrom('report', 'reinstall'),
    suspended: fc.boolean(),
  })
  .map((p): FleetPolicy => ({
    ...DEFAULT_POLICY,
    rollout: {
      ...DEFAULT_POLICY.rollout,
      maxConcurrent: p.maxConcurrent,
      maxPerHour: p.maxPerHour,
      maxFailures: p.maxFailures,
      maxFleetFraction: p.maxFleetFraction,
      maxConcurrentPerLabel: p.perRack === undefined ? {} : ({ rack: p.perRack } as Record<string, number>),
      windows: [],
    },
    drift: p.drift as FleetPolicy['drift'],
    suspend: { reason: p.suspended ? 'freeze' : '', until: null },
    acknowledgedPlanHashes: [],
  }));

const digestOf = (s: ServerSpec): string => digestOfCanonical(canonicalizeSpec(s));

function buildInput(cases: ServerCase[], policy: FleetPolicy): PlanInput {
  const specs: ServerSpec[] = [];
  const observedMap = new Map<string, Observation>();
  const applied = new Map<string, StatusRecord>();
  cases.forEach((c, i) => {
    const name = `ns${i}.eu`;
    const s = spec(name, {
      operatingSystem: c.os,
      labels: { rack: c.rack },
      reinstall: { generation: c.generation, protect: c.protect },
    });
    specs.push(s);
    const other = spec(name, { operatingSystem: c.os === CATALOG[0] ? CATALOG[1]! : CATALOG[0]! });
    const base = c.applied === 'none' ? null : c.applied === 'same' ? s : other;
    const attempt: AttemptRecord | null = c.attempt
      ? {
          digest: c.attempt.atCurrent ? digestOf(s) : digestOf(other),
          result: c.attempt.result,
          startedAt: ISO,
          finishedAt: c.attempt.result === 'running' ? null : ISO,
          taskId: 5,
          message: null,
        }
      : null;
    if (base || attempt) applied.set(name, record(name, base, { lastAttempt: attempt }));
    if (c.observation) {
      const o = c.observation;
      // As observe.ts gives it: only a present server has a task list and hardware read (its os
      // is left arbitrary, to check that an unobserved answer is never taken as clear).
      const present = o.presence === 'present';
      const full = observed({
        presence: o.presence,
        os: o.os,
        runningTask: o.task ? { taskId: 9, status: 'doing', startDate: ISO } : null,
      });
      if (!present) delete full.runningTask;
      if (!o.hardware || !present) delete full.diskGroups;
      if (o.os === undefined) delete full.os;
      observedMap.set(name, full);
    }
  });
  return {
    specs,
    invalid: [],
    policy,
    observed: observedMap,
    applied,
    catalog: CATALOG,
    now: NOW,
    revision: 'r',
    diagnostics: [],
  };
}

const fleetArb = fc.tuple(fc.array(serverCase, { minLength: 1, maxLength: 8 }), policyArb);
const RUNS = { numRuns: 400 };

/** The plan, and the plan again with its mass-reinstall guard acknowledged (when it showed one). */
function plans(input: PlanInput): Plan[] {
  const first = makePlan(input);
  const hash = /acknowledge plan (sha256:[0-9a-f]{64})/.exec(
    first.servers.find((s) => s.reason === 'mass-reinstall-guard')?.message ?? '',
  )?.[1];
  if (!hash) return [first];
  return [first, makePlan({ ...input, policy: { ...input.policy, acknowledgedPlanHashes: [hash] } })];
}

describe('planner safety invariants (generated inputs)', () => {
  it('a reinstall is planned only for a changed digest, an allowed drift, a clear different OS on first sight, or an explicit first-install request', () => {
    fc.assert(
      fc.property(fleetArb, ([cases, policy]) => {
        const input = buildInput(cases, policy);
        for (const plan of plans(input)) {
          for (const entry of plan.servers.filter((s) => s.action === 'reinstall')) {
            const s = input.specs.find((x) => x.serviceName === entry.serviceName)!;
            const o = input.observed.get(s.serviceName);
            const last = input.applied.get(s.serviceName)?.lastApplied ?? null;
            const known = o?.presence === 'present' && isKnownOs(o.os, new Set(CATALOG));
            const allowed = last
              ? last.digest !== entry.digest ||
                (policy.drift === 'reinstall' && known && o?.os !== s.operatingSystem)
              : (known && o?.os !== s.operatingSystem) ||
                (o?.presence === 'present' &&
                  o.os !== undefined &&
                  s.reinstall.generation >= FIRST_INSTALL_GENERATION);
            expect(allowed, `${entry.serviceName}: ${entry.message}`).toBe(true);
          }
        }
      }),
      RUNS,
    );
  });

  it('protected, absent, busy, failed-at-this-digest or erasure-unknown servers never reinstall', () => {
    fc.assert(
      fc.property(fleetArb, ([cases, policy]) => {
        const input = buildInput(cases, policy);
        for (const plan of plans(input)) {
          for (const entry of plan.servers.filter((s) => s.action === 'reinstall')) {
            const s = input.specs.find((x) => x.serviceName === entry.serviceName)!;
            const o = input.observed.get(s.serviceName);
            const attempt = input.applied.get(s.serviceName)?.lastAttempt;
            expect(s.reinstall.protect).toBe(false);
            expect(o?.presence).toBe('present');
            expect(o?.runningTask).toBeNull();
            expect(attempt?.result === 'failed' && attempt.digest === entry.digest).toBe(false);
            expect(entry.erases).not.toBeNull();
            expect(o?.diskGroups).toBeDefined();
          }
        }
      }),
      RUNS,
    );
  });

  it('an unclear OS without a record and without the explicit request never reinstalls, now or later', () => {
    fc.assert(
      fc.property(fleetArb, ([cases, policy]) => {
        const input = buildInput(cases, policy);
        for (const plan of plans(input)) {
          for (const entry of plan.servers) {
            const s = input.specs.find((x) => x.serviceName === entry.serviceName)!;
            const o = input.observed.get(s.serviceName);
            const record = input.applied.get(s.serviceName);
            const unclear = !(o?.presence === 'present' && isKnownOs(o.os, new Set(CATALOG)));
            if (record?.lastApplied || !unclear || s.reinstall.generation >= FIRST_INSTALL_GENERATION)
              continue;
            expect(['reinstall', 'deferred']).not.toContain(entry.action);
          }
        }
      }),
      RUNS,
    );
  });

  it('a suspended fleet or an open circuit starts nothing, acknowledged or not; limits hold', () => {
    fc.assert(
      fc.property(fleetArb, ([cases, policy]) => {
        const input = buildInput(cases, policy);
        const busy = [...input.observed.values()].filter((o) => o.runningTask).length;
        for (const plan of plans(input)) {
          const reinstalls = plan.servers.filter((s) => s.action === 'reinstall');
          if (policy.suspend.reason !== '') expect(reinstalls).toEqual([]);
          if (plan.servers.some((s) => s.reason === 'circuit-open')) expect(reinstalls).toEqual([]);
          expect(reinstalls.length).toBeLessThanOrEqual(Math.max(0, policy.rollout.maxConcurrent - busy));
          expect(reinstalls.length).toBeLessThanOrEqual(policy.rollout.maxPerHour);
        }
      }),
      RUNS,
    );
  });

  it('more than one reinstall above maxFleetFraction never starts without the acknowledgement', () => {
    fc.assert(
      fc.property(fleetArb, ([cases, policy]) => {
        const input = buildInput(cases, policy);
        const plan = makePlan(input);
        const reinstalls = plan.servers.filter((s) => s.action === 'reinstall').length;
        if (reinstalls > 1)
          expect(reinstalls / input.specs.length).toBeLessThanOrEqual(policy.rollout.maxFleetFraction);
      }),
      RUNS,
    );
  });

  it('every server gets exactly one entry, and renaming spec files never changes the plan hash', () => {
    fc.assert(
      fc.property(fleetArb, fc.string({ minLength: 1, maxLength: 8 }), ([cases, policy], prefix) => {
        const input = buildInput(cases, policy);
        const plan = makePlan(input);
        const renamed = makePlan({
          ...input,
          specs: input.specs.map((s) => ({ ...s, file: `servers/${prefix}/${s.serviceName}.yml` })),
        });

        expect(plan.servers.map((s) => s.serviceName)).toEqual(input.specs.map((s) => s.serviceName).sort());
        expect(renamed.planHash).toBe(plan.planHash);
      }),
      RUNS,
    );
  });
});
