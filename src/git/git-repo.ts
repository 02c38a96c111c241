/**
 * The GitRepo port: everything the daemon and the CLI ask of the fleet repository's clone. One
 * adapter (simple-git-repo.ts) implements it over real git; nothing else in ovh-fleet runs git.
 */
import type { SignedPaths } from './git-queries.js';

export type { SignedPaths };

import type { IntentCommitRequest } from './intent-record.js';

/** A person or bot, as git records it. */
export interface GitIdentity {
  name: string;
  email: string;
}

/** One commit as the history and the plan show it. */
export interface CommitInfo {
  /** Full 40-hex commit id. */
  hash: string;
  /** Author name and email. */
  author: GitIdentity;
  /** Author date, ISO 8601 with offset, as git prints `%aI`. */
  date: string;
  /** First line of the message. */
  subject: string;
}

/** A trailer line of a status commit, e.g. `Fleet-Server: ns1.example.net`. */
export interface Trailer {
  /** `Fleet-Server`, `Fleet-Task`, `Fleet-Spec-Commit`, `Fleet-Plan-Hash` (others are allowed). */
  key: string;
  /** One line; no newline. */
  value: string;
}

/**
 * A status file's new content: the text, `null` to delete the file, or a function that returns
 * the text when the file is written (called again on each push attempt), so that a commit of
 * 10,000 records does not hold 10,000 texts at once.
 */
export type FileContent = string | null | (() => string);

/** What `commitStatus` is asked to record. */
export interface StatusCommitRequest {
  /**
   * Repository-relative paths (forward slashes) under the status directory, with their new
   * content; `null` deletes the file. Anything outside the status directory is refused.
   */
  files: ReadonlyMap<string, FileContent>;
  /** First line of the commit message; one line. */
  subject: string;
  /** Free text after the subject; may be empty. */
  body: string;
  /** Several trailers with the same key are allowed; order is kept. */
  trailers: readonly Trailer[];
  /** Author of the commit; the committer is the adapter's configured identity. */
  author: GitIdentity;
  /** An ssh private key file: the commit is signed with it (`gpg.format=ssh`); absent: unsigned. */
  signingKey?: string;
}

/** The outcome of `commitStatus`. */
export type StatusCommitResult =
  | { outcome: 'unchanged'; head: string }
  | {
      outcome: 'pushed';
      /** The status commit now at the tip of the status branch on the remote. */
      commit: string;
      /** Push attempts used (1 when nobody pushed in between). */
      attempts: number;
    };

/** The result of `verifySignatures`. */
export type SignatureCheck =
  | { ok: true; checked: number }
  | {
      ok: false;
      /** The oldest commit in the range that is not acceptable. */
      commit: string;
      /** git's `%G?` letter: N unsigned, U unknown key, B bad, E cannot check, X/Y/R expired or revoked. */
      status: string;
      /** A sentence naming the commit and the reason. */
      reason: string;
    };

/** Repository-relative paths that may have held one server's spec file. */
export type SpecPathResolver = (serviceName: string) => Promise<readonly string[]> | readonly string[];

/** One line of a server's timeline (oldest first). */
export type HistoryEntry =
  | {
      kind: 'spec';
      commit: CommitInfo;
      /** The spec file the commit changed. */
      file: string;
      /** `operatingSystem` before and after the commit; `null` when the file did not exist or had none. */
      osBefore: string | null;
      osAfter: string | null;
    }
  | {
      kind: 'status';
      commit: CommitInfo;
      /** Task ids named for this server by `Fleet-Task` trailers. */
      tasks: string[];
      /** `Fleet-Spec-Commit` trailers of the commit. */
      specCommits: string[];
      /** The body line that names the server, or the subject. */
      result: string;
    };

/** Where `history` reads from. */
export interface HistoryOptions {
  /** The revision whose history holds the spec changes (default `HEAD`). */
  specRev?: string;
  /** The revision whose history holds the status commits (default: the status branch's remote head, or `specRev`). */
  statusRev?: string;
}

/**
 * The fleet repository clone. Every method runs git in the one working tree, one call at a time
 * (calls are queued). Revisions passed in are validated; nothing is ever passed as an option.
 */
export interface GitRepo {
  /** Clones the repository into the clone directory, or reuses the clone there; then syncs. Returns the head commit. */
  ensureClone(): Promise<string>;
  /**
   * Fetches and brings the working tree to `origin/<branch>`: hard reset and `clean -ffdx`, skipped
   * when `git status` shows the clone already there with nothing changed, untracked or ignored.
   * Returns the head commit.
   */
  sync(): Promise<string>;
  /**
   * The commit the working tree holds exactly, as the last sync proved (clean, or reset); null
   * once any job that may write the clone (sync, status or intent commit) has started since. Writes
   * made outside this GitRepo are not seen: the daemon makes none between a sync and its load step.
   */
  cleanHead(): string | null;
  /**
   * `<cleanHead>#<n>`, a new `n` each time a sync had to reset the tree (a new head, or a stray
   * change discarded); null when cleanHead is. Files read under one key are the same bytes for as
   * long as it stands: what the daemon's load step may take from its last read.
   */
  cleanKey(): string | null;
  /** Writes status files, commits them with trailers and pushes, retrying on a rejected push. */
  commitStatus(request: StatusCommitRequest): Promise<StatusCommitResult>;
  /**
   * Records an operator's acknowledgement of a rewritten head: a commit touching only
   * `<statusDir>/ack-rewrite.yaml` with the given content.
   */
  ackRewrite(
    content: string,
    author: GitIdentity,
    trailers?: readonly Trailer[],
    signingKey?: string,
  ): Promise<StatusCommitResult>;
  /** The remote head of the status branch after the last fetch, or `null` when it does not exist yet. */
  statusHead(): Promise<string | null>;
  /**
   * The shared record of intent (intent-record.ts): one commit on top of `base` (the status
   * revision a plan read), pushed once. `raced` when the branch moved; a refused push throws
   * `intent-push-refused`. Never retried, never forced.
   */
  commitIntents(request: IntentCommitRequest): Promise<'pushed' | 'raced'>;
  /** Every file under the repository-relative folder `dir` at `rev`, with its text. */
  listFilesAt(rev: string, dir: string): Promise<Map<string, string>>;
  /** True when `ancestor` is an ancestor of (or equal to) `descendant`; false when either is unknown. */
  isAncestor(ancestor: string, descendant: string): Promise<boolean>;
  /**
   * The last commit at or before `rev` that changed each of `paths` (full hashes); a path no
   * commit changed is absent from the map.
   */
  lastCommitsTouching(paths: readonly string[], rev: string): Promise<Map<string, string>>;
  /** Commits reachable from `rev` that changed any of `paths`, newest first (`limit` 0: all). */
  logTouching(paths: readonly string[], rev: string, limit?: number): Promise<CommitInfo[]>;
  /** Repository-relative paths changed between two revisions. */
  changedPathsBetween(from: string, to: string): Promise<string[]>;
  /** True when every path changed between the two revisions is under the status directory (or none changed). */
  onlyStatusChanges(from: string, to: string): Promise<boolean>;
  /** Content of `path` at `rev`, or `null` when the file does not exist there. */
  readFileAt(rev: string, path: string): Promise<string | null>;
  /**
   * Checks that every commit in `(fromExclusive, to]` changing a path covered by `paths` has a good
   * ssh signature (`%G?` = G) from a key in `allowedSignersFile`. `fromExclusive` null: the whole history.
   */
  verifySignatures(
    fromExclusive: string | null,
    to: string,
    allowedSignersFile: string,
    paths: SignedPaths,
  ): Promise<SignatureCheck>;
  /**
   * Checks the last commit at or before `rev` that changed `path` (the commit whose content is
   * read there): ok when none did or when it has a good ssh signature from `allowedSignersFile`.
   */
  verifyLastChange(rev: string, path: string, allowedSignersFile: string): Promise<SignatureCheck>;
  /** Paths of the working tree under `under` (repository-relative) that differ from HEAD, or are untracked or ignored. */
  uncommittedPaths(under: string): Promise<string[]>;
  /** The timeline of one server, oldest first: spec changes and the status commits naming it. */
  history(
    serviceName: string,
    specPaths: SpecPathResolver,
    options?: HistoryOptions,
  ): Promise<HistoryEntry[]>;
}
