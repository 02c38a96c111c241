import { describe, expect, it } from 'vitest';
import { makePlan } from '../../src/plan/make-plan.js';
import type { Observation } from '../../src/plan/types.js';
import type { FleetPolicy } from '../../src/specs/types.js';
import type { StatusRecord } from '../../src/records/types.js';
import { NOW, input, observed, policy, record, spec } from './helpers.js';

const names = ['a', 'b', 'c', 'd'].map((x) => `ns-${x}.eu`);
/** Four servers whose spec changed: each wants a reinstall. */
function fleet(
  p: FleetPolicy,
  extra: { observed?: [string, Observation][]; applied?: [string, StatusRecord][]; now?: number } = {},
) {
  const specs = names.map((n) =>
    spec(n, { operatingSystem: 'ubuntu2404-server_64', labels: { rack: n < 'ns-c' ? 'r1' : 'r2' } }),
  );
  const applied = new Map(names.map((n) => [n, record(n, spec(n))] as [string, StatusRecord]));
  for (const [n, r] of extra.applied ?? []) applied.set(n, r);
  const obs = new Map(names.map((n) => [n, observed()] as [string, Observation]));
  for (const [n, o] of extra.observed ?? []) obs.set(n, o);
  return makePlan(input({ specs, applied, observed: obs, policy: p, now: extra.now ?? NOW }));
}
const iso = (ms: number): string => new Date(ms).toISOString();
const busy: Observation = observed({
  runningTask: { taskId: 1, status: 'doing', startDate: '2026-11-27T11:00:00Z' },
});
const other = (n: string, over: Partial<StatusRecord> = {}): [string, StatusRecord] => [
  n,
  record(n, spec(n), over),
];

describe('rollout policy', () => {
  it.each([
    [
      'maxConcurrent 2',
      policy({ maxConcurrent: 2 }),
      {},
      ['reinstall', 'reinstall', 'deferred', 'deferred'],
      'concurrency-limit',
    ],
    [
      'maxConcurrentPerLabel rack 1',
      policy({ maxConcurrentPerLabel: { rack: 1 } }),
      {},
      ['reinstall', 'deferred', 'reinstall', 'deferred'],
      'concurrency-limit',
    ],
    [
      'maxConcurrent counts tasks in flight elsewhere',
      policy({ maxConcurrent: 2 }),
      { observed: [['ns-z.eu', busy]] as [string, Observation][] },
      ['reinstall', 'deferred', 'deferred', 'deferred'],
      'concurrency-limit',
    ],
    [
      'budget exactly exhausted',
      policy({ maxPerHour: 2 }),
      { applied: [other('ns-y.eu', { attempts: [iso(NOW - 60_000), iso(NOW - 3_599_000)] })] },
      ['deferred', 'deferred', 'deferred', 'deferred'],
      'budget-exhausted',
    ],
    [
      'budget: a start older than one hour does not count',
      policy({ maxPerHour: 2 }),
      { applied: [other('ns-y.eu', { attempts: [iso(NOW - 60_000), iso(NOW - 3_600_000)] })] },
      ['reinstall', 'deferred', 'deferred', 'deferred'],
      'budget-exhausted',
    ],
    [
      'suspended',
      policy({}, { suspend: { reason: 'freeze', until: null } }),
      {},
      ['deferred', 'deferred', 'deferred', 'deferred'],
      'suspended',
    ],
    [
      'suspend with until in the past',
      policy({}, { suspend: { reason: 'freeze', until: iso(NOW - 1) } }),
      {},
      ['reinstall', 'reinstall', 'reinstall', 'reinstall'],
      null,
    ],
    [
      'circuit open at maxFailures',
      policy({ maxFailures: 1 }),
      {
        applied: [
          other('ns-y.eu'),
          [
            'ns-d.eu',
            record('ns-d.eu', spec('ns-d.eu'), {
              lastAttempt: {
                digest: '',
                result: 'failed',
                startedAt: iso(NOW - 7_200_000),
                finishedAt: null,
                taskId: 3,
                message: null,
              },
            }),
          ],
        ] as [string, StatusRecord][],
      },
      ['deferred', 'deferred', 'deferred', 'deferred'],
      'circuit-open',
    ],
    [
      'window closed',
      policy({ windows: [{ cron: '0 2 * * 6', durationMs: 4 * 3_600_000, timezone: 'Europe/Paris' }] }),
      {},
      ['deferred', 'deferred', 'deferred', 'deferred'],
      'window-closed',
    ],
    [
      'window opening exactly at now',
      policy({ windows: [{ cron: '0 13 * * *', durationMs: 3_600_000, timezone: 'Europe/Paris' }] }),
      {},
      ['reinstall', 'reinstall', 'reinstall', 'reinstall'],
      null,
    ],
    [
      'mass-reinstall guard',
      policy({ maxFleetFraction: 0.5 }),
      {},
      ['deferred', 'deferred', 'deferred', 'deferred'],
      'mass-reinstall-guard',
    ],
  ])('%s', (_name, p, extra, actions, reason) => {
    // The circuit case needs a failed attempt at the CURRENT digest: patch it in.
    const fixed = extra as { applied?: [string, StatusRecord][] };
    for (const [, r] of fixed.applied ?? []) {
      if (r.lastAttempt?.result === 'failed')
        r.lastAttempt.digest =
          fleet(policy()).servers.find((s) => s.serviceName === r.serviceName)?.digest ?? '';
    }

    const plan = fleet(p, extra);

    const mine = plan.servers.filter((s) => names.includes(s.serviceName ?? ''));
    expect(mine.map((s) => s.action)).toEqual(
      reason === 'circuit-open' ? ['deferred', 'deferred', 'deferred', 'none'] : actions,
    );
    if (reason)
      expect(mine.filter((s) => s.action === 'deferred').every((s) => s.reason === reason)).toBe(true);
  });

  it('gives a budget-exhausted server the time the budget frees', () => {
    const plan = fleet(policy({ maxPerHour: 1 }), {
      applied: [other('ns-y.eu', { attempts: [iso(NOW - 600_000)] })],
    });

    expect(plan.servers[0]?.notBefore).toBe(iso(NOW - 600_000 + 3_600_000));
  });

  it('gives a window-closed server the next opening and numbers batches', () => {
    const p = policy({
      maxConcurrent: 2,
      windows: [{ cron: '0 2 * * 6', durationMs: 4 * 3_600_000, timezone: 'Europe/Paris' }],
    });

    const plan = fleet(p);

    // 2026-11-27 is a Friday; Saturday 02:00 in Paris (CET, UTC+1) is 01:00Z.
    expect(plan.servers.map((s) => [s.notBefore, s.batch])).toEqual([
      ['2026-11-28T01:00:00.000Z', 1],
      ['2026-11-28T01:00:00.000Z', 1],
      ['2026-11-28T01:00:00.000Z', 2],
      ['2026-11-28T01:00:00.000Z', 2],
    ]);
  });

  it('lifts the mass-reinstall guard for the acknowledged hash of the guard-free plan', () => {
    const guarded = fleet(policy({ maxFleetFraction: 0.5 }));
    const hash = /acknowledge plan (sha256:[0-9a-f]{64})/.exec(guarded.servers[0]?.message ?? '')?.[1] ?? '';

    const acknowledged = fleet(policy({ maxFleetFraction: 0.5 }, { acknowledgedPlanHashes: [hash] }));

    expect(acknowledged.summary.reinstall).toBe(4);
    expect(acknowledged.planHash).toBe(hash);
  });

  it('never refuses a single reinstall', () => {
    const plan = makePlan(
      input({
        specs: [spec('solo', { operatingSystem: 'rocky9_64' })],
        observed: new Map([['solo', observed()]]),
        policy: policy({ maxFleetFraction: 0.01 }),
      }),
    );

    expect(plan.servers[0]?.action).toBe('reinstall');
  });
});
