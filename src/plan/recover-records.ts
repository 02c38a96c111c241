/**
 * A lost status record never counts as first sight. When `status/<sn>.yaml` of a managed server
 * is missing or unreadable, the last valid version in git history stands in for it (warning
 * `status-record-recovered`; the daemon commits it back). When history shows the record existed
 * but holds no valid version (or none within the versions looked at), the server is `lost`: the
 * planner holds any reinstall of it (`status-record-lost`) instead of deciding from scratch.
 * Git is reached through the small `RecordHistory` port (the daemon's GitRepo, the CLI's git).
 */
import type { Diagnostic } from '../core/diagnostic.js';
import { hashBytes } from '../specs/parse-file.js';
import { parseStatusRecord } from '../records/status-record.js';
import type { AppliedRecords } from '../records/read-records.js';
import { STATUS_DIR } from '../records/read-records.js';

/** Earlier committed versions of status files (paths relative to the fleet repository root). */
export interface RecordHistory {
  /** The files of `files` that some commit of the history changed (added, edited or deleted). */
  everCommitted(files: readonly string[]): Promise<Set<string>>;
  /** Up to `limit` commits that changed `file`, newest first. */
  commitsTouching(file: string, limit: number): Promise<string[]>;
  /** `file` at `commit`, or null when it did not exist there. */
  readAt(commit: string, file: string): Promise<string | null>;
}

/** Paths of one history walk (keeps the command line short). */
const PATHS_PER_WALK = 200;

/** Versions of one record looked at before the server is held as lost. */
export const MAX_RECORD_VERSIONS = 20;

/**
 * Fills `records` for the servers of `names` that have no valid record: from history when a valid
 * version exists, else adds them to `records.lost` when history shows a record existed. A server
 * history never saw is left alone (first sight). A failing history is treated as "lost" for
 * every server it was asked about, never as first sight.
 */
export async function recoverLostRecords(
  records: AppliedRecords,
  names: Iterable<string>,
  history: RecordHistory,
): Promise<void> {
  const missing = [...new Set(names)].filter((n) => !records.applied.has(n)).sort();
  if (missing.length === 0) return;
  const fileOf = (name: string): string => `${STATUS_DIR}/${name}.yaml`;
  let existed: Set<string>;
  try {
    existed = await history.everCommitted(missing.map(fileOf));
  } catch (error) {
    // Unknown history: a server whose record file is present but unreadable is held; one with no
    // file at all is a new server as far as anyone can tell.
    for (const name of missing.filter((n) => records.unreadable.has(n))) {
      records.lost.add(name);
      records.diagnostics.push(lostDiagnostic(fileOf(name), `git history unreadable: ${describe(error)}`));
    }
    return;
  }
  for (const name of missing) {
    const file = fileOf(name);
    if (!existed.has(file) && !records.unreadable.has(name)) continue;
    const found = await lastValidVersion(history, name, file).catch(() => null);
    if (found) {
      records.applied.set(name, found.record);
      records.hashes.set(name, `recovered:${found.hash}`);
      records.recovered.set(name, found.commit);
      records.diagnostics.push({
        file,
        line: 1,
        column: 1,
        severity: 'warning',
        code: 'status-record-recovered',
        message: `status record missing or unreadable: the version of commit ${found.commit.slice(0, 12)} stands in for it`,
      });
      continue;
    }
    records.lost.add(name);
    records.diagnostics.push(
      lostDiagnostic(file, `no valid version in the last ${MAX_RECORD_VERSIONS} commits that changed it`),
    );
  }
}

async function lastValidVersion(history: RecordHistory, name: string, file: string) {
  for (const commit of await history.commitsTouching(file, MAX_RECORD_VERSIONS)) {
    const text = await history.readAt(commit, file);
    if (text === null) continue;
    const record = parseStatusRecord(text, file).record;
    if (record?.serviceName === name) return { record, commit, hash: hashBytes(Buffer.from(text)) };
  }
  return null;
}

function lostDiagnostic(file: string, why: string): Diagnostic {
  return {
    file,
    line: 1,
    column: 1,
    severity: 'error',
    code: 'status-record-lost',
    message: `status record lost (${why}): no reinstall starts for this server until it is restored`,
  };
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** What `recordHistoryFrom` needs of git (the daemon's GitRepo port has it; so does the CLI's reader). */
export interface GitHistoryReader {
  logTouching(paths: readonly string[], rev: string, limit?: number): Promise<readonly { hash: string }[]>;
  readFileAt(rev: string, path: string): Promise<string | null>;
}

/**
 * The history of the status records as of `rev`; `prefix` is the fleet folder inside the git
 * repository (`repository.path`, '' or ending in '/').
 */
export function recordHistoryFrom(git: GitHistoryReader, rev: string, prefix: string): RecordHistory {
  return {
    // One walk per chunk with exactly these paths (most missing records are new servers that
    // history never saw); a file-by-file look only in a chunk where some file was committed.
    async everCommitted(files) {
      const found = new Set<string>();
      for (let i = 0; i < files.length; i += PATHS_PER_WALK) {
        const chunk = files.slice(i, i + PATHS_PER_WALK);
        if (
          (
            await git.logTouching(
              chunk.map((f) => `${prefix}${f}`),
              rev,
              1,
            )
          ).length === 0
        )
          continue;
        for (const file of chunk) {
          if ((await git.logTouching([`${prefix}${file}`], rev, 1)).length > 0) found.add(file);
        }
      }
      return found;
    },
    async commitsTouching(file, limit) {
      return (await git.logTouching([`${prefix}${file}`], rev, limit)).map((c) => c.hash);
    },
    readAt: (commit, file) => git.readFileAt(commit, `${prefix}${file}`),
  };
}
