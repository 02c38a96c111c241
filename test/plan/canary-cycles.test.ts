/**
 * The canaries stay the same from one cycle to the next: each cycle plans, records the outcome
 * through the real status builder, and the next plan reads those records. The canary is started,
 * followed, verified, then the rest of the cohort goes on; its mark is dropped once nothing in the
 * cohort waits any more.
 */
import { describe, expect, it } from 'vitest';
import { canonicalizeSpec, digestOfCanonical } from '../../src/plan/digest.js';
import { makePlan } from '../../src/plan/make-plan.js';
import type { Observation, Plan, PlanInput } from '../../src/plan/types.js';
import type { ApplyOutcome } from '../../src/records/outcomes.js';
import type { CanonicalSpec, StatusRecord } from '../../src/records/types.js';
import { buildStatusRecords } from '../../src/status/build-records.js';
import { fleetOf, many } from './cohort-fixtures.js';
import { NOW } from './helpers.js';

const MINUTE = 60_000;

function outcome(plan: Plan, name: string, result: 'running' | 'done', at: number): ApplyOutcome {
  const e = plan.servers.find((s) => s.serviceName === name);
  return {
    serviceName: name,
    digest: e?.digest ?? null,
    taskId: 900,
    revision: plan.revision,
    planHash: plan.planHash,
    result,
    code: result === 'done' ? 'reinstall-done' : 'reinstall-started',
    message: '',
    posted: result === 'running',
    adopted: false,
    startedAt: new Date(NOW).toISOString(),
    endedAt: result === 'done' ? new Date(at).toISOString() : null,
    observedOs: result === 'done' ? 'debian12_64' : null,
    steps: [],
    stuck: false,
  };
}

/** Records after one cycle of `plan` with `outcomes`. */
function record(
  input: PlanInput,
  plan: Plan,
  outcomes: ApplyOutcome[],
  now: number,
): Map<string, StatusRecord> {
  const canonical = new Map<string, CanonicalSpec>(
    input.specs.map((s) => {
      const c = canonicalizeSpec(s);
      return [digestOfCanonical(c), c];
    }),
  );
  return buildStatusRecords({
    plan,
    outcomes,
    progress: new Map(),
    previous: input.applied,
    observed: input.observed,
    canonical,
    specCommits: new Map(),
    now,
  });
}

function withTask(input: PlanInput, name: string, running: boolean): ReadonlyMap<string, Observation> {
  const map = new Map(input.observed);
  const o = map.get(name);
  if (o)
    map.set(name, {
      ...o,
      runningTask: running ? { taskId: 900, status: 'doing', startDate: new Date(NOW).toISOString() } : null,
    });
  return map;
}

describe('canaries across cycles', () => {
  it('keeps the same canary from its start to its verdict, then lets the rest go, then drops the mark', () => {
    const start = fleetOf(many('a', 3, 'candidate'), { canary: { count: 1 }, maxConcurrent: 5 });

    // Cycle 1: a01 starts.
    const plan1 = makePlan(start);
    expect(plan1.servers.map((s) => `${s.serviceName} ${s.action}`)).toEqual([
      'a01 reinstall',
      'a02 deferred',
      'a03 deferred',
    ]);
    const records1 = record(start, plan1, [outcome(plan1, 'a01', 'running', NOW)], NOW);
    expect(records1.get('a01')?.rollout).toEqual({
      cohort: 'debian12_64/advance',
      canary: true,
      profile: 'advance',
    });

    // Cycle 2: its task runs; the others still wait for it.
    const input2 = {
      ...start,
      applied: records1,
      observed: withTask(start, 'a01', true),
      now: NOW + 10 * MINUTE,
    };
    const plan2 = makePlan(input2);
    expect(plan2.servers.find((s) => s.serviceName === 'a01')).toMatchObject({
      action: 'follow',
      canary: true,
    });
    expect(plan2.servers.find((s) => s.serviceName === 'a02')?.waitsFor).toEqual(['a01']);

    // The task ends; the daemon verifies the server (the integrator's loop writes this).
    const records2 = record(
      input2,
      plan2,
      [outcome(plan2, 'a01', 'done', NOW + 20 * MINUTE)],
      NOW + 20 * MINUTE,
    );
    const a01 = records2.get('a01') as StatusRecord;
    const verifying: StatusRecord = {
      ...a01,
      phase: 'verifying',
      verification: {
        digest: a01.desiredDigest as string,
        result: 'running',
        startedAt: new Date(NOW + 20 * MINUTE).toISOString(),
        finishedAt: null,
        message: null,
      },
    };
    const input3 = {
      ...start,
      applied: new Map([...records2, ['a01', verifying]]),
      observed: withTask(start, 'a01', false),
      now: NOW + 21 * MINUTE,
    };
    const plan3 = makePlan(input3);
    expect(plan3.servers.map((s) => `${s.serviceName} ${s.action} ${s.reason}`)).toEqual([
      'a01 none in-sync',
      'a02 deferred canary-pending',
      'a03 deferred canary-pending',
    ]);

    // Healthy: a01 is ready, and the rest of the cohort starts.
    const ready: StatusRecord = {
      ...verifying,
      phase: 'ready',
      verification: {
        ...verifying.verification!,
        result: 'healthy',
        finishedAt: new Date(NOW + 25 * MINUTE).toISOString(),
      },
    };
    const input4 = {
      ...input3,
      applied: new Map([...input3.applied, ['a01', ready]]),
      now: NOW + 26 * MINUTE,
    };
    const plan4 = makePlan(input4);
    expect(plan4.servers.filter((s) => s.action === 'reinstall').map((s) => s.serviceName)).toEqual([
      'a02',
      'a03',
    ]);
    expect(plan4.servers.find((s) => s.serviceName === 'a01')?.canary).toBe(true);

    // They start: nothing waits any more, the mark is dropped.
    const records4 = record(
      input4,
      plan4,
      ['a02', 'a03'].map((n) => outcome(plan4, n, 'running', NOW + 26 * MINUTE)),
      NOW + 26 * MINUTE,
    );
    const input5 = {
      ...input4,
      applied: records4,
      observed: withTask(withTaskInput(input4, 'a02'), 'a03', true),
    };
    const plan5 = makePlan(input5);
    const records5 = record(input5, plan5, [], NOW + 27 * MINUTE);
    // The canary mark is dropped; the cohort stays recorded (for a cycle it is not observed).
    expect(records5.get('a01')?.rollout).toEqual({
      cohort: 'debian12_64/advance',
      canary: false,
      profile: 'advance',
    });
    expect(records5.get('a01')?.verification?.result).toBe('healthy');
  });
});

function withTaskInput(input: PlanInput, name: string): PlanInput {
  return { ...input, observed: withTask(input, name, true) };
}
