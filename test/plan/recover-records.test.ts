/**
 * Issue 11: a lost status record never counts as first sight. recoverLostRecords over a REAL git
 * repository (through the CLI's reader, src/cli/git-history-reader.ts), and makePlan's hold of a
 * lost record, with generated inputs. The daemon-level proof: test/daemon/lost-record.test.ts.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { repoRecordHistory } from '../../src/cli/git-history-reader.js';
import { specDigest } from '../../src/plan/digest.js';
import { makePlan } from '../../src/plan/make-plan.js';
import { readApplied } from '../../src/records/read-records.js';
import { MAX_RECORD_VERSIONS, recoverLostRecords } from '../../src/plan/recover-records.js';
import { serializeStatusRecord } from '../../src/records/status-record.js';
import { CATALOG, input, observed, record, spec } from './helpers.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const ENV = {
  PATH: process.env.PATH,
  HOME: tmpdir(),
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_AUTHOR_NAME: 'A',
  GIT_AUTHOR_EMAIL: 'a@example.com',
  GIT_COMMITTER_NAME: 'A',
  GIT_COMMITTER_EMAIL: 'a@example.com',
};

/** A git repository; `commit(files)` writes (null: deletes) and commits. */
function repo() {
  const root = mkdtempSync(join(tmpdir(), 'ovh-fleet-recover-'));
  dirs.push(root);
  const git = (...args: string[]) => execFileSync('git', args, { cwd: root, env: ENV, encoding: 'utf8' });
  git('init', '--quiet', '--initial-branch=main');
  mkdirSync(join(root, 'status'));
  return {
    root,
    commit(files: Record<string, string | null>, message = 'change'): void {
      for (const [path, text] of Object.entries(files)) {
        if (text === null) git('rm', '--quiet', path);
        else writeFileSync(join(root, path), text);
      }
      git('add', '--all');
      git('commit', '--quiet', '--allow-empty', '-m', message);
    },
  };
}

const NS = 'ns1.eu';
const FILE = `status/${NS}.yaml`;
const drifted = record(NS, spec(NS), { phase: 'drifted', reason: 'drift' });

async function readWithHistory(root: string, names = [NS, 'ns-new.eu']) {
  const records = await readApplied(root);
  await recoverLostRecords(records, names, (await repoRecordHistory(root))!);
  return records;
}

describe('recoverLostRecords over git history', () => {
  it('a deleted record: its last valid version stands in, with a warning naming the commit', async () => {
    const r = repo();
    r.commit({ [FILE]: serializeStatusRecord(drifted) });
    r.commit({ [FILE]: null }, 'a human deletes the record');

    const records = await readWithHistory(r.root);

    expect(records.applied.get(NS)).toEqual(drifted);
    expect(records.recovered.has(NS)).toBe(true);
    expect(records.lost.size).toBe(0);
    expect(records.diagnostics).toContainEqual(
      expect.objectContaining({ file: FILE, severity: 'warning', code: 'status-record-recovered' }),
    );
  });

  it('a corrupted record: the version before the corruption stands in', async () => {
    const r = repo();
    r.commit({ [FILE]: serializeStatusRecord(drifted) });
    r.commit({ [FILE]: 'phase: [unclosed\n' }, 'a human breaks the record');

    const records = await readWithHistory(r.root);

    expect(records.applied.get(NS)).toEqual(drifted);
    expect(records.diagnostics.map((d) => d.code)).toEqual([
      'status-record-invalid',
      'status-record-recovered',
    ]);
  });

  it(`a record with no valid version in its last ${MAX_RECORD_VERSIONS} versions is lost; a server never recorded is not`, async () => {
    const r = repo();
    r.commit({ [FILE]: serializeStatusRecord(drifted) });
    for (let i = 0; i < MAX_RECORD_VERSIONS; i++) r.commit({ [FILE]: `broken: ${i}\n` });

    const records = await readWithHistory(r.root);

    expect([...records.lost]).toEqual([NS]);
    expect(records.applied.size).toBe(0);
    expect(records.diagnostics.at(-1)).toMatchObject({
      file: FILE,
      severity: 'error',
      code: 'status-record-lost',
    });
  });

  it('among 400 new servers (several history walks), finds the one deleted record', async () => {
    const r = repo();
    r.commit({ [FILE]: serializeStatusRecord(drifted) });
    r.commit({ [FILE]: null });
    const fresh = Array.from({ length: 400 }, (_, i) => `ns-new-${i}.eu`);

    const records = await readWithHistory(r.root, [...fresh.slice(0, 300), NS, ...fresh.slice(300)]);

    expect([...records.recovered.keys()]).toEqual([NS]);
    expect(records.lost.size).toBe(0);
  });

  it('a server whose record never existed in history is first sight (nothing recovered, nothing lost)', async () => {
    const r = repo();
    r.commit({ 'README.md': 'fleet\n' });

    const records = await readWithHistory(r.root);

    expect(records.applied.size + records.lost.size + records.recovered.size).toBe(0);
  });
});

describe('makePlan holds a server whose record is lost', () => {
  it('never reinstalls a lost server, whatever the spec, the observation and the policy (generated)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...CATALOG),
        fc.constantFrom(...CATALOG, '', 'custom-image'),
        fc.integer({ min: 0, max: 5 }),
        fc.constantFrom('report' as const, 'reinstall' as const),
        (declared, os, generation, drift) => {
          const s = spec(NS, { operatingSystem: declared, reinstall: { generation, protect: false } });
          const plan = makePlan(
            input({
              specs: [s],
              observed: new Map([[NS, observed({ os })]]),
              lostRecords: new Set([NS]),
              policy: { ...input().policy, drift },
            }),
          );
          expect(plan.servers[0]?.action).not.toBe('reinstall');
          expect(plan.servers[0]?.action).not.toBe('deferred');
        },
      ),
    );
  });

  it('the record written for the hold keeps holding at the same digest; a changed spec lifts it', () => {
    const s = spec(NS, { operatingSystem: 'rocky9_64' });
    const marker = record(NS, null, {
      phase: 'unknown',
      reason: 'status-record-lost',
      desiredDigest: specDigest(s),
    });
    const plan = (sp: typeof s) =>
      makePlan(
        input({ specs: [sp], observed: new Map([[NS, observed()]]), applied: new Map([[NS, marker]]) }),
      );

    expect(plan(s).servers[0]).toMatchObject({ action: 'none', reason: 'status-record-lost' });
    const bumped = { ...s, reinstall: { generation: 2, protect: false } };
    expect(plan(bumped).servers[0]).toMatchObject({ action: 'reinstall', reason: 'spec-changed' });
  });
});
