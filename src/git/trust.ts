/**
 * Whether a head may be applied from: the checks the daemon (src/daemon/steps-git.ts) and
 * `ovh-fleet apply` (src/cli/apply-trust.ts) both make, with the same functions.
 *
 * - History: the last applied revision must be an ancestor of the head, unless an
 *   acknowledgement (`status/ack-rewrite.yaml`) names the head or an ancestor of it that is newer
 *   than the last applied revision. With an allowed signers file the acknowledgement counts only
 *   when the commit that last wrote it carries a good signature.
 * - Signatures: with an allowed signers file, every commit since the last verified one that
 *   changes anything under the fleet root, except the status directory the daemon writes, must
 *   carry a good signature. That covers specs, fleet.yaml, every file a spec references wherever
 *   it lies, and schemas/. The status records themselves are the daemon's (see
 *   src/daemon/trusted-records.ts); the acknowledgement inside the status directory is checked
 *   where it is read (above).
 */
import type { GitRepo, SignedPaths } from './git-repo.js';
import { parseRewriteAck } from './rewrite-ack.js';

/** Why nothing new may be applied from the head. */
export interface TrustBlock {
  reason: 'history-rewritten' | 'signature-invalid';
  message: string;
}

/** What {@link checkHistory} compares. */
export interface HistoryCheck {
  /** The last applied revision; null when none is known (nothing to compare). */
  last: string | null;
  head: string;
  /** Revision at which the acknowledgement is read (the status branch head, or the head); asked only after a rewrite. */
  ackRev: () => Promise<string>;
  /** Repository-relative path of the acknowledgement, `<fleet root>/status/ack-rewrite.yaml`. */
  ackPath: string;
  /** The allowed signers file when verification is on, else null. */
  allowedSignersFile: string | null;
}

/** The verdict of {@link checkHistory}. */
export interface HistoryVerdict {
  /** Null when the head continues the last applied revision or the rewrite is acknowledged. */
  block: TrustBlock | null;
  /** True when the branch was rewritten and the acknowledgement lets it through. */
  acknowledged: boolean;
}

/** Compares the head with the last applied revision (see the module comment). */
export async function checkHistory(git: GitRepo, check: HistoryCheck): Promise<HistoryVerdict> {
  const { last, head } = check;
  if (last === null || last === head || (await git.isAncestor(last, head)))
    return { block: null, acknowledged: false };
  const rewritten = `the branch was rewritten: the last applied revision ${last.slice(0, 12)} is not an ancestor of ${head.slice(0, 12)}`;
  const ackRev = await check.ackRev();
  const ack = parseRewriteAck(await git.readFileAt(ackRev, check.ackPath));
  const acknowledged =
    ack !== null &&
    (ack.revision === head || (await git.isAncestor(ack.revision, head))) &&
    !(await git.isAncestor(ack.revision, last));
  const todo = `nothing new is applied until \`ovh-fleet ack-rewrite ${head}\``;
  if (!acknowledged)
    return { block: { reason: 'history-rewritten', message: `${rewritten}; ${todo}` }, acknowledged: false };
  if (check.allowedSignersFile === null) return { block: null, acknowledged: true };
  const signed = await git.verifyLastChange(ackRev, check.ackPath, check.allowedSignersFile);
  if (signed.ok) return { block: null, acknowledged: true };
  const message = `${rewritten}; the acknowledgement ${check.ackPath} does not count: ${signed.reason}; ${todo} in a signed commit`;
  return { block: { reason: 'history-rewritten', message }, acknowledged: false };
}

/** The paths whose commits must be signed: the fleet root, without its status directory. */
export function signedPaths(prefix: string): SignedPaths {
  return { include: [prefix], exclude: [`${prefix}status/`] };
}

/** What {@link checkSignedRange} verifies. */
export interface RangeCheck {
  /** The last verified head; null (or not an ancestor of `head`): the whole history of `head`. */
  from: string | null;
  head: string;
  /** Repository-relative prefix of the fleet root ('' or 'sub/'). */
  prefix: string;
  allowedSignersFile: string;
}

/** Null when every commit of the range touching the signed paths has a good signature. */
export async function checkSignedRange(git: GitRepo, check: RangeCheck): Promise<TrustBlock | null> {
  const { from, head } = check;
  if (from === head) return null;
  const usable = from !== null && (await git.isAncestor(from, head)) ? from : null;
  const result = await git.verifySignatures(
    usable,
    head,
    check.allowedSignersFile,
    signedPaths(check.prefix),
  );
  if (result.ok) return null;
  return {
    reason: 'signature-invalid',
    message: `commit ${result.commit.slice(0, 12)} is not signed by an allowed signer (${result.reason}); nothing new is applied`,
  };
}
