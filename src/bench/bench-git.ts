/**
 * git for the benches' own repositories (origin, the "human" clone): a fixed identity, no system
 * configuration, and `gc.auto=0` so that no detached `git gc` is left running in a temporary
 * directory after thousands of new objects.
 */
import { execFileSync } from 'node:child_process';

/** Runs git in `cwd` with HOME at `home`; returns its trimmed standard output. */
export function benchGit(cwd: string, args: string[], home: string): string {
  return execFileSync('git', ['-c', 'gc.auto=0', ...args], {
    cwd,
    env: {
      PATH: process.env.PATH,
      HOME: home,
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_AUTHOR_NAME: 'Bench',
      GIT_AUTHOR_EMAIL: 'bench@example.com',
      GIT_COMMITTER_NAME: 'Bench',
      GIT_COMMITTER_EMAIL: 'bench@example.com',
    },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  }).trim();
}
