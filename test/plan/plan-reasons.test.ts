/**
 * Reason lists come from the code registry (src/core/codes/plan-codes.ts): the plan schema's enum,
 * the status builder's holds and the executor's waitable deferrals derive from PLAN_REASON_CODES.
 * These tests fail when a reason is added to the registry but the planner never gives it, or the
 * planner gives a reason the registry (and so the plan schema) does not list.
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import {
  PLAN_CODES,
  PLAN_REASON_CODES,
  PLAN_REASONS,
  rolloutReasons,
} from '../../src/core/codes/plan-codes.js';
import type { PlanReason } from '../../src/core/codes/plan-codes.js';
import { makePlan } from '../../src/plan/make-plan.js';
import { PLAN_SCHEMA } from '../../src/plan/plan-schema.js';
import { renderPlanJson } from '../../src/plan/render/render-json.js';
import type { PlanInput } from '../../src/plan/types.js';
import type { FleetPolicy, ServerSpec } from '../../src/specs/types.js';
import type { StatusRecord } from '../../src/records/types.js';
import { input, observed, policy, record, spec, verifiedRecord } from './helpers.js';

const addFormats = addFormatsModule.default;
const ajv = new Ajv2020({ allErrors: true, strict: true });
addFormats(ajv, ['date-time']);
const validate = ajv.compile(PLAN_SCHEMA);

const NAME = 'ns1.eu';
const base = spec(NAME);
const rocky = spec(NAME, { operatingSystem: 'rocky9_64' });
const lostRecord = spec('lost.eu', { operatingSystem: 'rocky9_64' });

/** One server: its spec, what the API shows, its status record. */
function one(s: ServerSpec | null, o = observed(), r: StatusRecord | null = null): PlanInput {
  return input({
    specs: s ? [s] : [],
    observed: new Map([[NAME, o]]),
    applied: r ? new Map([[NAME, r]]) : new Map(),
  });
}

/** A record whose last attempt at `s`'s digest failed. */
function failedAt(s: ServerSpec): StatusRecord {
  return record(s.serviceName, base, {
    lastAttempt: {
      digest: makePlan(input({ specs: [s] })).servers[0]?.digest ?? '',
      result: 'failed',
      startedAt: '2026-11-27T10:00:00.000Z',
      finishedAt: '2026-11-27T10:30:00.000Z',
      taskId: 8,
      message: 'install failed',
    },
  });
}

/** Three servers that want a reinstall under policy `p` (and, with `failed`, one whose last attempt failed). */
function wanting(p: FleetPolicy, failed = false): PlanInput {
  const names = ['ns-a.eu', 'ns-b.eu', 'ns-c.eu'];
  const specs = names.map((n) => spec(n, { operatingSystem: 'rocky9_64' }));
  const applied = new Map<string, StatusRecord>(names.map((n) => [n, record(n, spec(n))]));
  if (failed) {
    const broken = spec('ns-z.eu', { operatingSystem: 'alma9_64' });
    specs.push(broken);
    applied.set('ns-z.eu', failedAt(broken));
  }
  return input({
    specs,
    applied,
    observed: new Map(specs.map((s) => [s.serviceName, observed()])),
    policy: p,
  });
}

/**
 * One plan input per registered reason that makes the planner give it. Typed as a Record over
 * PlanReason, so a reason added to the registry does not compile here until it has a scenario.
 */
const SCENARIOS: Record<PlanReason, () => PlanInput> = {
  'invalid-spec': () =>
    input({ invalid: [{ file: 'servers/bad.yaml', serviceName: NAME, diagnostics: [] }] }),
  'unknown-server': () => one(base, observed({ presence: 'absent' })),
  protected: () =>
    one({ ...rocky, reinstall: { generation: 1, protect: true } }, observed(), record(NAME, base)),
  'task-in-progress': () =>
    one(base, observed({ runningTask: { taskId: 7, status: 'doing', startDate: '2026-11-27T11:00:00Z' } })),
  adopted: () => one(base),
  'spec-changed': () => one(rocky),
  drift: () => one(base, observed({ os: 'rocky9_64' }), record(NAME, base)),
  'last-attempt-failed': () => one(rocky, observed(), failedAt(rocky)),
  'window-closed': () =>
    wanting(policy({ windows: [{ cron: '0 2 * * 6', durationMs: 3_600_000, timezone: 'UTC' }] })),
  'budget-exhausted': () => wanting(policy({ maxPerHour: 1 })),
  'concurrency-limit': () => wanting(policy({ maxConcurrent: 1 })),
  'circuit-open': () => wanting(policy({ maxFailures: 1 }), true),
  suspended: () => wanting(policy({}, { suspend: { reason: 'freeze', until: null } })),
  'mass-reinstall-guard': () => wanting(policy({ maxFleetFraction: 0.5 })),
  'erasure-unknown': () => one(rocky, observed({ diskGroups: undefined }), record(NAME, base)),
  unmanaged: () => one(null, observed(), record(NAME, base)),
  'os-unknown': () => one(rocky, observed({ os: '' })),
  'in-sync': () => one(base, observed(), record(NAME, base)),
  // A server of the same cohort (template and hardware) found unhealthy: its cohort halts.
  'rollout-halted': () => {
    const plan = wanting(policy());
    const sick = spec('ns-s.eu', { operatingSystem: 'rocky9_64' });
    return {
      ...plan,
      specs: [...plan.specs, sick],
      observed: new Map([...plan.observed, ['ns-s.eu', observed({ os: 'rocky9_64' })]]),
      applied: new Map([...plan.applied, ['ns-s.eu', verifiedRecord('ns-s.eu', sick, 'unhealthy')]]),
    };
  },
  'canary-pending': () => wanting(policy({ canary: { count: 1 } })),
  'status-record-lost': () =>
    input({
      specs: [lostRecord],
      observed: new Map([['lost.eu', observed()]]),
      lostRecords: new Set(['lost.eu']),
    }),
};

describe('plan reasons come from the registry', () => {
  it('the registry splits the plan codes into entry reasons and problems, with no code in both', () => {
    const problems = Object.keys(PLAN_CODES).filter((code) => !Object.hasOwn(PLAN_REASON_CODES, code));

    expect([...PLAN_REASONS, ...problems].sort()).toEqual(Object.keys(PLAN_CODES).sort());
    expect(problems.sort()).toEqual([
      'history-rewritten',
      'signature-invalid',
      'status-record-invalid',
      'status-record-recovered',
      'status-record-untrusted',
      'window-invalid',
    ]);
  });

  it('the plan schema allows exactly the registered reasons', () => {
    expect([...PLAN_SCHEMA.$defs.server.properties.reason.enum].sort()).toEqual([...PLAN_REASONS].sort());
  });

  it('every registered reason has a scenario, and no scenario names an unregistered reason', () => {
    expect(Object.keys(SCENARIOS).sort()).toEqual([...PLAN_REASONS].sort());
  });

  it.each(PLAN_REASONS.map((reason) => [reason]))(
    'the planner gives %s, in a plan PLAN_SCHEMA accepts',
    (reason) => {
      const plan = makePlan(SCENARIOS[reason]());

      const ok = validate(JSON.parse(renderPlanJson(plan)));

      expect(plan.servers.map((s) => s.reason)).toContain(reason);
      expect(validate.errors ?? []).toEqual([]);
      expect(ok).toBe(true);
    },
  );

  it('the holds and limits of the rollout policy are the reasons that defer a reinstall to the policy', () => {
    expect(rolloutReasons('hold').sort()).toEqual([
      'canary-pending',
      'circuit-open',
      'mass-reinstall-guard',
      'rollout-halted',
      'suspended',
      'window-closed',
    ]);
    expect(rolloutReasons('limit').sort()).toEqual(['budget-exhausted', 'concurrency-limit']);
    for (const reason of [...rolloutReasons('hold'), ...rolloutReasons('limit')]) {
      const entries = makePlan(SCENARIOS[reason]()).servers.filter((s) => s.reason === reason);
      expect(entries.map((s) => s.action)).toEqual(entries.map(() => 'deferred'));
    }
  });
});
