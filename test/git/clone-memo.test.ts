/**
 * The sync that skips its reset when `git status` shows the clone already at the fetched head,
 * and what the adapter then remembers (clone-memo.ts): the clean head the daemon's load step
 * trusts, the status branch's head, the files of a directory at a commit. The safety rule that
 * stands: whatever stray change the clone holds, a sync leaves exactly the remote head.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { git, makeTemplate, makeWorld, request, SPEC } from './helpers.js';

let template: string;
let cleanup: () => void;
beforeAll(() => ({ template, cleanup } = makeTemplate()));
afterAll(() => cleanup());

/** Stray changes someone (or a crash) could leave in the daemon's clone, none of them a commit. */
const DAMAGES = {
  'edit a spec': (clone: string) => writeFileSync(join(clone, 'servers/web-1.yaml'), 'garbage'),
  'edit fleet.yaml': (clone: string) => writeFileSync(join(clone, 'fleet.yaml'), 'x: 1\n'),
  'delete a spec': (clone: string) => rmSync(join(clone, 'servers/web-2.yaml')),
  'add an untracked spec': (clone: string) =>
    writeFileSync(join(clone, 'servers/stray.yaml'), SPEC('ns9.example.net', 'debian12_64')),
  'add an untracked status record': (clone: string) => {
    mkdirSync(join(clone, 'status'), { recursive: true });
    writeFileSync(join(clone, 'status/ns9.example.net.yaml'), 'junk');
  },
  'add an ignored file': (clone: string) => {
    writeFileSync(join(clone, '.git/info/exclude'), '*.log\n');
    writeFileSync(join(clone, 'servers/debug.log'), 'ignored');
  },
  'stage an edit': (clone: string, env: NodeJS.ProcessEnv) => {
    writeFileSync(join(clone, 'README.md'), 'changed\n');
    git(clone, ['add', 'README.md'], env);
  },
  'switch to another branch at the same commit': (clone: string, env: NodeJS.ProcessEnv) =>
    git(clone, ['checkout', '--quiet', '-B', 'elsewhere'], env),
  'detach HEAD': (clone: string, env: NodeJS.ProcessEnv) =>
    git(clone, ['checkout', '--quiet', '--detach'], env),
} as const;

type Damage = keyof typeof DAMAGES;

/** Every file of the tree but .git, with its text. */
function treeOf(dir: string, env: NodeJS.ProcessEnv): Map<string, string> {
  const files = git(dir, ['ls-files', '-z', '--cached', '--others'], env).split('\0').filter(Boolean);
  return new Map(files.map((f) => [f, existsSync(join(dir, f)) ? readFileSync(join(dir, f), 'utf8') : '']));
}

describe('sync when nothing changed', () => {
  it('proves the clone clean at the head it returns, and forgets it once a status commit starts', async () => {
    const w = makeWorld(template);
    const repo = w.repo();
    expect(repo.cleanHead()).toBeNull();
    const first = await repo.ensureClone();
    expect(repo.cleanHead()).toBe(first);

    const again = await repo.sync();
    expect(again).toBe(first);
    expect(repo.cleanHead()).toBe(first);
    expect(await repo.statusHead()).toBe(first);

    const commit = repo.commitStatus(request({ 'status/ns1.example.net.yaml': 'phase: ready\n' }));
    expect(repo.cleanHead()).toBeNull(); // forgotten as soon as the job is queued to start
    const result = await commit;
    expect(result.outcome).toBe('pushed');
    expect(repo.cleanHead()).toBeNull();
    // The status branch moved: the head remembered by the sync is not answered any more.
    expect(await repo.statusHead()).toBe(result.outcome === 'pushed' ? result.commit : null);
    expect(await repo.sync()).toBe(w.o(['rev-parse', 'main']));
    expect(repo.cleanHead()).toBe(w.o(['rev-parse', 'main']));
  });

  it('takes a new head from origin even when the clone is clean', async () => {
    const w = makeWorld(template);
    const repo = w.repo();
    await repo.ensureClone();
    const pushed = w.humanCommit('servers/web-1.yaml', SPEC('ns1.example.net', 'debian12_64'), 'os');

    expect(await repo.sync()).toBe(pushed);
    expect(readFileSync(join(w.clone, 'servers/web-1.yaml'), 'utf8')).toContain('debian12_64');
    expect(repo.cleanHead()).toBe(pushed);
  });

  it('answers listFilesAt of a commit again from memory, as a copy', async () => {
    const w = makeWorld(template);
    const repo = w.repo();
    const head = await repo.ensureClone();
    const first = await repo.listFilesAt(head, 'servers/');
    first.delete('servers/web-1.yaml');
    const second = await repo.listFilesAt(head, 'servers/');
    expect([...second.keys()].sort()).toEqual(['servers/web-1.yaml', 'servers/web-2.yaml']);
  });

  it('property: whatever stray changes the clone holds, sync leaves exactly the remote head', async () => {
    const w = makeWorld(template);
    const repo = w.repo();
    await repo.ensureClone();
    const remote = w.o(['rev-parse', 'main']);
    const expected = treeOf(w.clone, w.env);
    const names = Object.keys(DAMAGES) as Damage[];
    await fc.assert(
      fc.asyncProperty(fc.subarray(names, { minLength: 0 }), async (damages) => {
        for (const d of damages) DAMAGES[d](w.clone, w.env);
        expect(await repo.sync()).toBe(remote);
        expect(treeOf(w.clone, w.env)).toEqual(expected);
        expect(git(w.clone, ['status', '--porcelain', '--ignored', '--untracked-files=all'], w.env)).toBe('');
        expect(git(w.clone, ['symbolic-ref', 'HEAD'], w.env)).toBe('refs/heads/main');
        expect(repo.cleanHead()).toBe(remote);
      }),
      { numRuns: 12 },
    );
  });
});
