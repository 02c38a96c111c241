/**
 * The last commit that changed each server's spec file (`Fleet-Spec-Commit`, `spec.commit` of the
 * record), kept between cycles: after a new head only the files changed since the last head are
 * looked up again, and after a restart the commits the records name are reused for files that did
 * not change since (one `git diff` per distinct commit); the rest are found in one history walk.
 */
import type { GitRepo } from '../git/git-repo.js';

/** Remembers spec commits per repository-relative file. */
export class SpecCommits {
  private readonly byFile = new Map<string, string>();
  private head: string | null = null;

  /**
   * The commit per file (repository-relative paths) at `head`. `hints` are commits a record
   * names for a file; they are trusted only when the file did not change between them and head.
   */
  async resolve(
    git: GitRepo,
    head: string,
    files: readonly string[],
    hints: ReadonlyMap<string, string> = new Map(),
  ): Promise<Map<string, string>> {
    if (this.head !== null && this.head !== head) {
      const changed = await git.changedPathsBetween(this.head, head).catch(() => null);
      if (changed === null) this.byFile.clear();
      else for (const file of changed) this.byFile.delete(file);
    }
    this.head = head;
    const missing = files.filter((f) => !this.byFile.has(f));
    const byHint = new Map<string, string[]>();
    for (const file of missing) {
      const hint = hints.get(file);
      if (hint) byHint.set(hint, [...(byHint.get(hint) ?? []), file]);
    }
    for (const [hint, hinted] of byHint) {
      const changed = await git.changedPathsBetween(hint, head).catch(() => null);
      if (changed === null) continue;
      const set = new Set(changed);
      for (const file of hinted) if (!set.has(file)) this.byFile.set(file, hint);
    }
    const unknown = files.filter((f) => !this.byFile.has(f));
    if (unknown.length > 0) {
      const found = await git.lastCommitsTouching(unknown, head);
      for (const file of unknown) this.byFile.set(file, found.get(file) ?? head);
    }
    return new Map(files.map((f) => [f, this.byFile.get(f) as string]));
  }
}
