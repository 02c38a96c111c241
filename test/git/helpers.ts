/**
 * Real git fixtures: a bare "origin" (initial branch main) seeded with a small fleet, and a
 * "human" clone to push from. Identities come from the environment, never from global config.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Clock } from '../../src/core/clock.js';
import type { StatusCommitRequest } from '../../src/git/git-repo.js';
import { SimpleGitRepo, type SimpleGitRepoOptions } from '../../src/git/simple-git-repo.js';

/** Environment of helper git processes: isolated HOME, no system config, a fixed human identity. */
export function humanEnv(home: string, who = 'Alice'): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: home,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_AUTHOR_NAME: who,
    GIT_AUTHOR_EMAIL: `${who.toLowerCase()}@example.com`,
    GIT_COMMITTER_NAME: who,
    GIT_COMMITTER_EMAIL: `${who.toLowerCase()}@example.com`,
    LC_ALL: 'C',
  };
}

/** Runs git in `cwd` and returns its trimmed standard output. */
export function git(cwd: string, args: string[], env: NodeJS.ProcessEnv): string {
  return execFileSync('git', args, { cwd, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

/** One test's world: origin, a human clone, a place for the daemon's clone. */
export interface World {
  root: string;
  origin: string;
  human: string;
  clone: string;
  env: NodeJS.ProcessEnv;
  /** git in the human clone. */
  h(args: string[]): string;
  /** git in the origin (bare). */
  o(args: string[]): string;
  /** Writes a file in the human clone, commits it and pushes (pull --rebase and retry when rejected). */
  humanCommit(path: string, content: string, subject: string): string;
  repo(extra?: Partial<SimpleGitRepoOptions>): SimpleGitRepo;
}

export const SPEC = (sn: string, os: string): string =>
  `apiVersion: ovh-fleet/v1\nkind: Server\nserviceName: ${sn}\noperatingSystem: ${os}\n`;

/** A clock whose sleeps end at once (backoff in tests). */
export const instantClock: Clock = { now: () => 0, sleep: () => Promise.resolve() };

/** Temporary worlds made from each template, removed with it. */
const worlds = new Map<string, string[]>();

/** Builds the template once per test file; `makeWorld` copies it (fast). */
export function makeTemplate(): { template: string; cleanup: () => void } {
  const template = mkdtempSync(join(tmpdir(), 'ovh-fleet-git-'));
  const env = humanEnv(template);
  const origin = join(template, 'origin.git');
  git(template, ['init', '--quiet', '--bare', '--initial-branch=main', origin], env);
  git(origin, ['config', 'receive.denyNonFastForwards', 'true'], env);
  const human = join(template, 'human');
  git(template, ['clone', '--quiet', origin, human], env);
  const files: Record<string, string> = {
    'fleet.yaml': 'apiVersion: ovh-fleet/v1\nkind: Fleet\n',
    'servers/web-1.yaml': SPEC('ns1.example.net', 'debian11_64'),
    'servers/web-2.yaml': SPEC('ns2.example.net', 'debian12_64'),
    'README.md': 'fleet\n',
  };
  for (const [p, c] of Object.entries(files)) {
    mkdirSync(dirname(join(human, p)), { recursive: true });
    writeFileSync(join(human, p), c);
  }
  git(human, ['add', '--all'], env);
  git(human, ['commit', '--quiet', '-m', 'initial fleet'], env);
  git(human, ['push', '--quiet', 'origin', 'main'], env);
  const cleanup = (): void => {
    for (const dir of [template, ...(worlds.get(template) ?? [])])
      rmSync(dir, { recursive: true, force: true });
    worlds.delete(template);
  };
  return { template, cleanup };
}

/** A fresh copy of the template for one test. */
export function makeWorld(template: string): World {
  const root = mkdtempSync(join(tmpdir(), 'ovh-fleet-world-'));
  worlds.set(template, [...(worlds.get(template) ?? []), root]);
  cpSync(template, root, { recursive: true });
  const origin = join(root, 'origin.git');
  const human = join(root, 'human');
  const env = humanEnv(root);
  git(human, ['remote', 'set-url', 'origin', origin], env);
  const world: World = {
    root,
    origin,
    human,
    clone: join(root, 'state', 'repo'),
    env,
    h: (args) => git(human, args, env),
    o: (args) => git(origin, args, env),
    humanCommit(path, content, subject) {
      mkdirSync(dirname(join(human, path)), { recursive: true });
      writeFileSync(join(human, path), content);
      world.h(['add', '--all']);
      world.h(['commit', '--quiet', '-m', subject]);
      for (let i = 0; ; i++) {
        try {
          world.h(['push', '--quiet', 'origin', 'HEAD:main']);
          return world.h(['rev-parse', 'HEAD']);
        } catch (error) {
          if (i > 50) throw error;
          world.h(['pull', '--quiet', '--rebase', 'origin', 'main']);
        }
      }
    },
    repo: (extra = {}) =>
      new SimpleGitRepo({
        url: origin,
        branch: 'main',
        dir: join(root, 'state', 'repo'),
        committer: { name: 'ovh-fleet', email: 'ovh-fleet@example.com' },
        clock: instantClock,
        timeoutMs: 20_000,
        ...extra,
      }),
  };
  return world;
}

const BOT = { name: 'ovh-fleet', email: 'ovh-fleet@example.com' };

/** A status commit request with the four Fleet trailers. */
export function request(
  files: Record<string, string | null>,
  extra: Partial<StatusCommitRequest> = {},
): StatusCommitRequest {
  return {
    files: new Map(Object.entries(files)),
    subject: 'ovh-fleet: status of 1 server',
    body: 'ns1.example.net: reinstall done (debian12_64)',
    trailers: [
      { key: 'Fleet-Server', value: 'ns1.example.net' },
      { key: 'Fleet-Server', value: 'ns2.example.net' },
      { key: 'Fleet-Task', value: 'ns1.example.net 4242' },
      { key: 'Fleet-Spec-Commit', value: 'abc123' },
      { key: 'Fleet-Plan-Hash', value: 'sha256:0011' },
    ],
    author: BOT,
    ...extra,
  };
}

/** Installs a pre-push hook in the daemon's clone that pushes one human commit the first `times` times it runs. */
export function humanPushesBeforeOurPush(w: World, times: number): void {
  const hook = join(w.clone, '.git', 'hooks', 'pre-push');
  const counter = join(w.root, 'pre-push-count');
  writeFileSync(counter, '0');
  writeFileSync(
    hook,
    [
      '#!/bin/sh',
      `n=$(cat '${counter}'); n=$((n+1)); echo $n > '${counter}'`,
      `[ $n -gt ${times} ] && exit 0`,
      `cd '${w.human}' || exit 1`,
      'export GIT_DIR=.git GIT_AUTHOR_NAME=Bob GIT_AUTHOR_EMAIL=bob@example.com GIT_COMMITTER_NAME=Bob GIT_COMMITTER_EMAIL=bob@example.com',
      'unset GIT_INDEX_FILE',
      'git pull --quiet --rebase origin main >/dev/null 2>&1',
      'echo "race $n" > "race-$n.txt"',
      'git add --all && git commit --quiet -m "human race $n" && git push --quiet origin HEAD:main >/dev/null 2>&1',
      'exit 0',
      '',
    ].join('\n'),
  );
  chmodSync(hook, 0o755);
}
