/**
 * The order of the fleet-wide holds (docs/plan.md): suspended > circuit-open >
 * mass-reinstall-guard > window-closed > budget-exhausted > concurrency-limit. The reason a
 * deferred entry carries is the first hold that applies, so an operator reads the one to act on
 * first: clearing a suspension or a circuit comes before acknowledging a mass reinstall.
 */
import { describe, expect, it } from 'vitest';
import { makePlan } from '../../src/plan/make-plan.js';
import type { FleetPolicy } from '../../src/specs/types.js';
import type { StatusRecord } from '../../src/records/types.js';
import { NOW, input, observed, policy, record, spec } from './helpers.js';

const names = ['ns-a.eu', 'ns-b.eu', 'ns-c.eu', 'ns-d.eu'];
const failed = (n: string): [string, StatusRecord] => {
  const s = spec(n, { operatingSystem: 'alma9_64' });
  const r = record(n, spec(n));
  const digest = makePlan(input({ specs: [s], observed: new Map([[n, observed()]]) })).servers[0]?.digest;
  return [
    n,
    {
      ...r,
      lastAttempt: {
        digest: digest as string,
        result: 'failed',
        startedAt: '2026-11-01T00:00:00.000Z',
        finishedAt: '2026-11-01T00:20:00.000Z',
        taskId: 3,
        message: 'boom',
      },
    },
  ];
};

/** Four servers that want a reinstall (all of the fleet: the guard applies at 0.5), one failed one. */
function reasons(p: FleetPolicy): string[] {
  const wanting = names.map((n) => spec(n, { operatingSystem: 'rocky9_64' }));
  const broken = spec('ns-z.eu', { operatingSystem: 'alma9_64' });
  const applied = new Map<string, StatusRecord>(names.map((n) => [n, record(n, spec(n))]));
  applied.set(...failed('ns-z.eu'));
  const plan = makePlan(
    input({
      specs: [...wanting, broken],
      applied,
      observed: new Map([...names, 'ns-z.eu'].map((n) => [n, observed()])),
      policy: p,
      now: NOW,
    }),
  );
  return plan.servers.filter((s) => s.action === 'deferred').map((s) => s.reason);
}

const guard = { maxFleetFraction: 0.5 };
const closed = { windows: [{ cron: '0 2 * * 6', durationMs: 3_600_000, timezone: 'UTC' }] };
const suspend = { suspend: { reason: 'freeze', until: null } };

describe('order of the holds', () => {
  it.each([
    ['suspended over circuit-open and the guard', policy({ ...guard, maxFailures: 1 }, suspend), 'suspended'],
    ['circuit-open over the guard', policy({ ...guard, maxFailures: 1 }), 'circuit-open'],
    [
      'the guard over a closed window',
      policy({ ...guard, ...closed, maxFailures: 9 }),
      'mass-reinstall-guard',
    ],
    [
      'the guard over the limits',
      policy({ ...guard, maxConcurrent: 1, maxFailures: 9 }),
      'mass-reinstall-guard',
    ],
  ])('%s', (_, p, expected) => {
    const got = reasons(p);

    expect(got.length).toBeGreaterThan(0);
    expect(new Set(got)).toEqual(new Set([expected]));
  });
});

describe('acknowledging a mass reinstall outside the maintenance window', () => {
  // Saturday 02:00-03:00 UTC; NOW (a Friday noon) is outside it, OPEN is inside it.
  const window = { windows: [{ cron: '0 2 * * 6', durationMs: 3_600_000, timezone: 'UTC' }] };
  const OPEN = Date.UTC(2026, 10, 28, 2, 30, 0);
  const plan = (p: FleetPolicy, now: number) =>
    makePlan(
      input({
        specs: names.map((n) => spec(n, { operatingSystem: 'rocky9_64' })),
        applied: new Map(names.map((n) => [n, record(n, spec(n))])),
        observed: new Map(names.map((n) => [n, observed()])),
        policy: p,
        now,
      }),
    );

  it('the hash shown while the window is closed is the one that lets the rollout start when it opens', () => {
    const guarded = plan(policy({ maxFleetFraction: 0.5, ...window }), NOW);
    const hash = /acknowledge plan (sha256:[0-9a-f]{64})/.exec(guarded.servers[0]?.message ?? '')?.[1];
    const acknowledged = policy({ maxFleetFraction: 0.5, ...window }, { acknowledgedPlanHashes: [hash!] });

    const stillClosed = plan(acknowledged, NOW);
    const opened = plan(acknowledged, OPEN);

    expect(guarded.servers.map((s) => s.reason)).toEqual(names.map(() => 'mass-reinstall-guard'));
    expect(stillClosed.servers.map((s) => s.reason)).toEqual(names.map(() => 'window-closed'));
    expect(opened.summary.reinstall).toBe(names.length);
    expect(opened.planHash).toBe(hash);
  });
});
