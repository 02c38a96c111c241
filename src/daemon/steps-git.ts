/**
 * The git steps of a cycle: fetch and reset the clone, stop early when only status/ changed
 * (webhook and watcher triggers), detect a rewritten branch, check commit signatures. They fill
 * the cycle state; none writes status.
 */
import { readApplied } from '../plan/read-applied.js';
import { parseRewriteAck } from './ack-rewrite.js';
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
 * and nothing new is applied until `status/ack-rewrite.yaml` acknowledges the new head. Without a
 * state file (a new state directory), the newest `lastApplied.specCommit` of the records stands in.
 */
export const detectRewrite: CycleStep = async (ctx) => {
  const { rt, state } = ctx;
  const head = state.head as string;
  const last = rt.memory.lastApplied ?? (await newestAppliedCommit(rt.root));
  if (last === null || last === head || (await rt.git.isAncestor(last, head))) return 'continue';
  const statusRev = (await rt.git.statusHead()) ?? head;
  const ack = parseRewriteAck(await rt.git.readFileAt(statusRev, `${rt.prefix}status/ack-rewrite.yaml`));
  const acknowledged =
    ack !== null &&
    (ack.revision === head || (await rt.git.isAncestor(ack.revision, head))) &&
    !(await rt.git.isAncestor(ack.revision, last));
  if (acknowledged) {
    ctx.log.warn({ last, head, ack: ack.revision, by: ack.by }, 'rewritten history acknowledged');
    return 'continue';
  }
  state.block = {
    reason: 'history-rewritten',
    message: `the branch was rewritten: the last applied revision ${last.slice(0, 12)} is not an ancestor of ${head.slice(0, 12)}; nothing new is applied until \`ovh-fleet ack-rewrite ${head}\``,
  };
  ctx.log.error({ code: 'history-rewritten', last, head }, 'branch history rewritten: applying nothing');
  return 'continue';
};

/** With verify.allowedSignersFile, every new commit touching specs, scripts or fleet.yaml must be signed. */
export const verifySignatures: CycleStep = async (ctx) => {
  const { rt, state } = ctx;
  const file = rt.config.verify.allowedSignersFile;
  const head = state.head as string;
  if (file === null || rt.memory.lastVerified === head) return 'continue';
  const paths = ['servers/', 'scripts/', 'fleet.yaml'].map((p) => `${rt.prefix}${p}`);
  const from = rt.memory.lastVerified;
  const usable = from !== null && (await rt.git.isAncestor(from, head)) ? from : null;
  const check = await rt.git.verifySignatures(usable, head, file, paths);
  if (check.ok) {
    rt.memory.lastVerified = head;
    return 'continue';
  }
  state.block = {
    reason: 'signature-invalid',
    message: `commit ${check.commit.slice(0, 12)} is not signed by an allowed signer (${check.reason}); nothing new is applied`,
  };
  ctx.log.error({ code: 'signature-invalid', commit: check.commit, status: check.status }, 'unsigned commit');
  return 'continue';
};

async function newestAppliedCommit(root: string): Promise<string | null> {
  const { applied } = await readApplied(root);
  let best: { at: string; commit: string } | null = null;
  for (const record of applied.values()) {
    const a = record.lastApplied;
    if (a && /^[0-9a-f]{40}$/.test(a.specCommit) && (best === null || a.finishedAt > best.at))
      best = { at: a.finishedAt, commit: a.specCommit };
  }
  return best?.commit ?? null;
}
