/**
 * The explicit first install end to end: a server whose OS the simulator reports empty (a freshly
 * delivered server, a failed install) is never reinstalled by `ovh-fleet apply --yes` until a
 * reviewed commit sets its reinstall.generation to 2 or more; then it is reinstalled exactly once.
 * Real command-line processes, a real git repository, the simulator over HTTPS.
 */
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type RunningSimulator } from '../../src/sim/index.js';
import { makeRepo, removeRepos } from '../specs/temp-repo.js';

const run = promisify(execFile);
const MAIN = new URL('../../dist/cli/main.js', import.meta.url).pathname;

let sim: RunningSimulator;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  sim = await startSimulator({ servers: 6, seed: 11, speed: 100 });
  env = {
    PATH: process.env.PATH,
    OVH_ENDPOINT: sim.url,
    OVH_APPLICATION_KEY: sim.credentials.appKey,
    OVH_APPLICATION_SECRET: sim.credentials.appSecret,
    OVH_CONSUMER_KEY: sim.credentials.consumerKey,
    OVH_CA_FILE: sim.certPath,
  };
});

afterAll(async () => {
  await sim?.close();
  removeRepos();
});

async function apply(repo: string, stateDir: string): Promise<{ code: number; out: string }> {
  // The repository has no remote to record in (the shared record is tested in test/daemon/shared-intents.test.ts).
  const args = [MAIN, 'apply', '--yes', '--no-record', '--repo', repo, '--state-dir', stateDir];
  try {
    const { stdout, stderr } = await run(process.execPath, args, { env });
    return { code: 0, out: stdout + stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, out: e.stdout + e.stderr };
  }
}

const spec = (name: string, generation: number) =>
  `apiVersion: ovh-fleet/v1\nkind: Server\nserviceName: ${name}\noperatingSystem: debian12_64\nreinstall:\n  generation: ${generation}\n`;

function commitAll(repo: string, message: string): void {
  const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, stdio: 'pipe' });
  git('add', '.');
  git('-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-q', '-m', message);
}

const posts = () =>
  sim.control.requests().filter((r) => r.method === 'POST' && r.path.endsWith('/reinstall'));

describe('first install of servers whose OS OVHcloud does not report', () => {
  it('nothing without the request; exactly one reinstall after the generation bump', async () => {
    const [quiet, wanted] = sim.control
      .account()
      .filter((s) => s.compatibleTemplates.ovh.includes('debian12_64'))
      .map((s) => s.server.name);
    expect(wanted).toBeDefined();
    for (const name of [quiet!, wanted!]) sim.control.updateServer(name, { os: '' });
    const repo = makeRepo({ 'servers/quiet.yaml': spec(quiet!, 1), 'servers/wanted.yaml': spec(wanted!, 1) });
    execFileSync('git', ['init', '-q'], { cwd: repo });
    commitAll(repo, 'fleet');
    const stateDir = mkdtempSync(path.join(tmpdir(), 'ovh-fleet-first-install-'));
    sim.control.clearRequests();

    const before = await apply(repo, stateDir);

    expect(before.code).toBe(0);
    expect(posts()).toEqual([]);
    expect(before.out).not.toMatch(/\n\s+at /);

    writeFileSync(path.join(repo, 'servers/wanted.yaml'), spec(wanted!, 2));
    commitAll(repo, 'first install of wanted');
    const bumped = await apply(repo, stateDir);
    const again = await apply(repo, stateDir);

    expect([bumped.code, again.code]).toEqual([0, 0]);
    expect(posts().map((r) => r.path)).toEqual([`/dedicated/server/${wanted}/reinstall`]);
  });
});
