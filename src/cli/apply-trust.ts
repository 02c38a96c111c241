/**
 * The daemon's checks for `ovh-fleet apply`, with the same functions (src/git/trust.ts), made
 * before the plan is computed; a failed check refuses the whole run before anything is posted:
 * - history: the last applied revision (the state directory's `daemon-state.json`, else the newest
 *   `lastApplied.specCommit` of the repository's status records) must be an ancestor of HEAD, or
 *   `status/ack-rewrite.yaml` at HEAD must acknowledge the rewrite (exit 1, `history-rewritten`);
 * - signatures, with `--allowed-signers FILE` (or OVH_FLEET_VERIFY_ALLOWED_SIGNERS_FILE, the
 *   daemon's variable): every commit since the state directory's verified head that changes the
 *   fleet root outside status/ is signed (exit 1, `signature-invalid`), and nothing under the fleet
 *   root differs from HEAD, untracked and ignored files included (exit 1, `worktree-uncommitted`):
 *   apply reads the working tree, which no signature covers. The verified head is then kept in the state directory.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { readVerifiedHead, writeVerifiedHead } from '../apply/verified-head.js';
import { systemClock } from '../core/clock.js';
import { FleetError } from '../core/errors.js';
import { SimpleGitRepo } from '../git/simple-git-repo.js';
import { checkHistory, checkSignedRange } from '../git/trust.js';
import { readDaemonState } from '../daemon/daemon-state.js';
import { newestAppliedCommit } from '../daemon/steps-git.js';

/** What the checks need. */
export interface ApplyTrustOptions {
  repo: string;
  stateDir: string;
  /** The allowed signers file; null: no signature verification. */
  allowedSignersFile: string | null;
}

/** Throws FleetError (exit 1) when the repository's HEAD may not be applied from; see the module comment. */
export async function checkApplyTrust(options: ApplyTrustOptions): Promise<void> {
  const top = await run(options.repo, ['rev-parse', '--show-toplevel']);
  if (top === null) {
    if (options.allowedSignersFile === null) return; // not git: nothing to compare
    throw new FleetError(
      'signature-invalid',
      `${options.repo} is not in a git repository: its commits cannot be verified`,
    );
  }
  const rel = path.relative(top, path.resolve(options.repo)).split(path.sep).join('/');
  const prefix = rel === '' ? '' : `${rel}/`;
  const git = new SimpleGitRepo({
    url: top,
    branch: 'main',
    dir: top,
    committer: { name: 'ovh-fleet', email: 'ovh-fleet@localhost' },
    clock: systemClock,
  });
  const head = await run(options.repo, ['rev-parse', '--verify', 'HEAD^{commit}']);
  if (head === null) throw new FleetError('signature-invalid', `${options.repo} has no commit to verify`);
  const last =
    (await readDaemonState(options.stateDir))?.lastApplied ?? (await newestAppliedCommit(options.repo));
  const history = await checkHistory(git, {
    last,
    head,
    ackRev: () => Promise.resolve(head),
    ackPath: `${prefix}status/ack-rewrite.yaml`,
    allowedSignersFile: options.allowedSignersFile,
  });
  if (history.block) throw new FleetError(history.block.reason, history.block.message);
  if (options.allowedSignersFile === null) return;
  const block = await checkSignedRange(git, {
    from: await readVerifiedHead(options.stateDir),
    head,
    prefix,
    allowedSignersFile: options.allowedSignersFile,
  });
  if (block) throw new FleetError(block.reason, block.message);
  const uncommitted = await git.uncommittedPaths(prefix === '' ? '.' : prefix);
  if (uncommitted.length > 0) {
    throw new FleetError(
      'worktree-uncommitted',
      `with signature verification, apply reads only committed files; uncommitted: ${uncommitted.slice(0, 5).join(', ')}${uncommitted.length > 5 ? ', …' : ''}`,
    );
  }
  await writeVerifiedHead(options.stateDir, head);
}

/** The trimmed output of a read-only git command in `repo`, or null when it fails. */
async function run(repo: string, args: string[]): Promise<string | null> {
  try {
    const { stdout } = await promisify(execFile)('git', args, { cwd: repo });
    return stdout.trim() || null;
  } catch {
    return null;
  }
}
