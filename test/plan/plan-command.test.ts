/**
 * `ovh-fleet plan` end to end: a temporary fleet repository whose specs name servers of the
 * simulator's account, observed through the real adapter over HTTPS; the three formats, exit
 * codes, --out, --offline, and a warm second run from the state directory's cache.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runPlan, type PlanRunOptions } from '../../src/cli/plan-command.js';
import { VirtualClock } from '../../src/core/virtual-clock.js';
import type { OvhApi } from '../../src/ovh/ovh-api.js';
import { canonicalizeSpec, specDigest } from '../../src/plan/digest.js';
import { PLAN_SCHEMA } from '../../src/plan/plan-schema.js';
import type { Plan } from '../../src/plan/types.js';
import { startSimulator, type RunningSimulator, type SimServer } from '../../src/sim/index.js';
import { readFleet } from '../../src/specs/read-fleet.js';
import { serializeStatusRecord } from '../../src/records/status-record.js';
import { makeRepo, removeRepos } from '../specs/temp-repo.js';
import { simApi } from '../support/sim-api.js';

let sim: RunningSimulator;
let api: OvhApi;
let account: SimServer[];
const dirs: string[] = [];

beforeAll(async () => {
  sim = await startSimulator({ servers: 12, seed: 1 });
  api = simApi(sim);
  account = sim.control.account();
});

afterAll(async () => {
  await sim?.close();
  removeRepos();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

beforeEach(() => sim.control.clearRequests());

const LINUX = /^(debian12_64|alma9_64|ubuntu2404-server_64)$/;

function server(predicate: (s: SimServer) => boolean, skip: readonly string[] = []): SimServer {
  const found = account.find((s) => predicate(s) && !skip.includes(s.server.name));
  if (!found) throw new Error('no such server in the simulated account');
  return found;
}

function specText(serviceName: string, os: string): string {
  return `apiVersion: ovh-fleet/v1\nkind: Server\nserviceName: ${serviceName}\noperatingSystem: ${os}\n`;
}

/** adopt: runs its declared OS; change: declares another compatible OS; synced: has a record at its digest. */
function fleet(options: { withReinstall: boolean; withUnknown?: boolean }): Record<string, string> {
  const adopt = server((s) => LINUX.test(s.server.os));
  const synced = server((s) => LINUX.test(s.server.os), [adopt.server.name]);
  const change = server(
    (s) => s.server.os !== '' && s.compatibleTemplates.ovh.some((t) => LINUX.test(t) && t !== s.server.os),
    [adopt.server.name, synced.server.name],
  );
  const files: Record<string, string> = {
    'servers/adopt.yaml': specText(adopt.server.name, adopt.server.os),
    'servers/synced.yaml': specText(synced.server.name, synced.server.os),
  };
  if (options.withReinstall) {
    const target = change.compatibleTemplates.ovh.find((t) => LINUX.test(t) && t !== change.server.os)!;
    files['servers/change.yaml'] = specText(change.server.name, target);
  }
  if (options.withUnknown) files['servers/stranger.yaml'] = specText('ns0000000.ip-10-0-0.eu', 'debian12_64');
  return files;
}

/** Writes status/<synced>.yaml recording the synced spec as applied. */
async function withRecord(files: Record<string, string>): Promise<string> {
  const repo = makeRepo(files);
  const read = await readFleet(repo);
  const spec = read.specs.find((s) => s.file === 'servers/synced.yaml')!;
  const at = '2026-11-01T00:00:00.000Z';
  const record = serializeStatusRecord({
    serviceName: spec.serviceName,
    phase: 'ready',
    reason: 'in-sync',
    message: 'runs the applied spec',
    since: at,
    spec: { file: spec.file, commit: 'abc1234' },
    desiredDigest: specDigest(spec),
    observedOs: spec.operatingSystem,
    task: null,
    lastApplied: {
      digest: specDigest(spec),
      operatingSystem: spec.operatingSystem,
      planHash: 'sha256:0',
      specCommit: 'abc1234',
      taskId: 1,
      startedAt: at,
      finishedAt: at,
      result: 'done',
      spec: canonicalizeSpec(spec),
    },
    lastAttempt: null,
    attempts: [],
    lastError: null,
  });
  return makeRepo({ ...files, [`status/${spec.serviceName}.yaml`]: record });
}

function stateDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'ovh-fleet-plan-state-'));
  dirs.push(dir);
  return dir;
}

async function plan(repo: string, over: Partial<PlanRunOptions> = {}) {
  let stdout = '';
  let stderr = '';
  const result = await runPlan({
    repo,
    format: 'json',
    api,
    clock: new VirtualClock(Date.now()),
    revision: 'test-revision',
    print: (s) => (stdout += s),
    printErr: (s) => (stderr += s),
    ...over,
  });
  return { ...result, stdout, stderr };
}

const addFormats = addFormatsModule.default;
const ajv = new Ajv2020({ allErrors: true, strict: false });
addFormats(ajv);
const validatePlan = ajv.compile(PLAN_SCHEMA);

describe('ovh-fleet plan', () => {
  it('prints a JSON plan valid against PLAN_SCHEMA with one decision per server', async () => {
    const repo = await withRecord(fleet({ withReinstall: true }));

    const { stdout, exitCode } = await plan(repo);

    const parsed = JSON.parse(stdout) as Plan;
    expect(validatePlan(parsed), JSON.stringify(validatePlan.errors)).toBe(true);
    const byFile = Object.fromEntries(parsed.servers.map((s) => [s.file, [s.action, s.reason]]));
    expect(parsed.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(byFile).toEqual({
      'servers/adopt.yaml': ['adopt', 'adopted'],
      'servers/synced.yaml': ['none', 'in-sync'],
      'servers/change.yaml': ['reinstall', 'spec-changed'],
    });
    const change = parsed.servers.find((s) => s.file === 'servers/change.yaml')!;
    expect(change.erases?.length).toBeGreaterThan(0);
    expect(parsed.revision).toBe('test-revision');
    expect(exitCode).toBe(0);
  });

  it('renders markdown under 60,000 characters and text with the summary line', async () => {
    const repo = await withRecord(fleet({ withReinstall: true }));

    const markdown = await plan(repo, { format: 'markdown' });
    const text = await plan(repo, { format: 'text' });

    expect(markdown.stdout.length).toBeLessThan(60_000);
    expect(markdown.stdout).toContain('reinstall');
    expect(text.stdout).toContain(
      'Plan: 1 to reinstall, 1 to adopt, 0 to follow, 0 deferred, 0 invalid, 1 unchanged.',
    );
    expect(text.stdout).not.toContain('\u001b[');
    expect(text.stderr).toMatch(/ovh-fleet plan: Plan: .* API calls for 3 servers/);
  });

  it('says on its summary line why the expanded server list was set aside', async () => {
    const repo = await withRecord(fleet({ withReinstall: true }));
    sim.control.setFaults({ expandedAnswer: 'ids' }); // an endpoint that ignores the header
    try {
      const text = await plan(repo, { format: 'text' });

      expect(text.stderr).toMatch(
        /API calls for 3 servers .*; the expanded server list was set aside, each server observed one by one: the API answered ids, not objects/,
      );
    } finally {
      sim.control.setFaults({ expandedAnswer: 'faithful' });
    }
    const faithful = await plan(repo, { format: 'text' });
    expect(faithful.stderr).not.toMatch(/set aside/);
  });

  it.each([
    ['a reinstall, --detailed-exitcode', { withReinstall: true }, true, 2],
    ['a reinstall, no flag', { withReinstall: true }, false, 0],
    ['nothing to reinstall, --detailed-exitcode', { withReinstall: false }, true, 0],
    ['a server outside the account', { withReinstall: true, withUnknown: true }, true, 1],
  ])('exits with the code of the plan: %s', async (_name, shape, detailed, code) => {
    const repo = await withRecord(fleet(shape));

    const { exitCode } = await plan(repo, { detailedExitcode: detailed });

    expect(exitCode).toBe(code);
  });

  it('writes --out FILE and prints a one-line summary', async () => {
    const repo = await withRecord(fleet({ withReinstall: true }));
    const out = path.join(stateDir(), 'plan.md');

    const { stdout, plan: made } = await plan(repo, { format: 'markdown', out });

    expect(readFileSync(out, 'utf8')).toContain(made.planHash);
    expect(stdout.trim().split('\n')).toHaveLength(1);
    expect(stdout).toContain(`written to ${out}`);
  });

  it('is warm in a second run with the same state directory: no call for unchanged servers', async () => {
    const repo = await withRecord(fleet({ withReinstall: true }));
    const dir = stateDir();

    const cold = await plan(repo, { stateDir: dir });
    sim.control.clearRequests();
    const warm = await plan(repo, { stateDir: dir });

    expect(cold.stats.callsPerServer).toBeLessThanOrEqual(4);
    expect(warm.stats.totalCalls).toBeLessThan(cold.stats.totalCalls);
    // The in-sync server is reused; adopt and reinstall candidates are always observed fresh.
    expect(warm.stats.reused).toBe(1);
    const synced = account.find(
      (s) => repo && readFileSync(path.join(repo, 'servers/synced.yaml'), 'utf8').includes(s.server.name),
    )!;
    expect(sim.control.requests().some((r) => r.path.includes(synced.server.name))).toBe(false);
    expect(warm.plan.planHash).toBe(cold.plan.planHash);
  });

  it('offline: calls nothing, never adopts, defers what the records say changed (erasure unknown)', async () => {
    const repo = await withRecord(fleet({ withReinstall: true }));
    const synced = readFileSync(path.join(repo, 'servers/synced.yaml'), 'utf8');
    writeFileSync(path.join(repo, 'servers/synced.yaml'), `${synced}reinstall:\n  generation: 2\n`);

    const { plan: made, exitCode, stderr } = await plan(repo, { api: undefined, detailedExitcode: true });

    expect(sim.control.requests()).toEqual([]);
    const byFile = Object.fromEntries(made.servers.map((s) => [s.file, [s.action, s.reason, s.erases]]));
    expect(byFile).toEqual({
      'servers/adopt.yaml': ['none', 'os-unknown', []],
      'servers/synced.yaml': ['deferred', 'erasure-unknown', null],
      'servers/change.yaml': ['none', 'os-unknown', []],
    });
    // Nothing would start: the hardware was not read, so what the reinstall erases is unknown.
    expect(exitCode).toBe(0);
    expect(stderr).toContain('offline');
  });
});
