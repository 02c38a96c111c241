/**
 * No secret reaches the dashboard's plan (src/daemon/ui/dashboard-plan.ts), over generated fleets
 * (fast-check): whatever `{file}` contents and literal values a spec or its last applied spec
 * holds, and whichever way the plan decides (reinstall now, deferred by the limits, a suspension
 * or unknown hardware), the JSON sent to the browser never holds a file's content; and every value
 * of the shape is the plan's own, at the same place (the shape adds no field the plan lacks).
 */
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dashboardPlan } from '../../../src/daemon/ui/dashboard-plan.js';
import { makePlan } from '../../../src/plan/make-plan.js';
import type { Observation, Plan, PlanServer } from '../../../src/plan/types.js';
import type { CustomizationValue, ServerSpec } from '../../../src/specs/types.js';
import type { StatusRecord } from '../../../src/records/types.js';
import { CATALOG, input, NOW, observed, policy, record, spec } from '../../plan/helpers.js';

/** A value no planner output could hold by chance: a marker and random letters. */
const secret = fc.stringMatching(/^[A-Za-z0-9]{12,24}$/).map((s) => `S3cr3t-${s}`);

interface ServerCase {
  os: string;
  /** The content of each `{file}` customization now, and in the last applied spec. */
  files: { now: string; before: string }[];
  envName: string;
  hardware: boolean;
  applied: boolean;
}

const serverCase: fc.Arbitrary<ServerCase> = fc.record({
  os: fc.constantFrom(...CATALOG),
  files: fc.array(fc.record({ now: secret, before: secret }), { minLength: 1, maxLength: 3 }),
  envName: fc.constantFrom('IMAGE_TOKEN', 'ROOT_PASSWORD'),
  hardware: fc.boolean(),
  applied: fc.boolean(),
});

function fileRef(path: string, content: string): CustomizationValue {
  return { kind: 'file', path, content, sha256: createHash('sha256').update(content).digest('hex') };
}

function specOf(name: string, c: ServerCase, which: 'now' | 'before'): ServerSpec {
  const customizations: Record<string, CustomizationValue> = {
    httpHeaders: { kind: 'literal', value: { Authorization: { kind: 'env', name: c.envName } } },
  };
  c.files.forEach((f, i) => (customizations[`script${i}`] = fileRef(`scripts/${i}.sh`, f[which])));
  return spec(name, {
    operatingSystem: which === 'now' ? c.os : 'debian12_64',
    customizations,
    reinstall: { generation: 2, protect: false },
  });
}

const fleetArb = fc.record({
  servers: fc.array(serverCase, { minLength: 1, maxLength: 8 }),
  maxConcurrent: fc.integer({ min: 1, max: 4 }),
  maxPerHour: fc.integer({ min: 1, max: 6 }),
  suspended: fc.boolean(),
});

type Fleet = typeof fleetArb extends fc.Arbitrary<infer T> ? T : never;

function planOf(f: Fleet): Plan {
  const specs: ServerSpec[] = [];
  const seen = new Map<string, Observation>();
  const applied = new Map<string, StatusRecord>();
  f.servers.forEach((c, i) => {
    const name = `ns${i}.eu`;
    specs.push(specOf(name, c, 'now'));
    seen.set(name, c.hardware ? observed() : observed({ diskGroups: undefined }));
    if (c.applied) applied.set(name, record(name, specOf(name, c, 'before')));
  });
  return makePlan(
    input({
      specs,
      observed: seen,
      applied,
      policy: policy(
        { maxConcurrent: f.maxConcurrent, maxPerHour: f.maxPerHour },
        f.suspended ? { suspend: { reason: 'freeze', until: new Date(NOW + 3_600_000).toISOString() } } : {},
      ),
    }),
  );
}

function secretsOf(f: Fleet): string[] {
  return f.servers.flatMap((c) => c.files.flatMap((x) => [x.now, x.before]));
}

/** Every leaf of `shape` is the value at the same path of `source` (arrays by index). */
function leavesCameFrom(shape: unknown, source: unknown, path = ''): string[] {
  if (shape === null || typeof shape !== 'object') return Object.is(shape, source) ? [] : [path];
  if (source === null || typeof source !== 'object') return [path];
  return Object.entries(shape).flatMap(([key, value]) =>
    leavesCameFrom(value, (source as Record<string, unknown>)[key], `${path}/${key}`),
  );
}

describe('the dashboard plan', () => {
  it('never holds the content of a {file} customization', () => {
    let fileChangesShown = 0;
    fc.assert(
      fc.property(fleetArb, (f) => {
        const shaped = dashboardPlan(planOf(f));
        const json = JSON.stringify(shaped);
        for (const s of secretsOf(f)) expect(json).not.toContain(s);
        for (const e of shaped.entries)
          fileChangesShown += e.changes.filter((c) => c.path.startsWith('/customizations/script')).length;
      }),
      { numRuns: 300 },
    );
    // The generated plans did show changed files (by digest), not only OS changes.
    expect(fileChangesShown).toBeGreaterThan(0);
  });

  it("holds only the plan's own values, in the plan's own places", () => {
    fc.assert(
      fc.property(fleetArb, (f) => {
        const plan = planOf(f);
        const shaped = dashboardPlan(plan);
        const { entries, ...top } = shaped;
        expect(leavesCameFrom(top, plan)).toEqual([]);
        const byName = new Map(plan.servers.map((s) => [s.serviceName, s]));
        for (const e of entries) {
          const s = byName.get(e.serviceName) as PlanServer;
          expect(['reinstall', 'deferred']).toContain(s.action);
          const defaults = { cohort: null, canary: false, waitsFor: [] };
          expect(leavesCameFrom(e, { ...defaults, ...s })).toEqual([]);
        }
        expect(entries).toHaveLength(
          plan.servers.filter((s) => s.action === 'reinstall' || s.action === 'deferred').length,
        );
      }),
      { numRuns: 300 },
    );
  });
});
