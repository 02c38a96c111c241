/**
 * The fetch step of a cycle: fetch and reset the clone (fetchRepository → Fetched; it stops the
 * cycle early when only status/ changed after a webhook or watcher trigger), then check the new
 * history (verifyHistory → Verified: a rewritten branch, commit signatures). Neither writes
 * status nor the daemon's memory.
 */
import { readApplied } from '../records/read-records.js';
import { writeVerifiedHead } from '../apply/verified-head.js';
import { checkHistory, checkSignedRange } from '../git/trust.js';
import type { Logger } from '../core/logger.js';
import type { CycleBlock } from '../status/build-records.js';
import type { CycleDeps, TriggerKind } from './types.js';

/** Triggers after which a cycle with only status/ changes stops after the fetch. */
const SKIPPABLE: ReadonlySet<TriggerKind> = new Set(['webhook', 'watch']);

/**
 * The fetch step's result: the head the clone now holds; `skipped` when only status/ changed since
 * the last cycle and the trigger allows stopping there (the cycle then ends without a plan).
 */
export interface Fetched {
  outcome: 'synced' | 'skipped';
  head: string;
}

/** Fetches and hard-resets the clone to the remote branch; `lastHead` is the previous cycle's head. */
export async function fetchRepository(
  deps: Pick<CycleDeps, 'git'>,
  input: { trigger: TriggerKind; lastHead: string | null },
  log: Logger,
): Promise<Fetched> {
  const previous = input.lastHead;
  const head = await deps.git.sync();
  if (SKIPPABLE.has(input.trigger) && previous !== null) {
    if (previous === head || (await deps.git.onlyStatusChanges(previous, head))) {
      log.debug({ head }, 'only status/ changed: nothing to do');
      return { outcome: 'skipped', head };
    }
  }
  log.info({ head, previous }, 'repository synced');
  return { outcome: 'synced', head };
}

/** The second half of fetch: what checking the new history found. */
export interface Verified {
  /** Why nothing new may be applied (history rewritten, bad signature); null when nothing blocks. */
  block: CycleBlock | null;
  /** The head whose signatures this cycle verified good (already persisted); null when none. */
  verifiedHead: string | null;
}

/**
 * Checks the fetched history: a rewritten branch (detectRewrite), then commit signatures
 * (verifySignatures). A signature block wins over a rewrite block.
 */
export async function verifyHistory(
  deps: Pick<CycleDeps, 'git' | 'root' | 'prefix' | 'config' | 'stateDir'>,
  input: { head: string; lastApplied: string | null; lastVerified: string | null },
  log: Logger,
): Promise<Verified> {
  const rewrite = await detectRewrite(deps, input, log);
  const signatures = await verifySignatures(deps, input, log);
  return { block: signatures.block ?? rewrite, verifiedHead: signatures.verifiedHead };
}

/**
 * The last applied head must be an ancestor of the new head; otherwise the branch was rewritten
 * and nothing new is applied until `status/ack-rewrite.yaml` acknowledges the new head (signed,
 * with verification on). Without a state file (a new state directory), the newest
 * `lastApplied.specCommit` of the records stands in. The same check as `ovh-fleet apply`.
 */
async function detectRewrite(
  deps: Pick<CycleDeps, 'git' | 'root' | 'prefix' | 'config'>,
  input: { head: string; lastApplied: string | null },
  log: Logger,
): Promise<CycleBlock | null> {
  const { git } = deps;
  const { head } = input;
  const last = input.lastApplied ?? (await newestAppliedCommit(deps.root));
  const { block, acknowledged } = await checkHistory(git, {
    last,
    head,
    ackRev: async () => (await git.statusHead()) ?? head,
    ackPath: `${deps.prefix}status/ack-rewrite.yaml`,
    allowedSignersFile: deps.config.verify.allowedSignersFile,
  });
  if (acknowledged) log.warn({ last, head }, 'rewritten history acknowledged');
  if (block !== null) log.error({ code: 'history-rewritten', last, head }, block.message);
  return block;
}

/**
 * With verify.allowedSignersFile, every commit since the last verified head that changes the
 * fleet root outside status/ must be signed (src/git/trust.ts). The verified head is persisted
 * durably before the cycle goes on, so a restart checks only newer commits.
 */
async function verifySignatures(
  deps: Pick<CycleDeps, 'git' | 'prefix' | 'config' | 'stateDir'>,
  input: { head: string; lastVerified: string | null },
  log: Logger,
): Promise<Verified> {
  const file = deps.config.verify.allowedSignersFile;
  const { head } = input;
  if (file === null || input.lastVerified === head) return { block: null, verifiedHead: null };
  const block = await checkSignedRange(deps.git, {
    from: input.lastVerified,
    head,
    prefix: deps.prefix,
    allowedSignersFile: file,
  });
  if (block === null) {
    await writeVerifiedHead(deps.stateDir, head);
    return { block: null, verifiedHead: head };
  }
  log.error({ code: 'signature-invalid', head }, block.message);
  return { block, verifiedHead: null };
}

/** The newest `lastApplied.specCommit` of the status records under `root` (shared with apply). */
export async function newestAppliedCommit(root: string): Promise<string | null> {
  const { applied } = await readApplied(root);
  let best: { at: string; commit: string } | null = null;
  for (const record of applied.values()) {
    const a = record.lastApplied;
    if (a && /^[0-9a-f]{40}$/.test(a.specCommit) && (best === null || a.finishedAt > best.at))
      best = { at: a.finishedAt, commit: a.specCommit };
  }
  return best?.commit ?? null;
}
