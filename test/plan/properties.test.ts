import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makePlan } from '../../src/plan/make-plan.js';
import { renderPlanJson } from '../../src/plan/render/render-json.js';
import { generateFleet, seeded } from './helpers.js';

const SEEDS = Array.from({ length: 20 }, (_, i) => i + 1);

describe('makePlan properties over generated fleets', () => {
  it.each(SEEDS)('seed %i: never reinstalls a server whose applied digest and OS match', (seed) => {
    const fleet = generateFleet(seed, 200);

    const plan = makePlan(fleet);

    for (const s of plan.servers.filter((x) => x.action === 'reinstall')) {
      const applied = fleet.applied.get(s.serviceName ?? '')?.lastApplied;
      const os = fleet.observed.get(s.serviceName ?? '')?.os;
      expect(applied?.digest === s.digest && os === s.to?.operatingSystem).toBe(false);
    }
  });

  it.each(SEEDS)('seed %i: never reinstalls more than the policy allows', (seed) => {
    const fleet = generateFleet(seed, 200);
    const inFlight = [...fleet.observed.values()].filter((o) => o.runningTask).length;

    const plan = makePlan(fleet);

    const reinstalls = plan.servers.filter((s) => s.action === 'reinstall');
    expect(reinstalls.length).toBeLessThanOrEqual(Math.max(0, fleet.policy.rollout.maxConcurrent - inFlight));
    expect(reinstalls.length).toBeLessThanOrEqual(fleet.policy.rollout.maxPerHour);
    const perRack = new Map<string, number>();
    for (const s of reinstalls) perRack.set(s.labels.rack ?? '', (perRack.get(s.labels.rack ?? '') ?? 0) + 1);
    for (const count of perRack.values()) expect(count).toBeLessThanOrEqual(2);
  });

  it.each(SEEDS)(
    'seed %i: the plan does not depend on the order of the specs, and equal inputs give equal JSON',
    (seed) => {
      const fleet = generateFleet(seed, 200);
      const rnd = seeded(seed * 31);
      const shuffled = [...fleet.specs].sort(() => rnd() - 0.5);

      const a = renderPlanJson(makePlan(fleet));
      const b = renderPlanJson(
        makePlan({ ...fleet, specs: shuffled, applied: new Map([...fleet.applied].reverse()) }),
      );

      expect(b).toBe(a);
      expect(renderPlanJson(makePlan(fleet))).toBe(a);
    },
  );

  it('every server gets exactly one entry', () => {
    const fleet = generateFleet(99, 500);

    const plan = makePlan(fleet);

    expect(new Set(plan.servers.map((s) => s.serviceName)).size).toBe(500);
    expect(Object.values(plan.summary).reduce((x, y) => x + y, 0)).toBe(plan.servers.length);
  });
});

/** Every file under `dir`. */
function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : [p];
  });
}

/** Modules that do I/O, imported statically or dynamically, with or without the `node:` prefix. */
const IO_IMPORT =
  /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+|\brequire\s*\(\s*)['"](?:node:)?(?:fs|fs\/promises|child_process|net|http|https)['"]/;
/** Reads of the clock or of randomness, and the process's own I/O. */
const IMPURE_CALL =
  /\bDate\.now\b|\bnew Date\(\s*\)|\bMath\.random\b|\bperformance\.now\b|\bconsole\.|\bprocess\./;

/** Whether a source text does I/O or reads the clock or randomness. */
function impure(source: string): boolean {
  return IO_IMPORT.test(source) || IMPURE_CALL.test(source);
}

describe('purity', () => {
  it.each([
    ["import { readFile } from 'node:fs/promises';", true],
    ["import { readFileSync } from 'node:fs';", true],
    ["import { readFileSync } from 'fs';", true],
    ['import { spawn } from "node:child_process";', true],
    ["import type { Socket } from 'node:net';", true],
    ["import { request } from 'node:https';", true],
    ["import { request } from 'node:http';", true],
    ["const fs = await import('node:fs');", true],
    ['const t = Date.now();', true],
    ['const t = new Date();', true],
    ['const r = Math.random();', true],
    ['const t = new Date(now).toISOString();', false],
    ["import { join, sep } from 'node:path';", false],
    ["import { fsck } from './fs-helpers.js';", false],
  ])('the check flags %s: %s', (source, expected) => {
    expect(impure(source)).toBe(expected);
  });

  it.each(['src/plan', 'src/status'])('%s reads no clock and does no I/O', (dir) => {
    const offenders = files(dir).filter((f) => impure(readFileSync(f, 'utf8')));

    expect(offenders).toEqual([]);
  });

  it('Date.now() is read only by the clock in src/core/clock.ts (and by the simulator, demo and bench)', () => {
    const allowed = (f: string) =>
      f === join('src', 'core', 'clock.ts') ||
      ['sim', 'demo', 'bench'].some((d) => f.startsWith(join('src', d) + sep));

    const offenders = files('src')
      .filter((f) => !allowed(f))
      .filter((f) => /\bDate\.now\b/.test(readFileSync(f, 'utf8')));

    expect(offenders).toEqual([]);
  });
});
