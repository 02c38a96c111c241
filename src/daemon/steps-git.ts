/**
 * The git steps of a cycle: fetch and reset the clone, stop early when only status/ changed
 * (webhook and watcher triggers), detect a rewritten branch, check commit signatures. They fill
 * the cycle state; none writes status.
 */
import { readApplied } from '../records/read-records.js';
import { writeVerifiedHead } from '../apply/verified-head.js';
import { checkHistory, checkSignedRange } from '../git/trust.js';
import type { CycleStep, TriggerKind } from './types.js';

/** Triggers after which a cycle with only status/ changes stops after the fetch. */
const SKIPPABLE: ReadonlySet<TriggerKind> = new Set(['webhook', 'watch']);

/** Fetches and hard-resets the clone to the remote branch. */
export const syncRepository: CycleStep = async (ctx) => {
  const { rt, state } = ctx;
  const previous = rt.memory.lastHead;
  state.head = await rt.git.sync();
  rt.memory.lastHead = state.head;
  if (SKIPPABLE.has(state.trigger) && previous !== null) {
    if (previous === state.head || (await rt.git.onlyStatusChanges(previous, state.head))) {
      ctx.log.debug({ head: state.head }, 'only status/ changed: nothing to do');
      state.skipped = true;
      return 'stop';
    }
  }
  ctx.log.info({ head: state.head, previous }, 'repository synced');
  return 'continue';
};

/**
 * The last applied head must be an ancestor of the new head; otherwise the branch was rewritten
 * and nothing new is applied until `status/ack-rewrite.yaml` acknowledges the new head (signed,
 * with verification on). Without a state file (a new state directory), the newest
 * `lastApplied.specCommit` of the records stands in. The same check as `ovh-fleet apply`.
 */
export const detectRewrite: CycleStep = async (ctx) => {
  const { rt, state } = ctx;
  const head = state.head as string;
  const last = rt.memory.lastApplied ?? (await newestAppliedCommit(rt.root));
  const { block, acknowledged } = await checkHistory(rt.git, {
    last,
    head,
    ackRev: async () => (await rt.git.statusHead()) ?? head,
    ackPath: `${rt.prefix}status/ack-rewrite.yaml`,
    allowedSignersFile: rt.config.verify.allowedSignersFile,
  });
  if (acknowledged) ctx.log.warn({ last, head }, 'rewritten history acknowledged');
  if (block === null) return 'continue';
  state.block = block;
  ctx.log.error({ code: 'history-rewritten', last, head }, block.message);
  return 'continue';
};

/**
 * With verify.allowedSignersFile, every commit since the last verified head that changes the
 * fleet root outside status/ must be signed (src/git/trust.ts). The verified head is persisted
 * durably before the cycle goes on, so a restart checks only newer commits.
 */
export const verifySignatures: CycleStep = async (ctx) => {
  const { rt, state } = ctx;
  const file = rt.config.verify.allowedSignersFile;
  const head = state.head as string;
  if (file === null || rt.memory.lastVerified === head) return 'continue';
  const block = await checkSignedRange(rt.git, {
    from: rt.memory.lastVerified,
    head,
    prefix: rt.prefix,
    allowedSignersFile: file,
  });
  if (block === null) {
    await writeVerifiedHead(rt.stateDir, head);
    rt.memory.lastVerified = head;
    return 'continue';
  }
  state.block = block;
  ctx.log.error({ code: 'signature-invalid', head }, block.message);
  return 'continue';
};

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
