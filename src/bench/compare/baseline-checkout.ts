/**
 * The code before, built beside the current checkout: a detached git worktree of the baseline ref
 * under os.tmpdir(), with the current checkout's node_modules linked in (no install) and its own
 * dist/ built by its own tsconfig.json. `remove()` takes the worktree away again (the link first,
 * so nothing ever follows it); checkoutBaseline removes it itself when the build fails.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, realpathSync, rmSync, symlinkSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** A built baseline checkout. */
export interface BaselineCheckout {
  /** The worktree's root: run `node dist/bench/main.js` with this as the working directory. */
  dir: string;
  /** The full commit id the ref resolved to. */
  commit: string;
  /** Removes the worktree and its temporary directory; safe to call twice. */
  remove(): void;
}

/** Builds the checkout in `dir` (throws when the build fails). */
export type BuildCheckout = (dir: string) => void;

/** The default build: the baseline's own `tsc -p tsconfig.json`, with the linked TypeScript. */
export const buildWithTsc: BuildCheckout = (dir) => {
  const tsc = path.join(dir, 'node_modules', 'typescript', 'bin', 'tsc');
  run(process.execPath, [tsc, '-p', 'tsconfig.json'], dir, 'tsc -p tsconfig.json');
};

/** Resolves `ref` in the repository at `repoRoot` to a full commit id (throws if it names none). */
export function resolveCommit(repoRoot: string, ref: string): string {
  return run(
    'git',
    ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`],
    repoRoot,
    `git rev-parse ${ref}`,
  );
}

/** Checks out and builds `ref` of the repository at `repoRoot` in a temporary detached worktree. */
export function checkoutBaseline(
  repoRoot: string,
  ref: string,
  build: BuildCheckout = buildWithTsc,
): BaselineCheckout {
  const commit = resolveCommit(repoRoot, ref);
  const parent = mkdtempSync(path.join(tmpdir(), 'ovh-fleet-baseline-'));
  const dir = path.join(parent, 'checkout');
  const link = path.join(dir, 'node_modules');
  let removed = false;
  const remove = (): void => {
    if (removed) return;
    removed = true;
    if (existsSync(link)) unlinkSync(link);
    spawnSync('git', ['worktree', 'remove', '--force', dir], { cwd: repoRoot, encoding: 'utf8' });
    rmSync(parent, { recursive: true, force: true });
    spawnSync('git', ['worktree', 'prune'], { cwd: repoRoot, encoding: 'utf8' });
  };
  try {
    run('git', ['worktree', 'add', '--detach', '--quiet', dir, commit], repoRoot, 'git worktree add');
    symlinkSync(realpathSync(path.join(repoRoot, 'node_modules')), link, 'dir');
    build(dir);
    return { dir, commit, remove };
  } catch (error) {
    remove();
    throw error;
  }
}

function run(cmd: string, args: string[], cwd: string, what: string): string {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) {
    const detail = `${r.stderr ?? ''}${r.stdout ?? ''}`.trim().slice(0, 2000);
    throw new Error(`${what} failed (exit ${r.status ?? r.signal}) in ${cwd}${detail ? `:\n${detail}` : ''}`);
  }
  return r.stdout.trim();
}
