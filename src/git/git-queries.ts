/**
 * Read-only questions to git about revisions: ancestry, changed paths, file contents, logs and
 * commit signatures. Each takes the adapter's `run`, so they execute inside its queue.
 */
import { access } from 'node:fs/promises';
import { configError } from '../core/errors.js';
import type { SignatureCheck } from './git-repo.js';
import type { RunExtras } from './git-runner.js';
import type { LoggedCommit } from './history.js';
import { checkRev } from '../config/git-remote.js';

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

/** Paths under `under` that differ from HEAD in the index or the working tree, or are untracked or ignored. */
export async function uncommittedPaths(run: GitRun, under: string): Promise<string[]> {
  const out = await run([
    'status',
    '--porcelain=v1',
    '-z',
    '--untracked-files=all',
    '--ignored=matching',
    '--',
    under,
  ]);
  return out
    .split('\0')
    .filter((p) => p.length > 3)
    .map((p) => p.slice(3));
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

/** Which changed paths make a commit need a signature (repository-relative, forward slashes). */
export interface SignedPaths {
  /** Prefixes: `dir/` covers everything under dir, `file` that file, `''` everything. */
  include: readonly string[];
  /** Prefixes excluded from `include` (same form). */
  exclude?: readonly string[];
}

/** True when `path` is covered by `paths`. */
export function isSignedPath(path: string, paths: SignedPaths): boolean {
  const under = (prefix: string): boolean =>
    prefix === '' || path === prefix || (prefix.endsWith('/') && path.startsWith(prefix));
  return paths.include.some(under) && !(paths.exclude ?? []).some(under);
}

/**
 * Every commit in `(fromExclusive, to]` that changes a path covered by `paths` must have `%G?` = G
 * with `gpg.format=ssh` and the given allowed signers file. The paths a commit changes are listed
 * by git and matched here, not with pathspecs: the runner sets GIT_LITERAL_PATHSPECS, which rules
 * out pathspec magic (an exclusion). A merge counts with the paths it changes against every parent
 * (`--diff-merges=combined`: its own edits and conflict resolutions); what it brings from a
 * branch is checked on that branch's commits, which are in the range too. `verify-commit`'s exit
 * status is not used: simple-git resolves it for an unsigned commit (rc 1, no output).
 */
export async function checkSignatures(
  run: GitRun,
  fromExclusive: string | null,
  to: string,
  allowedSignersFile: string,
  paths: SignedPaths,
): Promise<SignatureCheck> {
  const range = fromExclusive === null ? checkRev(to) : `${checkRev(fromExclusive)}..${checkRev(to)}`;
  const records = await signatureLog(run, allowedSignersFile, [
    '--reverse',
    '--full-history',
    '--name-only',
    '--diff-merges=combined',
    '-z',
    range,
  ]);
  const covered = records.filter((r) => r.paths.some((p) => isSignedPath(p, paths)));
  const bad = covered.find((r) => r.status !== 'G');
  return bad ? refusal(bad) : { ok: true, checked: covered.length };
}

/**
 * The signature of the last commit at or before `rev` that changed `path` (the one whose content
 * is read there): ok when no commit changed it, or when that commit has a good signature.
 */
export async function checkLastChange(
  run: GitRun,
  rev: string,
  path: string,
  allowedSignersFile: string,
): Promise<SignatureCheck> {
  const records = await signatureLog(run, allowedSignersFile, ['-1', checkRev(rev), '--', path]);
  const last = records[0];
  if (last === undefined) return { ok: true, checked: 0 };
  return last.status === 'G' ? { ok: true, checked: 1 } : refusal(last);
}

interface SignatureRecord {
  hash: string;
  status: string;
  signer: string;
  /** Paths the commit changed (with `--name-only -z` only). */
  paths: string[];
}

/** `git log` of `args` with each commit's hash, `%G?` and signer, checked against the allowed signers. */
async function signatureLog(
  run: GitRun,
  allowedSignersFile: string,
  args: readonly string[],
): Promise<SignatureRecord[]> {
  await access(allowedSignersFile).catch(() => {
    throw configError(
      'git-credential-unreadable',
      `cannot read the allowed signers file ${allowedSignersFile}`,
    );
  });
  const out = await run(['log', `--format=%x1e%H%x1f%G?%x1f%GS%x1f`, ...args], {
    config: ['gpg.format=ssh', `gpg.ssh.allowedSignersFile=${allowedSignersFile}`],
  });
  return out
    .split('\x1e')
    .filter((r) => r.trim() !== '')
    .map((record) => {
      const [header = '', ...names] = record.split('\0');
      const [hash = '', status = '', signer = ''] = header.split('\x1f');
      const paths = [header.slice(header.lastIndexOf('\x1f') + 1), ...names]
        .map((n) => n.replace(/^\n/, ''))
        .filter((n) => n !== '');
      return { hash: hash.trim(), status, signer, paths };
    });
}

function refusal({ hash, status, signer }: SignatureRecord): SignatureCheck {
  const why = SIGNATURE_TEXT[status] ?? `has signature status ${status}`;
  return {
    ok: false,
    commit: hash,
    status,
    reason: `commit ${hash} ${why}${signer ? ` (${signer})` : ''}`,
  };
}
