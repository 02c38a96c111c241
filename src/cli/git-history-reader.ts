/**
 * Read-only git history of the `--repo` directory for `plan` and `apply`: the status records'
 * earlier versions (src/plan/recover-records.ts), through the same queries as the daemon's
 * adapter (src/git/git-queries.ts), run with `git` in the repository. Null outside git.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { logCommits, readBlob, type GitRun } from '../git/git-queries.js';
import { recordHistoryFrom, type RecordHistory } from '../plan/recover-records.js';

const run = promisify(execFile);
const MAX_OUTPUT = 256 * 1024 * 1024;
/** Paths are literal (a service name is never a glob), output unquoted. */
const ENV = { ...process.env, GIT_LITERAL_PATHSPECS: '1', LC_ALL: 'C' };

/** The status records' history of the repository at `repo` as of HEAD, or undefined outside git. */
export async function repoRecordHistory(repo: string): Promise<RecordHistory | undefined> {
  const git = (args: string[]) =>
    run('git', ['-c', 'core.quotePath=false', ...args], { cwd: repo, maxBuffer: MAX_OUTPUT, env: ENV }).then(
      (r) => r.stdout,
    );
  let top: string;
  let prefix: string;
  let head: string;
  try {
    top = (await git(['rev-parse', '--show-toplevel'])).trim();
    prefix = (await git(['rev-parse', '--show-prefix'])).trim();
    head = (await git(['rev-parse', '--verify', 'HEAD^{commit}'])).trim();
  } catch {
    return undefined;
  }
  const inTop: GitRun = (args) =>
    run('git', ['-c', 'core.quotePath=false', ...args], { cwd: top, maxBuffer: MAX_OUTPUT, env: ENV }).then(
      (r) => r.stdout,
    );
  return recordHistoryFrom(
    {
      logTouching: async (paths, rev, limit) =>
        (await logCommits(inTop, [rev], paths, limit)).map((c) => c.commit),
      readFileAt: (rev, path) => readBlob(inTop, rev, path),
    },
    head,
    prefix,
  );
}
