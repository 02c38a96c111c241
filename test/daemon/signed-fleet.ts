/**
 * Signed fleets for daemon tests: ssh signing keys in a World's root, an allowed_signers file,
 * and commits signed (or not) from the human clone. A human clone configured here signs every
 * commit it makes, rebases included, unless a commit asks for no signature.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { World } from './helpers.js';

/** Key names a signed world has. */
export type KeyName = 'trusted' | 'next' | 'stranger';

/** Creates the keys and `<root>/allowed_signers` listing `allowed`; returns the file's path. */
export function makeSigners(world: World, allowed: readonly KeyName[] = ['trusted']): string {
  for (const name of ['trusted', 'next', 'stranger'] as const) {
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', name, '-f', join(world.root, name)]);
  }
  return allowSigners(world, allowed);
}

/** Rewrites `<root>/allowed_signers` to list exactly `allowed`. */
export function allowSigners(world: World, allowed: readonly KeyName[]): string {
  const file = join(world.root, 'allowed_signers');
  const lines = allowed.map((name) => {
    const pub = readFileSync(join(world.root, `${name}.pub`), 'utf8')
      .trim()
      .split(' ')
      .slice(0, 2)
      .join(' ');
    return `${name}@example.org namespaces="git" ${pub}\n`;
  });
  writeFileSync(file, lines.join(''));
  return file;
}

/** Makes the human clone sign every commit with `key`. */
export function signWith(world: World, key: KeyName): void {
  world.h(['config', 'gpg.format', 'ssh']);
  world.h(['config', 'user.signingkey', join(world.root, key)]);
  world.h(['config', 'commit.gpgsign', 'true']);
}

/** Re-signs the seeded initial commit with `key` and force-pushes it (before any daemon runs). */
export function signInitialCommit(world: World, key: KeyName = 'trusted'): string {
  signWith(world, key);
  world.h(['commit', '--quiet', '--amend', '--no-edit', '-S']);
  world.h(['push', '--quiet', '--force', 'origin', 'HEAD:main']);
  return world.h(['rev-parse', 'HEAD']);
}

/** Commits everything unsigned (the clone's signing turned off for this commit) and pushes. */
export function commitUnsigned(world: World, subject: string): string {
  world.h(['add', '--all']);
  world.h(['-c', 'commit.gpgsign=false', 'commit', '--quiet', '-m', subject]);
  world.h(['push', '--quiet', 'origin', 'HEAD:main']);
  return world.h(['rev-parse', 'HEAD']);
}

/** The `%G?` letter of `commit` in the origin, checked against `signers`. */
export function signatureStatus(world: World, commit: string, signers: string): string {
  return world.git(world.origin, [
    '-c',
    'gpg.format=ssh',
    '-c',
    `gpg.ssh.allowedSignersFile=${signers}`,
    'log',
    '-1',
    '--format=%G?',
    commit,
  ]);
}
