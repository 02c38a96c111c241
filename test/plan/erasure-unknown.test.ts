/**
 * A reinstall whose erasure is unknown (the hardware was not read: getHardware failed, or the
 * plan is offline) never starts: it is deferred with `erasure-unknown` and retried when the next
 * plan reads the hardware (DESIGN.md section 2: the plan says what will be erased).
 */
import { describe, expect, it } from 'vitest';
import { makePlan } from '../../src/plan/make-plan.js';
import type { Observation } from '../../src/plan/types.js';
import { input, observed, policy, record, spec } from './helpers.js';

const NAME = 'ns1.ip-1-2-3.eu';
const changed = spec(NAME, { operatingSystem: 'rocky9_64' });
const noHardware = (): Observation => {
  const { diskGroups: _drop, ...rest } = observed();
  return rest;
};

describe('erasure-unknown', () => {
  it('a spec change on a server whose hardware was not read is deferred, not reinstalled', () => {
    const plan = makePlan(
      input({
        specs: [changed],
        applied: new Map([[NAME, record(NAME, spec(NAME))]]),
        observed: new Map([[NAME, noHardware()]]),
      }),
    );

    const entry = plan.servers[0];
    expect([entry?.action, entry?.reason]).toEqual(['deferred', 'erasure-unknown']);
    expect(entry?.erases).toBeNull();
    expect(entry?.changes.length).toBeGreaterThan(0);
    expect(plan.summary.reinstall).toBe(0);
  });

  it('the same server with its hardware read is reinstalled', () => {
    const plan = makePlan(
      input({
        specs: [changed],
        applied: new Map([[NAME, record(NAME, spec(NAME))]]),
        observed: new Map([[NAME, observed()]]),
      }),
    );

    expect(plan.servers[0]?.action).toBe('reinstall');
  });

  it('an offline plan (nothing observed) defers a recorded spec change the same way', () => {
    const plan = makePlan(input({ specs: [changed], applied: new Map([[NAME, record(NAME, spec(NAME))]]) }));

    expect([plan.servers[0]?.action, plan.servers[0]?.reason]).toEqual(['deferred', 'erasure-unknown']);
  });

  it('an acknowledged mass-reinstall plan does not lift it', () => {
    const names = ['ns-a.eu', 'ns-b.eu', 'ns-c.eu'];
    const make = (p = policy({ maxFleetFraction: 0.5 })) =>
      makePlan(
        input({
          specs: names.map((n) => spec(n, { operatingSystem: 'rocky9_64' })),
          applied: new Map(names.map((n) => [n, record(n, spec(n))])),
          observed: new Map(names.map((n, i) => [n, i === 0 ? noHardware() : observed()])),
          policy: p,
        }),
      );
    const hash = /acknowledge plan (sha256:[0-9a-f]{64})/.exec(
      make().servers.find((s) => s.reason === 'mass-reinstall-guard')?.message ?? '',
    )?.[1];

    const plan = make(policy({ maxFleetFraction: 0.5 }, { acknowledgedPlanHashes: [hash as string] }));

    expect(plan.servers.map((s) => [s.action, s.reason])).toEqual([
      ['deferred', 'erasure-unknown'],
      ['reinstall', 'spec-changed'],
      ['reinstall', 'spec-changed'],
    ]);
  });
});
