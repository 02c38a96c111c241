import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FleetError } from '../../src/core/errors.js';
import { makeTemplate, makeWorld, SPEC, type World } from './helpers.js';

let template: string;
let cleanup: () => void;
beforeAll(() => {
  ({ template, cleanup } = makeTemplate());
  for (const name of ['trusted', 'stranger']) {
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', name, '-f', join(template, name)]);
  }
  const pub = readFileSync(join(template, 'trusted.pub'), 'utf8').trim().split(' ').slice(0, 2).join(' ');
  writeFileSync(join(template, 'allowed_signers'), `ops@example.org namespaces="git" ${pub}\n`);
});
afterAll(() => cleanup());

const PATHS = { include: ['servers/', 'fleet.yaml'] };

/** Commits a change in the human clone, signed with `key` (or unsigned), and pushes it. */
function commit(w: World, path: string, content: string, key: 'trusted' | 'stranger' | null): string {
  writeFileSync(join(w.human, path), content);
  w.h(['add', '--all']);
  const sign = key === null ? [] : ['-c', 'gpg.format=ssh', '-c', `user.signingkey=${join(w.root, key)}`];
  w.h([...sign, 'commit', '--quiet', ...(key === null ? [] : ['-S']), '-m', `change ${path}`]);
  w.h(['push', '--quiet', 'origin', 'main']);
  return w.h(['rev-parse', 'HEAD']);
}

describe('verifySignatures', () => {
  it('accepts good signatures, ignores unsigned commits outside servers/ and fleet.yaml, names N and U commits', async () => {
    const w = makeWorld(template);
    const signers = join(w.root, 'allowed_signers');
    const start = w.h(['rev-parse', 'HEAD']);
    const good = commit(w, 'servers/web-1.yaml', SPEC('ns1.example.net', 'debian12_64'), 'trusted');
    commit(w, 'README.md', 'docs only\n', null);
    const goodHead = commit(w, 'fleet.yaml', 'apiVersion: ovh-fleet/v1\nkind: Fleet\n# signed\n', 'trusted');
    const unsigned = commit(w, 'servers/web-2.yaml', SPEC('ns2.example.net', 'ubuntu2404_64'), null);
    const afterUnsigned = commit(w, 'servers/web-1.yaml', SPEC('ns1.example.net', 'debian11_64'), 'trusted');
    const unknown = commit(w, 'fleet.yaml', 'apiVersion: ovh-fleet/v1\nkind: Fleet\n', 'stranger');
    const repo = w.repo();
    const head = await repo.ensureClone();

    const ok = await repo.verifySignatures(start, goodHead, signers, PATHS);
    const n = await repo.verifySignatures(start, head, signers, PATHS);
    const u = await repo.verifySignatures(afterUnsigned, head, signers, PATHS);
    const whole = await repo.verifySignatures(null, good, signers, PATHS);

    expect(ok).toEqual({ ok: true, checked: 2 });
    expect(n).toMatchObject({ ok: false, commit: unsigned, status: 'N' });
    expect(n.ok === false && n.reason).toContain(unsigned);
    expect(n.ok === false && n.reason).toContain('not signed');
    expect(u).toMatchObject({ ok: false, commit: unknown, status: 'U' });
    expect(u.ok === false && u.reason).toContain('not in the allowed signers file');
    expect(whole).toMatchObject({ ok: false, status: 'N' });
  });

  it('fails with git-credential-unreadable when the allowed signers file is missing', async () => {
    const w = makeWorld(template);
    const repo = w.repo();
    const head = await repo.ensureClone();

    const error = await repo
      .verifySignatures(null, head, join(w.root, 'missing'), PATHS)
      .catch((e: unknown) => e);

    expect((error as FleetError).code).toBe('git-credential-unreadable');
  });
});
