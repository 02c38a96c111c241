/**
 * `ovh-fleet apply` end to end against the simulator: the plan it executes is the plan
 * `ovh-fleet plan --format json` printed for the same repository and state directory (same
 * reading, status records, observation cache, revision), so --plan-hash with that hash applies
 * and any other hash refuses before anything is posted.
 */
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runApply } from '../../src/cli/apply-command.js';
import { runPlan } from '../../src/cli/plan-command.js';
import type { OvhApi } from '../../src/ovh/ovh-api.js';
import { startSimulator, type RunningSimulator } from '../../src/sim/index.js';
import { makeRepo, removeRepos } from '../specs/temp-repo.js';
import { tempStateDir } from './helpers.js';
import { simApi } from '../support/sim-api.js';

let sim: RunningSimulator;
let api: OvhApi;

beforeAll(async () => {
  sim = await startSimulator({ servers: 12, seed: 3, speed: 100 });
  api = simApi(sim);
});

afterAll(async () => {
  await sim?.close();
  removeRepos();
});

const LINUX = /^(debian12_64|alma9_64|ubuntu2404-server_64|rocky9_64)$/;

/** A git repository with one server to reinstall and one in sync to adopt. */
function fleetRepo(): { repo: string; target: string } {
  const account = sim.control.account();
  const change = account.find(
    (s) => s.server.os !== '' && s.compatibleTemplates.ovh.some((t) => LINUX.test(t) && t !== s.server.os),
  )!;
  const adopt = account.find((s) => s !== change && LINUX.test(s.server.os))!;
  const os = change.compatibleTemplates.ovh.find((t) => LINUX.test(t) && t !== change.server.os)!;
  const spec = (name: string, system: string) =>
    `apiVersion: ovh-fleet/v1\nkind: Server\nserviceName: ${name}\noperatingSystem: ${system}\n`;
  const repo = makeRepo({
    'servers/change.yaml': spec(change.server.name, os),
    'servers/adopt.yaml': spec(adopt.server.name, adopt.server.os),
  });
  const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, stdio: 'pipe' });
  git('init', '-q');
  git('add', '.');
  git('-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-q', '-m', 'fleet');
  return { repo, target: change.server.name };
}

async function planJson(repo: string, stateDir: string): Promise<{ planHash: string; revision: string }> {
  let printed = '';
  await runPlan({
    repo,
    format: 'json',
    api,
    stateDir,
    print: (s) => void (printed += s),
    printErr: () => undefined,
  });
  return JSON.parse(printed) as { planHash: string; revision: string };
}

const quiet = { write: () => undefined, isTTY: false };

describe('ovh-fleet apply', () => {
  it('applies with the hash `plan --format json` printed, at the repository HEAD, and refuses any other', async () => {
    const { repo, target } = fleetRepo();
    const stateDir = await tempStateDir();
    const printed = await planJson(repo, stateDir);
    // A repository without a remote: --no-record (this test is about the plan hash, not recording).
    const base = {
      repo,
      stateDir,
      api,
      yes: true,
      wait: false,
      out: quiet,
      printErr: () => undefined,
      record: false,
    };
    sim.control.clearRequests();

    const refused = runApply({ ...base, planHash: 'sha256:0000' });

    await expect(refused).rejects.toMatchObject({ code: 'plan-hash-mismatch', exitCode: 1 });
    expect(sim.control.requests().filter((r) => r.method === 'POST')).toEqual([]);

    const applied = await runApply({ ...base, planHash: printed.planHash });
    const posts = sim.control.requests().filter((r) => r.method === 'POST');

    expect(applied.plan.planHash).toBe(printed.planHash);
    expect(applied.plan.revision).toBe(
      execFileSync('git', ['rev-parse', 'HEAD'], { cwd: repo }).toString().trim(),
    );
    expect(applied.plan.revision).toBe(printed.revision);
    expect(applied.exitCode).toBe(0);
    expect(posts.map((r) => r.path)).toEqual([`/dedicated/server/${target}/reinstall`]);
    expect(applied.report?.outcomes.map((o) => [o.serviceName, o.result, o.code])).toEqual([
      [target, 'running', 'reinstall-started'],
    ]);
  });

  it('refuses to run while another process holds the state directory, and posts nothing', async () => {
    const { repo } = fleetRepo();
    const stateDir = await tempStateDir();
    const { acquireStateLock } = await import('../../src/apply/state-lock.js');
    const held = await acquireStateLock(stateDir, { purpose: 'daemon' });
    sim.control.clearRequests();

    const run = runApply({
      repo,
      stateDir,
      api,
      yes: true,
      wait: false,
      out: quiet,
      printErr: () => undefined,
    });

    await expect(run).rejects.toMatchObject({ code: 'state-dir-locked' });
    expect(sim.control.requests()).toEqual([]);
    await held.release();
  });
});
