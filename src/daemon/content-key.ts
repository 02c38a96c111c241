/**
 * The content key of this cycle's reads: while the clone is proven to hold the cycle's head
 * exactly, and no sync has reset it since the last read (src/git/clone-memo.ts, `cleanKey`), a
 * file read under the same key is the same bytes, so the load and record steps may take it from
 * their last read without looking at the file again. Undefined otherwise: everything is looked at.
 */
import type { GitRepo } from '../git/git-repo.js';

/** A function of the moment (the key may be forgotten while a step runs): the key, or undefined. */
export function contentKeyOf(git: Pick<GitRepo, 'cleanKey'>, head: string): () => string | undefined {
  return () => {
    const key = git.cleanKey();
    return key !== null && key.startsWith(`${head}#`) ? key : undefined;
  };
}
