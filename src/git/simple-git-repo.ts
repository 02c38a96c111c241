/**
 * The GitRepo adapter over simple-git 4.0.2: one clone in the state directory, one git process
 * at a time. Status commits are pushed with bounded, jittered retries; a push is never forced.
 */
import { mkdir, readdir, realpath, writeFile } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import type { Clock } from '../core/clock.js';
import { configError, FleetError } from '../core/errors.js';
import { buildCommitMessage, isPushRace } from './commit-message.js';
import type {
  CommitInfo,
  GitIdentity,
  GitRepo,
  HistoryEntry,
  HistoryOptions,
  SignatureCheck,
  SignedPaths,
  SpecPathResolver,
  StatusCommitRequest,
  StatusCommitResult,
  Trailer,
} from './git-repo.js';
import {
  changedPaths,
  checkLastChange,
  checkSignatures,
  uncommittedPaths,
  isAncestorOf,
  lastCommitsTouching,
  logCommits,
  readBlob,
  resolveCommit,
  type GitRun,
} from './git-queries.js';
import { runGit, type GitRunnerOptions, type RunExtras } from './git-runner.js';
import { collectHistory, type HistoryGit, type LoggedCommit } from './history.js';
import { commitIntentsOnce, listFilesAt, type IntentCommitRequest } from './intent-record.js';
import { checkRef, classifyUrl, redactUrl, type RemoteAuth } from '../config/git-remote.js';
import { CloneMemo, isCleanAt, readWorktree } from './clone-memo.js';
import { SerialQueue } from './serial-queue.js';
import { checkStatusPath, writeStatusFiles } from './status-files.js';

/** Configuration of one clone. */
export interface SimpleGitRepoOptions {
  /** ssh, https, file:// URL or absolute path of the fleet repository. */
  url: string;
  /** The spec branch the daemon follows. */
  branch: string;
  /** Absolute path of the clone (inside the state directory). */
  dir: string;
  /**
   * Where status commits go; default `branch`. A separate branch is created from `branch` the
   * first time; afterwards each status commit also merges `branch` into it (see commitStatus).
   */
  statusBranch?: string;
  /** Repository-relative status directory (default `status`). */
  statusDir?: string;
  auth?: RemoteAuth;
  /** Committer of every commit ovh-fleet makes. */
  committer: GitIdentity;
  /** Inactivity timeout of one git command (default 120 s). */
  timeoutMs?: number;
  /** Stops running git commands and pending retries (shutdown). */
  signal?: AbortSignal;
  clock: Clock;
  /** Jitter source in [0, 1) (default Math.random). */
  random?: () => number;
  /** Push attempts before `git-push-rejected` (default 5). */
  pushAttempts?: number;
  /** First backoff ceiling in ms, doubled per attempt (default 500) up to `backoffMaxMs` (default 8000). */
  backoffBaseMs?: number;
  backoffMaxMs?: number;
}

/** The simple-git implementation of {@link GitRepo}. */
export class SimpleGitRepo implements GitRepo, HistoryGit {
  private readonly o: Required<Omit<SimpleGitRepoOptions, 'signal' | 'auth'>> & SimpleGitRepoOptions;
  private readonly runner: GitRunnerOptions;
  private readonly queue = new SerialQueue();
  /** What the last sync proved of the clone; forgotten when anything writes it (see {@link cleanHead}). */
  private readonly memo = new CloneMemo();

  constructor(options: SimpleGitRepoOptions) {
    classifyUrl(options.url);
    checkRef(options.branch);
    if (options.statusBranch !== undefined) checkRef(options.statusBranch, 'status branch');
    if (!isAbsolute(options.dir))
      throw configError('config-invalid', `clone directory must be absolute: ${options.dir}`);
    this.o = {
      statusBranch: options.branch,
      statusDir: 'status',
      timeoutMs: 120_000,
      random: Math.random,
      pushAttempts: 5,
      backoffBaseMs: 500,
      backoffMaxMs: 8_000,
      ...options,
    };
    this.runner = {
      dir: options.dir,
      url: options.url,
      auth: options.auth ?? {},
      committer: options.committer,
      timeoutMs: this.o.timeoutMs,
      signal: options.signal,
    };
  }

  private serial<T>(job: () => Promise<T>): Promise<T> {
    return this.queue.run(job);
  }

  /**
   * A queued job that may write the working tree, the index or the refs (fetch, checkout, commit,
   * push): what the memo knows is forgotten when it is queued and again when it starts (a sync
   * queued before it may have learnt something meanwhile).
   */
  private writing<T>(job: () => Promise<T>): Promise<T> {
    this.memo.forget();
    return this.serial(() => {
      this.memo.forget();
      return job();
    });
  }

  private git(args: string[], extras?: RunExtras): Promise<string> {
    return runGit(this.runner, args, extras);
  }

  private readonly run: GitRun = (args, extras) => this.git(args, extras);

  ensureClone(): Promise<string> {
    return this.writing(async () => {
      const dir = this.o.dir;
      await mkdir(dir, { recursive: true });
      const entries = await readdir(dir);
      if (entries.includes('.git')) {
        const top = (await this.git(['rev-parse', '--show-toplevel'])).trim();
        if (top !== (await realpath(dir))) {
          throw configError('git-dir-conflict', `${dir} is inside another repository (${top})`, { dir });
        }
        const remote = (await this.git(['config', '--get', 'remote.origin.url']).catch(() => '')).trim();
        if (remote !== this.o.url)
          await this.git(['remote', remote === '' ? 'add' : 'set-url', 'origin', this.o.url]);
      } else if (entries.length > 0) {
        throw configError('git-dir-conflict', `${dir} is not empty and holds no clone`, { dir });
      } else {
        await this.git(['init', '--quiet', `--initial-branch=${this.o.branch}`]);
        await this.git(['remote', 'add', 'origin', this.o.url]);
      }
      return this.syncNow();
    });
  }

  sync(): Promise<string> {
    return this.writing(() => this.syncNow());
  }

  /**
   * Fetches, then brings the working tree to the fetched head. When `git status` shows the clone
   * already on the branch at that head with nothing changed, untracked or ignored, the reset is
   * skipped: it would change nothing (the steady cycle's common case; one `git status` costs less
   * than `checkout --force` and `clean`, and both look at every file). Anything else (a stray
   * edit, a leftover file, another branch, a new head) gets the full reset, which discards it.
   */
  private async syncNow(): Promise<string> {
    const branch = this.o.branch;
    const target = `refs/remotes/origin/${branch}`;
    // `git status` looks at the working tree and HEAD, which fetching does not touch: both run side
    // by side. allSettled: the job ends only once both git processes have (no lock left behind).
    const [fetched, worktree] = await Promise.allSettled([this.fetchHeads(), readWorktree(this.run)]);
    if (fetched.status === 'rejected') throw fetched.reason;
    const { remote, statusHead } = fetched.value;
    const tree = worktree.status === 'fulfilled' ? worktree.value : null;
    let head: string;
    const clean = remote !== null && tree !== null && isCleanAt(tree, branch, remote);
    if (clean) {
      head = remote;
    } else {
      await this.resetTo(branch, target);
      head = (await this.git(['rev-parse', 'HEAD'])).trim();
    }
    this.memo.synced(head, statusHead, !clean);
    return head;
  }

  /** Fetches the spec branch (and the status branch); their remote heads (status: null when none). */
  private async fetchHeads(): Promise<{ remote: string | null; statusHead: string | null }> {
    const branch = this.o.branch;
    await this.fetchBranch(branch, true);
    if (this.o.statusBranch === branch) {
      const remote = await this.resolve(`refs/remotes/origin/${branch}`);
      return { remote, statusHead: remote };
    }
    await this.fetchBranch(this.o.statusBranch, false);
    const [remote, statusHead] = await Promise.all([
      this.resolve(`refs/remotes/origin/${branch}`),
      this.resolve(`refs/remotes/origin/${this.o.statusBranch}`),
    ]);
    return { remote, statusHead };
  }

  cleanHead(): string | null {
    return this.memo.cleanHead;
  }

  cleanKey(): string | null {
    return this.memo.cleanKey;
  }

  /** Fetches one branch into refs/remotes/origin/; a missing branch is an error only when `required`. */
  private async fetchBranch(branch: string, required: boolean): Promise<boolean> {
    try {
      await this.git([
        'fetch',
        '--quiet',
        '--no-tags',
        'origin',
        `+refs/heads/${branch}:refs/remotes/origin/${branch}`,
      ]);
      return true;
    } catch (error) {
      const text = error instanceof FleetError ? String(error.details.gitMessage ?? error.message) : '';
      if (!/couldn't find remote ref/i.test(text)) throw error;
      if (required) {
        throw new FleetError(
          'git-branch-missing',
          `branch ${branch} does not exist on ${redactUrl(this.o.url)}`,
          {
            details: { branch },
          },
        );
      }
      await this.git(['update-ref', '-d', `refs/remotes/origin/${branch}`]);
      return false;
    }
  }

  /** Points `branch` and the working tree at `target`, discarding every local change and untracked file. */
  private async resetTo(branch: string, target: string): Promise<void> {
    // checkout --force -B resets the branch, the index and the tracked files to `target`.
    await this.git(['checkout', '--quiet', '--force', '-B', branch, target]);
    await this.git(['clean', '--quiet', '--force', '--force', '-d', '-x']);
  }

  commitStatus(request: StatusCommitRequest): Promise<StatusCommitResult> {
    return this.writing(() => this.commitStatusNow(request));
  }

  private async commitStatusNow(request: StatusCommitRequest): Promise<StatusCommitResult> {
    const message = buildCommitMessage(request.subject, request.body, request.trailers);
    for (const path of request.files.keys()) checkStatusPath(path, this.o.statusDir);
    const target = this.o.statusBranch;
    const separate = target !== this.o.branch;
    for (let attempt = 1; ; attempt++) {
      const exists = await this.fetchBranch(target, !separate);
      if (separate) await this.fetchBranch(this.o.branch, true);
      const base = `refs/remotes/origin/${exists ? target : this.o.branch}`;
      const baseHash = (await this.resolve(base))!;
      await this.resetTo(target, base);
      const merging = separate && exists && (await this.mergeSpecBranch(baseHash));
      const touched = await writeStatusFiles(this.o.dir, request.files, this.o.statusDir);
      // The status directory as the one pathspec: git matches every path against every pathspec,
      // so naming 10,000 files makes 10^8 comparisons. The tree was just reset and cleaned, so the
      // directory holds no change but ours (and the merge's, which the filter below leaves out).
      const statusSpec = `${this.o.statusDir.replace(/\/+$/, '')}/`;
      if (touched.length > 0) await this.git(['add', '--all', '--', statusSpec]);
      const wrote = new Set(touched);
      const changed =
        touched.length === 0
          ? []
          : (await this.git(['diff', '--cached', '--name-only', '-z', baseHash, '--', statusSpec]))
              .split('\0')
              .filter((p) => wrote.has(p));
      if (changed.length === 0) {
        if (merging) await this.git(['merge', '--abort']);
        await this.resetTo(target, base);
        return { outcome: 'unchanged', head: baseHash };
      }
      const messageFile = join(this.o.dir, '.git', 'OVH_FLEET_COMMIT_MSG');
      await writeFile(messageFile, message);
      const key = request.signingKey;
      await this.git(
        [
          'commit',
          '--quiet',
          '--no-verify',
          '--cleanup=whitespace',
          ...(key ? ['-S'] : []),
          `--file=${messageFile}`,
        ],
        {
          author: request.author,
          ...(key ? { config: ['gpg.format=ssh', `user.signingkey=${key}`] } : {}),
        },
      );
      const commit = (await this.git(['rev-parse', 'HEAD'])).trim();
      try {
        await this.git(['push', '--quiet', 'origin', `HEAD:refs/heads/${target}`]);
        return { outcome: 'pushed', commit, attempts: attempt };
      } catch (error) {
        const text = error instanceof FleetError ? String(error.details.gitMessage ?? '') : '';
        if (!isPushRace(text)) throw error;
        if (attempt >= this.o.pushAttempts) {
          throw new FleetError(
            'git-push-rejected',
            `status commit not pushed after ${attempt} attempts: ${target} kept moving`,
            {
              details: { branch: target, attempts: attempt },
            },
          );
        }
        const ceiling = Math.min(this.o.backoffMaxMs, this.o.backoffBaseMs * 2 ** (attempt - 1));
        await this.o.clock
          .sleep(Math.floor(this.o.random() * ceiling), this.o.signal)
          .catch((cause: unknown) => {
            throw new FleetError('git-aborted', 'status push retry stopped: shutting down', { cause });
          });
      }
    }
  }

  /**
   * Brings the spec branch into a separate status branch: a merge in which the status branch wins
   * conflicts (it only changes status/). Returns false when no merge is needed or it cannot be
   * made cleanly (the status commit is then made without it; the next one tries again).
   */
  private async mergeSpecBranch(statusHash: string): Promise<boolean> {
    const spec = `refs/remotes/origin/${this.o.branch}`;
    if (await this.isAncestorNow(spec, statusHash)) return false;
    try {
      await this.git(['merge', '--quiet', '--no-ff', '--no-commit', '--strategy-option=ours', spec]);
      return true;
    } catch {
      await this.git(['merge', '--abort']).catch(() => undefined);
      await this.resetTo(this.o.statusBranch, statusHash);
      return false;
    }
  }

  ackRewrite(
    content: string,
    author: GitIdentity,
    trailers: readonly Trailer[] = [],
    signingKey?: string,
  ): Promise<StatusCommitResult> {
    return this.commitStatus({
      files: new Map([[`${this.o.statusDir}/ack-rewrite.yaml`, content]]),
      subject: 'ovh-fleet: acknowledge rewritten history',
      body: '',
      trailers,
      author,
      ...(signingKey ? { signingKey } : {}),
    });
  }

  commitIntents(request: IntentCommitRequest): Promise<'pushed' | 'raced'> {
    return this.writing(() =>
      commitIntentsOnce(
        this.run,
        { dir: this.o.dir, statusDir: this.o.statusDir, statusBranch: this.o.statusBranch },
        request,
      ),
    );
  }

  listFilesAt(rev: string, dir: string): Promise<Map<string, string>> {
    const known = this.memo.filesAt(rev, dir);
    if (known) return Promise.resolve(known);
    return this.serial(async () => this.memo.rememberFiles(rev, dir, await listFilesAt(this.run, rev, dir)));
  }

  statusHead(): Promise<string | null> {
    const known = this.memo.statusHead;
    if (known !== undefined) return Promise.resolve(known);
    return this.serial(async () => {
      const head = await this.resolve(`refs/remotes/origin/${this.o.statusBranch}`);
      // Only jobs that write forget it, and none ran in between: this job holds the queue.
      this.memo.statusHead = head;
      return head;
    });
  }

  isAncestor(ancestor: string, descendant: string): Promise<boolean> {
    return this.serial(() => this.isAncestorNow(ancestor, descendant));
  }

  lastCommitsTouching(paths: readonly string[], rev: string): Promise<Map<string, string>> {
    return this.serial(() => lastCommitsTouching(this.run, paths, rev));
  }

  logTouching(paths: readonly string[], rev: string, limit = 0): Promise<CommitInfo[]> {
    return this.serial(async () => (await this.logNow([rev], paths, limit)).map((c) => c.commit));
  }

  changedPathsBetween(from: string, to: string): Promise<string[]> {
    return this.serial(() => this.changedNow(from, to));
  }

  onlyStatusChanges(from: string, to: string): Promise<boolean> {
    return this.serial(async () => {
      const prefix = `${this.o.statusDir}/`;
      return (await this.changedNow(from, to)).every((p) => p.startsWith(prefix));
    });
  }

  readFileAt(rev: string, path: string): Promise<string | null> {
    return this.serial(() => this.readNow(rev, path));
  }

  verifySignatures(
    fromExclusive: string | null,
    to: string,
    allowedSignersFile: string,
    paths: SignedPaths,
  ): Promise<SignatureCheck> {
    return this.serial(() => checkSignatures(this.run, fromExclusive, to, allowedSignersFile, paths));
  }

  verifyLastChange(rev: string, path: string, allowedSignersFile: string): Promise<SignatureCheck> {
    return this.serial(() => checkLastChange(this.run, rev, path, allowedSignersFile));
  }

  uncommittedPaths(under: string): Promise<string[]> {
    return this.serial(() => uncommittedPaths(this.run, under));
  }

  history(
    serviceName: string,
    specPaths: SpecPathResolver,
    options: HistoryOptions = {},
  ): Promise<HistoryEntry[]> {
    return this.serial(async () => {
      const specRev = options.specRev ?? 'HEAD';
      const statusRev =
        options.statusRev ?? (await this.resolve(`refs/remotes/origin/${this.o.statusBranch}`)) ?? specRev;
      return collectHistory(
        this,
        serviceName,
        await specPaths(serviceName),
        specRev,
        statusRev,
        this.o.statusDir,
      );
    });
  }

  /** For history: commits reachable from `revs` touching `paths` (already inside the queue). */
  logNow(revs: readonly string[], paths: readonly string[], limit = 0): Promise<LoggedCommit[]> {
    return logCommits(this.run, revs, paths, limit);
  }

  /** For history: the file at a revision (already inside the queue). */
  readFile(rev: string, path: string): Promise<string | null> {
    return readBlob(this.run, rev, path);
  }

  private isAncestorNow(ancestor: string, descendant: string): Promise<boolean> {
    return isAncestorOf(this.run, ancestor, descendant);
  }

  private changedNow(from: string, to: string): Promise<string[]> {
    return changedPaths(this.run, from, to);
  }

  private readNow(rev: string, path: string): Promise<string | null> {
    return readBlob(this.run, rev, path);
  }

  private resolve(rev: string): Promise<string | null> {
    return resolveCommit(this.run, rev);
  }
}
