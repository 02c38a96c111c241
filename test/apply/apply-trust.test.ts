/**
 * Issue 11 (`ovh-fleet apply` skips the checks the daemon makes): the real CLI process
 * (`node dist/cli/main.js apply --yes`) against the simulator refuses, before anything is posted,
 * a branch rewritten since the last applied revision, and, with `--allowed-signers FILE`, an
 * unsigned commit or an uncommitted change; signed work is applied and the verified head kept.
 */
import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serializeStatusRecord } from '../../src/records/status-record.js';
import { record, spec as planSpec } from '../plan/helpers.js';
import { startSimulator, type RunningSimulator } from '../../src/sim/index.js';

const MAIN = join(process.cwd(), 'dist', 'cli', 'main.js');
const LINUX = /^(debian12_64|alma9_64|ubuntu2404-server_64|rocky9_64)$/;
let sim: RunningSimulator;
const roots: string[] = [];

beforeAll(async () => {
  sim = await startSimulator({ servers: 12, seed: 5, speed: 100 });
});
afterAll(async () => {
  await sim?.close();
  for (const r of roots) rmSync(r, { recursive: true, force: true });
});

/** A fleet repository (git, signing keys, a server to reinstall) and a state directory. */
function fleet(index: number): {
  root: string;
  repo: string;
  stateDir: string;
  signers: string;
  name: string;
  os: string;
  other: string;
  git: (...args: string[]) => string;
  write: (rel: string, text: string) => void;
} {
  const root = mkdtempSync(join(tmpdir(), 'ovh-fleet-apply-trust-'));
  roots.push(root);
  const repo = join(root, 'repo');
  mkdirSync(repo);
  const candidates = sim.control
    .account()
    .filter(
      (s) =>
        LINUX.test(s.server.os) && s.compatibleTemplates.ovh.some((t) => LINUX.test(t) && t !== s.server.os),
    );
  const s = candidates[index]!;
  const other = s.compatibleTemplates.ovh.find((t) => LINUX.test(t) && t !== s.server.os)!;
  for (const key of ['trusted', 'stranger'])
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', key, '-f', join(root, key)]);
  const pub = readFileSync(join(root, 'trusted.pub'), 'utf8').trim().split(' ').slice(0, 2).join(' ');
  const signers = join(root, 'allowed_signers');
  writeFileSync(signers, `ops@example.org namespaces="git" ${pub}\n`);
  const env = { PATH: process.env.PATH, HOME: root, GIT_CONFIG_NOSYSTEM: '1' };
  const git = (...args: string[]): string =>
    execFileSync('git', ['-c', 'user.name=Ops', '-c', 'user.email=ops@example.org', ...args], {
      cwd: repo,
      env,
      encoding: 'utf8',
    }).trim();
  const write = (rel: string, text: string): void => {
    mkdirSync(dirname(join(repo, rel)), { recursive: true });
    writeFileSync(join(repo, rel), text);
  };
  git('init', '-q', '--initial-branch=main');
  git('config', 'gpg.format', 'ssh');
  git('config', 'user.signingkey', join(root, 'trusted'));
  write('fleet.yaml', 'apiVersion: ovh-fleet/v1\nkind: Fleet\nrollout:\n  maxFleetFraction: 1\n');
  return {
    root,
    repo,
    stateDir: join(root, 'state'),
    signers,
    name: s.server.name,
    os: s.server.os,
    other,
    git,
    write,
  };
}

const spec = (name: string, os: string): string =>
  `apiVersion: ovh-fleet/v1\nkind: Server\nserviceName: ${name}\noperatingSystem: ${os}\n`;

async function apply(
  repo: string,
  stateDir: string,
  extra: string[] = [],
): Promise<{ code: number; out: string }> {
  const env = {
    PATH: process.env.PATH,
    HOME: dirname(repo),
    OVH_ENDPOINT: sim.url,
    OVH_APPLICATION_KEY: sim.credentials.appKey,
    OVH_APPLICATION_SECRET: sim.credentials.appSecret,
    OVH_CONSUMER_KEY: sim.credentials.consumerKey,
    OVH_CA_FILE: sim.certPath,
  };
  // The repository has no remote to record in: the trust checks are what these tests are about.
  const args = [MAIN, 'apply', '--repo', repo, '--state-dir', stateDir, '--yes', '--no-record', ...extra];
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, args, { env });
    return { code: 0, out: stdout + stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, out: e.stdout + e.stderr };
  }
}

function posts(name: string): number {
  return sim.control
    .requests()
    .filter((r) => r.method === 'POST' && r.path.endsWith(`/dedicated/server/${name}/reinstall`)).length;
}

/** A status record saying `specCommit` was applied for `name` (the daemon's shape, trimmed). */
function appliedRecord(name: string, os: string, specCommit: string): string {
  const r = record(name, planSpec(name, { operatingSystem: os }));
  return serializeStatusRecord({ ...r, lastApplied: { ...r.lastApplied!, specCommit } });
}

describe('ovh-fleet apply makes the daemon checks', () => {
  it('refuses a branch rewritten since the last applied revision (status/ records it), posting nothing', async () => {
    const f = fleet(0);
    f.write(`servers/${f.name}.yaml`, spec(f.name, f.os));
    f.git('add', '--all');
    f.git('commit', '-q', '-m', 'adopt');
    const applied = f.git('rev-parse', 'HEAD');
    // A force-push: a new history that does not contain the applied revision.
    f.git('checkout', '-q', '--orphan', 'rewritten');
    f.write(`servers/${f.name}.yaml`, spec(f.name, f.other));
    f.write(`status/${f.name}.yaml`, appliedRecord(f.name, f.os, applied));
    f.git('add', '--all');
    f.git('commit', '-q', '-m', 'rewritten history');

    const result = await apply(f.repo, f.stateDir);

    expect(result.out).toContain('history-rewritten');
    expect(result.code).toBe(1);
    expect(posts(f.name)).toBe(0);
  });

  it('with --allowed-signers, refuses an unsigned commit and an uncommitted change, applies signed work', async () => {
    const f = fleet(1);
    f.write(`servers/${f.name}.yaml`, spec(f.name, f.os));
    f.git('add', '--all');
    f.git('commit', '-q', '-S', '-m', 'adopt, signed');
    f.write(`servers/${f.name}.yaml`, spec(f.name, f.other));
    f.git('add', '--all');
    f.git('commit', '-q', '-m', 'change os, unsigned');
    const unsigned = f.git('rev-parse', 'HEAD');

    const refused = await apply(f.repo, f.stateDir, ['--allowed-signers', f.signers]);
    f.git('commit', '-q', '--amend', '-S', '--no-edit');
    f.write(`servers/${f.name}.yaml`, spec(f.name, f.os));
    const dirty = await apply(f.repo, f.stateDir, ['--allowed-signers', f.signers]);
    f.git('checkout', '-q', '--', '.');
    const signed = await apply(f.repo, f.stateDir, ['--allowed-signers', f.signers]);

    expect(refused.out).toContain('signature-invalid');
    expect(refused.out).toContain(unsigned.slice(0, 12));
    expect(refused.code).toBe(1);
    expect(dirty.out).toContain('worktree-uncommitted');
    expect(dirty.code).toBe(1);
    expect(signed.code).toBe(0);
    expect(posts(f.name)).toBe(1);
    const verified = JSON.parse(readFileSync(join(f.stateDir, 'verified-head.json'), 'utf8')) as {
      head: string;
    };
    expect(verified.head).toBe(f.git('rev-parse', 'HEAD'));
  });

  it('with --allowed-signers, an unsigned edit of a status record plans nothing: refused without kept records, ignored with them', async () => {
    const f = fleet(2);
    // The spec of the genuine record (test/plan/helpers.ts spec()), so that it is in sync.
    const text = `${spec(f.name, f.os)}customizations:\n  hostname: ${f.name}.example.com\nreinstall:\n  generation: 1\n`;
    f.write(`servers/${f.name}.yaml`, text);
    f.git('add', '--all');
    f.git('commit', '-q', '-S', '-m', 'adopt, signed');
    const genuine = appliedRecord(f.name, f.os, f.git('rev-parse', 'HEAD'));
    f.write(`status/${f.name}.yaml`, genuine);
    f.git('add', '--all');
    f.git('commit', '-q', '-m', 'ovh-fleet: status (status commits are not signed)');
    f.write(
      `status/${f.name}.yaml`,
      genuine.replace(/digest: sha256:[0-9a-f]{64}/, `digest: sha256:${'0'.repeat(64)}`),
    );
    f.git('add', '--all');
    f.git('commit', '-q', '-m', 'hand edit of lastApplied.digest, unsigned');
    const keptDir = join(f.root, 'daemon-state');
    mkdirSync(keptDir);
    writeFileSync(
      join(keptDir, 'trusted-records.json'),
      `${JSON.stringify({ formatVersion: 1, records: { [f.name]: genuine } })}\n`,
    );

    const fresh = await apply(f.repo, f.stateDir, ['--allowed-signers', f.signers]);
    const kept = await apply(f.repo, keptDir, ['--allowed-signers', f.signers]);

    expect(fresh.out).toContain('status-records-unverified');
    expect(fresh.code).toBe(1);
    expect(kept.out).toContain('status-record-untrusted');
    expect(kept.code).toBe(0);
    expect(posts(f.name)).toBe(0);
  });
});
