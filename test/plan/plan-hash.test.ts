/**
 * The plan hash depends only on the decisions (DESIGN.md section 3): a valid entry is keyed by
 * its serviceName, so renaming or moving its spec file changes nothing; an invalid file keeps its
 * file name (it may name no server). An acknowledgement by hash survives a rename.
 */
import { describe, expect, it } from 'vitest';
import { makePlan } from '../../src/plan/make-plan.js';
import type { PlanInput } from '../../src/plan/types.js';
import { input, observed, policy, record, spec } from './helpers.js';

const names = ['ns-a.eu', 'ns-b.eu', 'ns-c.eu'];

function fleet(fileOf: (n: string) => string, over: Partial<PlanInput> = {}): PlanInput {
  return input({
    specs: names.map((n) => spec(n, { operatingSystem: 'rocky9_64', file: fileOf(n) })),
    applied: new Map(names.map((n) => [n, record(n, spec(n))])),
    observed: new Map(names.map((n) => [n, observed()])),
    ...over,
  });
}

describe('planHash', () => {
  it('does not change when spec files are renamed or moved', () => {
    const before = makePlan(fleet((n) => `servers/${n}.yaml`));
    const after = makePlan(fleet((n) => `servers/moved/${n.toUpperCase()}-renamed.yml`));

    expect(after.servers.map((s) => s.file)).not.toEqual(before.servers.map((s) => s.file));
    expect(after.planHash).toBe(before.planHash);
  });

  it('an acknowledgement of the mass-reinstall guard survives a rename', () => {
    const guard = policy({ maxFleetFraction: 0.5 });
    const guarded = makePlan(fleet((n) => `servers/${n}.yaml`, { policy: guard }));
    const hash = /acknowledge plan (sha256:[0-9a-f]{64})/.exec(guarded.servers[0]?.message ?? '')?.[1];
    expect(hash).toBeDefined();

    const acknowledged = policy({ maxFleetFraction: 0.5 }, { acknowledgedPlanHashes: [hash as string] });
    const renamed = makePlan(fleet((n) => `servers/x/${n}.yaml`, { policy: acknowledged }));

    expect(renamed.summary.reinstall).toBe(3);
    expect(renamed.planHash).toBe(hash);
  });

  it('an invalid file keeps its file name in the hash', () => {
    const invalid = (file: string): PlanInput =>
      fleet((n) => `servers/${n}.yaml`, { invalid: [{ file, diagnostics: [] }] });

    expect(makePlan(invalid('servers/bad-1.yaml')).planHash).not.toBe(
      makePlan(invalid('servers/bad-2.yaml')).planHash,
    );
  });

  it('changes when a decision changes', () => {
    const a = makePlan(fleet((n) => `servers/${n}.yaml`));
    const b = makePlan(
      fleet((n) => `servers/${n}.yaml`, {
        specs: names.map((n) => spec(n, { operatingSystem: 'alma9_64' })),
      }),
    );

    expect(b.planHash).not.toBe(a.planHash);
  });
});
