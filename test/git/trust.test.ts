/**
 * src/git/trust.ts over real repositories and real ssh signatures: what signature verification
 * covers (the whole fleet root but status/, merges by their own changes), and the rule behind it
 * as a property over generated paths.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isSignedPath } from '../../src/git/git-queries.js';
import { checkSignedRange, signedPaths } from '../../src/git/trust.js';
import { makeTemplate, makeWorld, SPEC, type World } from './helpers.js';

let template: string;
let cleanup: () => void;
beforeAll(() => {
  ({ template, cleanup } = makeTemplate());
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'k', '-f', join(template, 'trusted')]);
  const pub = readFileSync(join(template, 'trusted.pub'), 'utf8').trim().split(' ').slice(0, 2).join(' ');
  writeFileSync(join(template, 'allowed_signers'), `ops@example.org namespaces="git" ${pub}\n`);
});
afterAll(() => cleanup());

function put(w: World, path: string, content: string): void {
  mkdirSync(dirname(join(w.human, path)), { recursive: true });
  writeFileSync(join(w.human, path), content);
}

/** Commits everything, signed or not, and pushes; returns the commit. */
function commit(w: World, subject: string, signed: boolean): string {
  w.h(['add', '--all']);
  const sign = signed ? ['-c', 'gpg.format=ssh', '-c', `user.signingkey=${join(w.root, 'trusted')}`] : [];
  w.h([...sign, 'commit', '--quiet', ...(signed ? ['-S'] : []), '-m', subject]);
  w.h(['push', '--quiet', 'origin', 'HEAD:main']);
  return w.h(['rev-parse', 'HEAD']);
}

async function verdict(w: World, from: string, prefix = ''): Promise<string | null> {
  const repo = w.repo();
  const head = await repo.ensureClone();
  const block = await checkSignedRange(repo, {
    from,
    head,
    prefix,
    allowedSignersFile: join(w.root, 'allowed_signers'),
  });
  return block?.message ?? null;
}

describe('signature verification covers the fleet root but status/', () => {
  it('blocks an unsigned change to schemas/ or any referenced file, not to status/ records', async () => {
    const w = makeWorld(template);
    const start = w.h(['rev-parse', 'HEAD']);
    put(w, 'status/ns1.example.net.yaml', 'phase: ready\n');
    commit(w, 'daemon-like status commit', false);
    const statusOnly = await verdict(w, start);
    put(w, 'schemas/server.schema.json', '{}\n');
    const schemas = commit(w, 'loosen the schema', false);

    const blocked = await verdict(w, start);

    expect(statusOnly).toBeNull();
    expect(blocked).toContain(schemas.slice(0, 12));
  });

  it('checks a merge by its own changes: a clean merge of signed work passes, an evil merge is blocked', async () => {
    const w = makeWorld(template);
    const start = w.h(['rev-parse', 'HEAD']);
    w.h(['checkout', '--quiet', '-b', 'side']);
    put(w, 'servers/a.yaml', SPEC('a.example.net', 'debian12_64'));
    commit(w, 'signed side work', true);
    w.h(['checkout', '--quiet', 'main']);
    w.h(['merge', '--quiet', '--no-ff', '--no-edit', 'side']);
    w.h(['push', '--quiet', 'origin', 'HEAD:main']);
    const clean = await verdict(w, start);
    w.h(['checkout', '--quiet', '-b', 'side2']);
    put(w, 'servers/b.yaml', SPEC('b.example.net', 'debian12_64'));
    commit(w, 'signed side work 2', true);
    w.h(['checkout', '--quiet', 'main']);
    w.h(['merge', '--quiet', '--no-ff', '--no-commit', 'side2']);
    put(w, 'servers/b.yaml', SPEC('b.example.net', 'ubuntu2404-server_64'));
    const evil = commit(w, 'merge with a change of its own', false);

    const blocked = await verdict(w, start);

    expect(clean).toBeNull();
    expect(blocked).toContain(evil.slice(0, 12));
  });

  it('with a fleet root in a subfolder, ignores unsigned changes outside it', async () => {
    const w = makeWorld(template);
    const start = w.h(['rev-parse', 'HEAD']);
    put(w, 'other-team/notes.md', 'x\n');
    commit(w, 'another team', false);
    const outside = await verdict(w, start, 'fleet/');
    put(w, 'fleet/files/boot.sh', 'echo\n');
    commit(w, 'inside', false);

    expect(outside).toBeNull();
    expect(await verdict(w, start, 'fleet/')).toContain('not signed');
  });

  it('covers exactly the paths under the fleet root that are not under its status/ (property)', () => {
    const segment = fc.constantFrom('status', 'servers', 'fleet', 'schemas', 'a', 'status.yaml', 'statusx');
    const pathArb = fc.array(segment, { minLength: 1, maxLength: 4 }).map((s) => s.join('/'));
    const prefixArb = fc.constantFrom('', 'fleet/', 'a/fleet/');
    fc.assert(
      fc.property(pathArb, prefixArb, (path, prefix) => {
        const expected = path.startsWith(prefix) && !path.startsWith(`${prefix}status/`);
        return isSignedPath(path, signedPaths(prefix)) === expected;
      }),
      { numRuns: 500 },
    );
  });
});
