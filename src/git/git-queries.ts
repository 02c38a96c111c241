/**
 * Read-only questions to git about revisions: ancestry, changed paths, file contents, logs and
 * commit signatures. Each takes the adapter's `run`, so they execute inside its queue.
 */
import { access } from 'node:fs/promises';
import { configError } from '../core/errors.js';
import type { SignatureCheck } from './git-repo.js';
import type { RunExtras } from './git-runner.js';
import type { LoggedCommit } from './history.js';
import { checkRev } from './remote.js';

/** Runs one git command in the clone and returns its standard output. */
export type GitRun = (args: string[], extras?: RunExtras) => Promise<string>;

const SEP = '%x00';
const END = '%x1e';
const COMMIT_FORMAT = ['%H', '%an', '%ae', '%aI', '%P', '%s', '%(trailers:only,unfold)', '%b'].join(SEP);

/** The full commit id of `rev`, or null when it names no commit. */
export async function resolveCommit(run: GitRun, rev: string): Promise<string | null> {
  const out = (await run(['rev-parse', '--verify', '--quiet', `${checkRev(rev)}^{commit}`])).trim();
  return out === '' ? null : out;
}

/** True when `ancestor` is an ancestor of (or equal to) `descendant`; false when either is unknown. */
export async function isAncestorOf(run: GitRun, ancestor: string, descendant: string): Promise<boolean> {
  const a = await resolveCommit(run, ancestor);
  const b = await resolveCommit(run, descendant);
  if (a === null || b === null) return false;
  // merge-base --is-ancestor answers with its exit code only, which simple-git does not report.
  const base = (await run(['merge-base', a, b]).catch(() => '')).trim();
  return base === a;
}

/** Paths changed between two revisions (renames count as a deletion and an addition). */
export async function changedPaths(run: GitRun, from: string, to: string): Promise<string[]> {
  const out = await run(['diff', '--name-only', '-z', '--no-renames', checkRev(from), checkRev(to), '--']);
  return out.split('\0').filter((p) => p !== '');
}

/** Paths per git invocation of {@link lastCommitsTouching} (keeps the command line short). */
const PATHSPECS_PER_LOG = 200;

/**
 * The last commit at or before `rev` that changed each of `paths` (absent: no commit did), in one
 * history walk per 200 distinct parent directories instead of one `git log -1` per file. The
 * walk lists the files each commit changed against its first parent (`--name-only`; merges list
 * none, so a change brought by a merge is attributed to the commit that made it on its branch, as
 * `git log -1 -- FILE` does), newest first.
 */
export async function lastCommitsTouching(
  run: GitRun,
  paths: readonly string[],
  rev: string,
): Promise<Map<string, string>> {
  checkRev(rev);
  const wanted = new Set(paths);
  const found = new Map<string, string>();
  const specs = [...new Set(paths.map((p) => (p.includes('/') ? p.slice(0, p.lastIndexOf('/')) : p)))];
  for (let i = 0; i < specs.length && found.size < wanted.size; i += PATHSPECS_PER_LOG) {
    const chunk = specs.slice(i, i + PATHSPECS_PER_LOG);
    const out = await run([
      'log',
      '--format=%x1e%H',
      '--name-only',
      '-z',
      '--no-renames',
      rev,
      '--',
      ...chunk,
    ]);
    for (const record of out.split('\x1e')) {
      const [hash = '', ...names] = record.split('\0');
      for (const raw of names) {
        const name = raw.replace(/^\n/, '');
        if (wanted.has(name) && !found.has(name)) found.set(name, hash);
      }
    }
  }
  return found;
}

/** Content of `path` at `rev`, or null when no file is there. */
export async function readBlob(run: GitRun, rev: string, path: string): Promise<string | null> {
  checkRev(rev);
  const listed = await run(['ls-tree', '-z', '--full-tree', rev, '--', path]);
  if (!/^\d+ blob /.test(listed)) return null;
  return run(['cat-file', 'blob', `${rev}:${path}`]);
}

/** Commits reachable from any of `revs` that touch `paths`, newest first (`--date-order`; `limit` 0: all). */
export async function logCommits(
  run: GitRun,
  revs: readonly string[],
  paths: readonly string[],
  limit = 0,
): Promise<LoggedCommit[]> {
  const args = ['log', '--date-order', `--format=${COMMIT_FORMAT}${END}`];
  if (limit > 0) args.push(`--max-count=${limit}`);
  const out = await run([...args, ...revs.map(checkRev), '--', ...paths]);
  return out
    .split('\x1e')
    .map((r) => r.replace(/^\n/, ''))
    .filter((r) => r.trim() !== '')
    .map(parseLogged);
}

function parseLogged(record: string): LoggedCommit {
  const [hash = '', name = '', email = '', date = '', parents = '', subject = '', trailers = '', body = ''] =
    record.split('\0');
  return {
    commit: { hash, author: { name, email }, date, subject },
    parents: parents.split(' ').filter((h) => h !== ''),
    trailerText: trailers,
    body,
  };
}

const SIGNATURE_TEXT: Record<string, string> = {
  N: 'is not signed',
  U: 'is signed by a key that is not in the allowed signers file',
  B: 'has a bad signature',
  E: 'has a signature that cannot be checked',
  X: 'has an expired signature',
  Y: 'is signed by an expired key',
  R: 'is signed by a revoked key',
};

/**
 * Every commit in `(fromExclusive, to]` that touches `paths` must have `%G?` = G with
 * `gpg.format=ssh` and the given allowed signers file. `verify-commit`'s exit status is not used:
 * simple-git resolves it for an unsigned commit (rc 1, no output). `--full-history` keeps merges
 * that change the paths in the range, so an unsigned merge that brings its own change is caught.
 */
export async function checkSignatures(
  run: GitRun,
  fromExclusive: string | null,
  to: string,
  allowedSignersFile: string,
  paths: readonly string[],
): Promise<SignatureCheck> {
  await access(allowedSignersFile).catch(() => {
    throw configError(
      'git-credential-unreadable',
      `cannot read the allowed signers file ${allowedSignersFile}`,
    );
  });
  const range = fromExclusive === null ? checkRev(to) : `${checkRev(fromExclusive)}..${checkRev(to)}`;
  const out = await run(
    ['log', '--reverse', '--full-history', `--format=%H${SEP}%G?${SEP}%GS${END}`, range, '--', ...paths],
    { config: ['gpg.format=ssh', `gpg.ssh.allowedSignersFile=${allowedSignersFile}`] },
  );
  const records = out
    .split('\x1e')
    .map((r) => r.trim())
    .filter((r) => r !== '');
  for (const record of records) {
    const [hash = '', status = '', signer = ''] = record.split('\0');
    if (status !== 'G') {
      const why = SIGNATURE_TEXT[status] ?? `has signature status ${status}`;
      return {
        ok: false,
        commit: hash,
        status,
        reason: `commit ${hash} ${why}${signer ? ` (${signer})` : ''}`,
      };
    }
  }
  return { ok: true, checked: records.length };
}
