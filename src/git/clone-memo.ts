/**
 * What the clone adapter knows without asking git again, and the check that lets a sync skip its
 * reset. CloneMemo keeps, until the next job that may write (fetch, checkout, commit, push):
 * the commit the working tree is proven to hold exactly (`cleanHead`, which lets the daemon's
 * load step trust that every file is as it was at the last read of that commit), the status
 * branch's head, and the files of one directory at one commit (a commit never changes).
 * readWorktree and isCleanAt read `git status` to tell whether the clone already is the fetched
 * head, nothing changed, untracked or ignored.
 */
import type { GitRun } from './git-queries.js';

/** A full commit id: what a revision must be for its files to be remembered. */
const COMMIT_ID = /^[0-9a-f]{40}([0-9a-f]{24})?$/;

/** See the file's comment. Every value is forgotten by {@link CloneMemo.forget}. */
export class CloneMemo {
  /** The commit the working tree, index and branch match exactly, as the last sync left them. */
  cleanHead: string | null = null;
  /**
   * Names what the working tree held since the last sync that had to reset it: `<head>#<n>`, a new
   * `n` at each reset. Files read under one key are the same bytes for as long as it stands; a
   * reset (a new head, or a stray change discarded) gives a new key, so nothing read before it,
   * a stray edit included, is taken for what the tree holds now.
   */
  cleanKey: string | null = null;
  private resets = 0;
  /** The status branch's remote head (null: none); undefined when not known. */
  statusHead: string | null | undefined = undefined;
  private files: { rev: string; dir: string; files: ReadonlyMap<string, string> } | undefined;

  /** A job that may write the clone is about to run. */
  forget(): void {
    this.cleanHead = null;
    this.cleanKey = null;
    this.statusHead = undefined;
  }

  /**
   * A sync ended: the tree is `head` exactly, and the status branch's remote head is `statusHead`.
   * `reset`: the sync had to reset the tree (it was not already `head`, clean).
   */
  synced(head: string, statusHead: string | null, reset: boolean): void {
    const previous = this.cleanKey;
    if (reset || previous === null || !previous.startsWith(`${head}#`)) this.resets++;
    this.cleanHead = head;
    this.cleanKey = `${head}#${this.resets}`;
    this.statusHead = statusHead;
  }

  /** The files of `dir` at commit `rev` when they were listed before (a copy), else undefined. */
  filesAt(rev: string, dir: string): Map<string, string> | undefined {
    const known = this.files;
    return known && known.rev === rev && known.dir === dir ? new Map(known.files) : undefined;
  }

  /** Keeps the files of `dir` at `rev` when `rev` is a commit id (a name may move); returns them. */
  rememberFiles(rev: string, dir: string, files: Map<string, string>): Map<string, string> {
    if (COMMIT_ID.test(rev)) this.files = { rev, dir, files: new Map(files) };
    return files;
  }
}

/** What `git status` says of the clone. */
export interface Worktree {
  /** The checked-out branch (null: detached, or unknown). */
  branch: string | null;
  /** HEAD's commit (null: no commit yet, or unknown). */
  head: string | null;
  /** True when nothing is staged, changed, untracked or ignored. */
  clean: boolean;
}

/**
 * `git status` of the whole working tree, untracked and ignored files included, each listed
 * (`--untracked-files=all --ignored=matching`): whatever `clean -ffdx` would delete or
 * `checkout --force` would rewrite shows as an entry. A failing status counts as not clean.
 */
export async function readWorktree(run: GitRun): Promise<Worktree> {
  let out: string;
  try {
    out = await run([
      'status',
      '--porcelain=v2',
      '--branch',
      '-z',
      '--untracked-files=all',
      '--ignored=matching',
      '--no-renames',
    ]);
  } catch {
    return { branch: null, head: null, clean: false };
  }
  let branch: string | null = null;
  let head: string | null = null;
  let clean = true;
  for (const entry of out.split('\0')) {
    if (entry === '') continue;
    if (entry.startsWith('# branch.oid ')) head = entry.slice('# branch.oid '.length);
    else if (entry.startsWith('# branch.head ')) branch = entry.slice('# branch.head '.length);
    else if (!entry.startsWith('# ')) clean = false;
  }
  return { branch, head: head !== null && COMMIT_ID.test(head) ? head : null, clean };
}

/** True when the clone is on `branch` at commit `head` with nothing changed, untracked or ignored. */
export function isCleanAt(tree: Worktree, branch: string, head: string): boolean {
  return tree.clean && tree.branch === branch && tree.head === head;
}
