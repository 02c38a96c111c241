/**
 * The explicit first install of a server whose OS OVHcloud does not report clearly (DESIGN.md
 * section 2, additions): with no applied record and an unclear `os`, only a spec whose
 * reinstall.generation is 2 or more asks for the reinstall. Without it, nothing happens.
 */
import { describe, expect, it } from 'vitest';
import { makePlan } from '../../src/plan/make-plan.js';
import type { Observation, PlanServer } from '../../src/plan/types.js';
import type { ServerSpec } from '../../src/specs/types.js';
import type { StatusRecord } from '../../src/records/types.js';
import { input, observed, record, spec } from './helpers.js';

const NAME = 'ns1.ip-1-2-3.eu';

function planOne(s: ServerSpec, o: Observation, r?: StatusRecord): PlanServer {
  const plan = makePlan(
    input({
      specs: [s],
      observed: new Map([[NAME, o]]),
      applied: r ? new Map([[NAME, r]]) : new Map(),
    }),
  );
  return plan.servers[0] as PlanServer;
}

const gen = (generation: number): ServerSpec => spec(NAME, { reinstall: { generation, protect: false } });

describe('first install of a server whose OS is unclear', () => {
  it.each([
    ['empty os', observed({ os: '' })],
    ['a name the catalog does not know (custom image)', observed({ os: 'none_64' })],
  ])('%s, generation 2: reinstall / spec-changed with what it erases', (_, o) => {
    const entry = planOne(gen(2), o);

    expect([entry.action, entry.reason]).toEqual(['reinstall', 'spec-changed']);
    expect(entry.erases).toHaveLength(1);
    expect(entry.message).toContain('reinstall.generation');
  });

  it.each([0, 1])('generation %i (the default and what import writes) is no request: os-unknown', (g) => {
    const entry = planOne(gen(g), observed({ os: '' }));

    expect([entry.action, entry.reason]).toEqual(['none', 'os-unknown']);
    expect(entry.message).toContain('reinstall.generation to 2');
  });

  it('a record without lastApplied (a failed first install) is retried by a further bump only', () => {
    const failedAt2 = record(NAME, null, {
      lastAttempt: {
        digest: planOne(gen(2), observed({ os: '' })).digest as string,
        result: 'failed',
        startedAt: '2026-11-01T00:00:00.000Z',
        finishedAt: '2026-11-01T00:20:00.000Z',
        taskId: 9,
        message: 'boom',
      },
    });

    expect(planOne(gen(2), observed({ os: '' }), failedAt2).reason).toBe('last-attempt-failed');
    expect(planOne(gen(3), observed({ os: '' }), failedAt2).action).toBe('reinstall');
  });

  it('with an applied record, a high generation alone never reinstalls an unclear OS', () => {
    const entry = planOne(gen(5), observed({ os: '' }), record(NAME, gen(5)));

    expect([entry.action, entry.reason]).toEqual(['none', 'os-unknown']);
  });

  it('an offline plan (OS not observed) never asks for the first install', () => {
    const entry = planOne(gen(7), { presence: 'unknown' });

    expect([entry.action, entry.reason]).toEqual(['none', 'os-unknown']);
  });

  it('protect and a running task still win over the request', () => {
    const protectedSpec = spec(NAME, { reinstall: { generation: 2, protect: true } });
    const task = { taskId: 3, status: 'doing' as const, startDate: '2026-11-27T11:00:00Z' };

    expect(planOne(protectedSpec, observed({ os: '' })).reason).toBe('protected');
    expect(planOne(gen(2), observed({ os: '', runningTask: task })).reason).toBe('task-in-progress');
  });
});
