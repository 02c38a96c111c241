/**
 * A canary whose task has just ended, before the daemon recorded what follows (found end to end by
 * test/daemon/rollout-halt-process.test.ts under load). The plan step reads the shared record of
 * intent: when the canary's task ended `done` since the last status commit, resolving the marker
 * (src/apply/resolve-shared-intents.ts, recordAttempt) leaves its record `reinstalling` with the
 * attempt `done` and no `verification` yet. The cohort rules took that for a server that "left the
 * rollout" and chose the next candidate as a new canary, so a second server of the cohort was
 * reinstalled before the first one's health checks even began — and kept going when the first
 * turned out unhealthy. Such a canary is still started: the rest of its cohort keeps waiting.
 */
import { describe, expect, it } from 'vitest';
import { recordAttempt } from '../../src/apply/resolve-shared-intents.js';
import type { SharedIntent } from '../../src/apply/shared-intents.js';
import { canonicalizeSpec } from '../../src/plan/digest.js';
import { makePlan } from '../../src/plan/make-plan.js';
import type { Plan } from '../../src/plan/types.js';
import { buildServer, digestOf, fleetOf, many } from './cohort-fixtures.js';
import { observed } from './helpers.js';

function actions(plan: Plan): Record<string, string> {
  return Object.fromEntries(plan.servers.map((s) => [s.serviceName, `${s.action}/${s.reason}`]));
}

/** The plan input with a01 the marked canary whose task ended done, resolved from its marker. */
function taskJustEnded(): ReturnType<typeof fleetOf> {
  const input = fleetOf([{ name: 'a01', kind: 'canary-running' }, ...many('a', 4, 'candidate').slice(1)], {
    canary: { count: 1 },
    maxConcurrent: 4,
  });
  const canary = buildServer({ name: 'a01', kind: 'canary-running' });
  const intent: SharedIntent = {
    formatVersion: 1,
    serviceName: 'a01',
    attemptId: 'attempt-1',
    writer: 'daemon@host#1-abc',
    digest: digestOf(canary.spec),
    operatingSystem: canary.spec.operatingSystem,
    planHash: 'sha256:' + '1'.repeat(64),
    revision: '2'.repeat(40),
    recordedAt: '2026-11-27T11:29:59.000Z',
    spec: canonicalizeSpec(canary.spec),
  };
  const task = {
    taskId: 5,
    function: 'reinstallServer',
    status: 'done' as const,
    comment: null,
    startDate: '2026-11-27T11:30:00.000Z',
    doneDate: '2026-11-27T11:40:00.000Z',
    lastUpdate: '2026-11-27T11:40:00.000Z',
  };
  const resolved = recordAttempt(
    canary.record,
    intent,
    task,
    canary.spec.operatingSystem,
    Date.parse(task.doneDate),
  );
  const applied = new Map(input.applied);
  applied.set('a01', resolved);
  const seen = new Map(input.observed);
  seen.set('a01', observed({ os: canary.spec.operatingSystem, commercialRange: 'advance' }));
  return { ...input, applied, observed: seen };
}

describe('a canary whose task just ended, not yet recorded verifying', () => {
  it('is still the canary: the rest of its cohort keeps waiting for it', () => {
    const plan = makePlan(taskJustEnded());

    expect(actions(plan)).toEqual({
      a01: 'none/in-sync',
      a02: 'deferred/canary-pending',
      a03: 'deferred/canary-pending',
      a04: 'deferred/canary-pending',
    });
    expect(plan.servers.find((s) => s.serviceName === 'a01')?.canary).toBe(true);
    expect(plan.servers.find((s) => s.serviceName === 'a02')?.waitsFor).toEqual(['a01']);
  });
});
