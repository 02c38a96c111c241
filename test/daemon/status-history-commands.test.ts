/**
 * `ovh-fleet status` and `ovh-fleet history`, run as the built CLI on a repository made of spec
 * commits by humans and status commits with trailers by ovh-fleet (no OVHcloud credentials:
 * status reads status/ only).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serializeStatusRecord } from '../../src/records/status-record.js';
import type { StatusPhase, StatusRecord } from '../../src/records/types.js';
import { spec } from './helpers.js';

const MAIN = join(process.cwd(), 'dist', 'cli', 'main.js');
const WEB = 'ns5001234.ip-51-75-1.eu';
const DB = 'ns5001235.ip-51-75-2.eu';
const CANONICAL = (os: string) => ({
  operatingSystem: os,
  customizations: {},
  storage: null,
  reinstall: { generation: 0 },
});

let repo = '';
const commits: Record<string, string> = {};

function git(args: string[], who: { name: string; email: string }, at: string): string {
  return execFileSync('git', args, {
    cwd: repo,
    encoding: 'utf8',
    env: {
      PATH: process.env.PATH,
      HOME: repo,
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_AUTHOR_NAME: who.name,
      GIT_AUTHOR_EMAIL: who.email,
      GIT_COMMITTER_NAME: who.name,
      GIT_COMMITTER_EMAIL: who.email,
      GIT_AUTHOR_DATE: at,
      GIT_COMMITTER_DATE: at,
    },
  }).trim();
}

function write(path: string, text: string): void {
  mkdirSync(dirname(join(repo, path)), { recursive: true });
  writeFileSync(join(repo, path), text);
}

function commit(who: { name: string; email: string }, at: string, message: string): string {
  git(['add', '--all'], who, at);
  git(['commit', '--quiet', '-m', message], who, at);
  return git(['rev-parse', 'HEAD'], who, at);
}

function record(
  name: string,
  phase: StatusPhase,
  reason: string,
  os: string,
  applied: { taskId: number | null; result: 'done' | 'adopted'; commit: string; at: string },
): string {
  const r: StatusRecord = {
    serviceName: name,
    phase,
    reason,
    message:
      phase === 'failed' ? 'reinstall task 77 ended in customerError' : `runs the applied spec (${os})`,
    since: applied.at,
    spec: { file: `servers/${name}.yaml`, commit: applied.commit },
    desiredDigest: `sha256:${'a'.repeat(64)}`,
    observedOs: os,
    task: null,
    lastApplied: {
      digest: `sha256:${'a'.repeat(64)}`,
      operatingSystem: os,
      planHash: `sha256:${'b'.repeat(64)}`,
      specCommit: applied.commit,
      taskId: applied.taskId,
      startedAt: applied.at,
      finishedAt: applied.at,
      result: applied.result,
      spec: CANONICAL(os),
    },
    lastAttempt:
      phase === 'failed'
        ? {
            digest: `sha256:${'c'.repeat(64)}`,
            result: 'failed',
            startedAt: applied.at,
            finishedAt: applied.at,
            taskId: 77,
            message: 'customerError',
          }
        : null,
    attempts: [],
    lastError:
      phase === 'failed' ? { code: 'reinstall-failed', message: 'customerError', at: applied.at } : null,
  };
  return serializeStatusRecord(r);
}

function cli(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [MAIN, ...args], {
    env: { PATH: process.env.PATH, HOME: repo },
    encoding: 'utf8',
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const ALICE = { name: 'Alice', email: 'alice@example.com' };
const BOB = { name: 'Bob', email: 'bob@example.com' };
const BOT = { name: 'ovh-fleet', email: 'ovh-fleet@example.com' };

beforeAll(() => {
  repo = mkdtempSync(join(tmpdir(), 'ovh-fleet-history-'));
  git(['init', '--quiet', '--initial-branch=main'], ALICE, '2026-01-01T10:00:00Z');
  write(`servers/${WEB}.yaml`, spec(WEB, 'debian12_64'));
  write(`servers/${DB}.yaml`, spec(DB, 'debian12_64'));
  commits.add = commit(ALICE, '2026-01-01T10:00:00Z', 'add web and db');
  write(
    `status/${WEB}.yaml`,
    record(WEB, 'ready', 'adopted', 'debian12_64', {
      taskId: null,
      result: 'adopted',
      commit: commits.add,
      at: '2026-01-01T10:05:00.000Z',
    }),
  );
  write(
    `status/${DB}.yaml`,
    record(DB, 'ready', 'adopted', 'debian12_64', {
      taskId: null,
      result: 'adopted',
      commit: commits.add,
      at: '2026-01-01T10:05:00.000Z',
    }),
  );
  commits.adopted = commit(
    BOT,
    '2026-01-01T10:05:00Z',
    `ovh-fleet: status of 2 servers: 2 ready\n\n${WEB}: ready (adopted)\n${DB}: ready (adopted)\n\nFleet-Server: ${WEB}\nFleet-Server: ${DB}\nFleet-Spec-Commit: ${commits.add}\nFleet-Plan-Hash: sha256:${'1'.repeat(64)}`,
  );
  write(`servers/${WEB}.yaml`, spec(WEB, 'alma9_64'));
  commits.move = commit(BOB, '2026-01-02T09:00:00Z', `move ${WEB} to alma9_64`);
  write(
    `status/${WEB}.yaml`,
    record(WEB, 'ready', 'in-sync', 'alma9_64', {
      taskId: 4242,
      result: 'done',
      commit: commits.move,
      at: '2026-01-02T09:20:00.000Z',
    }),
  );
  commits.done = commit(
    BOT,
    '2026-01-02T09:20:00Z',
    `ovh-fleet: ${WEB} ready (in-sync)\n\n${WEB}: ready (in-sync) task 4242: reinstalled\n\nFleet-Server: ${WEB}\nFleet-Task: ${WEB} 4242\nFleet-Spec-Commit: ${commits.move}\nFleet-Plan-Hash: sha256:${'2'.repeat(64)}`,
  );
  write(
    `status/${DB}.yaml`,
    record(DB, 'failed', 'last-attempt-failed', 'debian12_64', {
      taskId: null,
      result: 'adopted',
      commit: commits.add,
      at: '2026-01-03T08:00:00.000Z',
    }),
  );
  commits.failed = commit(
    BOT,
    '2026-01-03T08:00:00Z',
    `ovh-fleet: ${DB} failed (last-attempt-failed)\n\n${DB}: failed\n\nFleet-Server: ${DB}\nFleet-Task: ${DB} 77\nFleet-Plan-Hash: sha256:${'3'.repeat(64)}`,
  );
});

afterAll(() => rmSync(repo, { recursive: true, force: true }));

describe('ovh-fleet history', () => {
  it('lists the spec commits and the status commits of one server, oldest first', () => {
    const out = cli(['history', WEB, '--repo', repo]);

    expect(out.status).toBe(0);
    const lines = out.stdout.trim().split('\n');
    expect(lines[0]).toBe(`History of ${WEB} (oldest first)`);
    const at = (short: string): number => lines.findIndex((l) => l.includes(short.slice(0, 12)));
    const order = [commits.add, commits.adopted, commits.move, commits.done].map((c) => at(c!));
    expect(order).toEqual([1, 2, 3, 4]);
    expect(lines[1]).toMatch(
      /spec\s+servers\/.*operatingSystem \(none\) -> debian12_64\s+by Alice <alice@example.com>/,
    );
    expect(lines[2]).toMatch(/status\s+.*ready \(adopted\)/);
    expect(lines[3]).toMatch(/spec\s+.*operatingSystem debian12_64 -> alma9_64\s+by Bob <bob@example.com>/);
    expect(lines[4]).toContain('task 4242');
    expect(lines[4]).toContain(`spec ${commits.move!.slice(0, 12)}`);
    expect(out.stdout).not.toContain(commits.failed!.slice(0, 12));
  });

  it.each([
    ['an unknown server', ['history', 'ns9.ip-1-1-1.eu'], 64],
    ['a missing argument', ['history'], 64],
  ])('refuses %s with exit 64', (_what, args, code) => {
    const out = cli([...args, '--repo', repo]);

    expect(out.status).toBe(code);
  });
});

describe('ovh-fleet status', () => {
  it('prints one server’s record and exits 0 when it is ready', () => {
    const out = cli(['status', WEB, '--repo', repo]);

    expect(out.status).toBe(0);
    expect(out.stdout).toContain('no OVHcloud credentials set');
    expect(out.stdout).toContain(`Server ${WEB}`);
    expect(out.stdout).toMatch(/phase:\s+ready \(in-sync\)/);
    expect(out.stdout).toMatch(/last applied: alma9_64 \(done\)/);
    expect(out.stdout).toContain(`servers/${WEB}.yaml at ${commits.move!.slice(0, 12)}`);
  });

  it.each([
    ['the failed server', [DB]],
    ['the whole fleet (one server failed)', []],
  ])('exits 1 for %s', (_what, service) => {
    const out = cli(['status', ...service, '--repo', repo]);

    expect(out.status).toBe(1);
    expect(out.stdout).toMatch(new RegExp(`${DB.replace(/\./g, '\\.')}.*failed|phase:\\s+failed`));
  });

  it('exits 1 for an invalid server, and lists every record as JSON', () => {
    const invalid = record(WEB, 'invalid', 'invalid-spec', 'alma9_64', {
      taskId: 4242,
      result: 'done',
      commit: commits.move!,
      at: '2026-01-04T00:00:00.000Z',
    });
    write(`status/${WEB}.yaml`, invalid);

    const one = cli(['status', WEB, '--repo', repo]);
    const json = cli(['status', '--format', 'json', '--repo', repo]);
    git(['checkout', '--quiet', '--', 'status'], BOT, '2026-01-04T00:00:00Z');

    expect(one.status).toBe(1);
    expect(json.status).toBe(1);
    const doc = JSON.parse(json.stdout) as { servers: { serviceName: string; phase: string }[] };
    expect(doc.servers.map((s) => [s.serviceName, s.phase])).toEqual([
      [WEB, 'invalid'],
      [DB, 'failed'],
    ]);
  });
});
