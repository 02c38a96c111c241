/**
 * One reconcile cycle: a short list of named steps with one signature (Flux's reconcileSource,
 * ...), then ONE place (recordStatus) that turns what the steps found into status and commits it.
 * Steps never write status. A step that throws ends the cycle as an error; status is still
 * recorded when a plan was made (the commit in progress is always finished).
 */
import { randomUUID } from 'node:crypto';
import { nextStepOf } from '../core/codes/registry.js';
import { FleetError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { forgetSettledIntents } from '../apply/journal-attempts.js';
import type { StatusRecord } from '../records/types.js';
import { writeDaemonState } from './daemon-state.js';
import { recordStatus } from './record-status.js';
import { detectRewrite, syncRepository, verifySignatures } from './steps-git.js';
import { applyChanges, planChanges, restoreRecords } from './steps-plan.js';
import { keepTrustedRecords, trustRecords } from './trusted-records.js';
import type { CycleContext, CycleRuntime, CycleStep, CycleSummary, TriggerKind } from './types.js';

/** The steps, in order. */
export const CYCLE_STEPS: ReadonlyArray<[string, CycleStep]> = [
  ['sync', syncRepository],
  ['detect-rewrite', detectRewrite],
  ['verify-signatures', verifySignatures],
  ['restore-records', restoreRecords],
  ['trust-records', trustRecords],
  ['plan', planChanges],
  ['apply', applyChanges],
];

/** Runs one cycle to its end; never throws (errors are in the summary and the log). */
export async function runCycle(
  rt: CycleRuntime,
  trigger: TriggerKind,
  logger: Logger,
): Promise<CycleSummary> {
  const id = randomUUID().slice(0, 8);
  const startedAt = rt.clock.now();
  const ctx: CycleContext = {
    id,
    log: logger.child({ cycleId: id, trigger }),
    rt,
    state: {
      trigger,
      head: null,
      skipped: false,
      block: null,
      gathered: null,
      plan: null,
      specs: new Map(),
      repaired: new Set(),
      report: null,
      shared: null,
    },
  };
  const end = rt.metrics.cycleDuration.startTimer();
  let error: CycleSummary['error'] = null;
  let statusCommit: string | null = null;
  try {
    for (const [name, step] of CYCLE_STEPS) {
      ctx.log.debug({ step: name }, 'step');
      if ((await step(ctx)) === 'stop') break;
    }
  } catch (caught) {
    error = describe(caught);
    ctx.log.error({ code: error.code, err: caught }, 'cycle step failed');
  }
  if (!ctx.state.skipped) {
    try {
      const recorded = await recordStatus(ctx);
      statusCommit = recorded.commit;
      await keepTrustedRecords(ctx, recorded.changed);
      if (recorded.inGit) await forgetRecordedIntents(ctx, recorded.inGit);
    } catch (caught) {
      error ??= describe(caught);
      ctx.log.error({ code: describe(caught).code, err: caught }, 'status not recorded');
    }
  }
  const result = error ? 'error' : ctx.state.skipped ? 'skipped' : 'success';
  if (result === 'success') await rememberSuccess(ctx);
  end({ result });
  rt.metrics.cycles.inc({ result });
  const summary: CycleSummary = {
    id,
    trigger,
    result,
    startedAt: new Date(startedAt).toISOString(),
    endedAt: new Date(rt.clock.now()).toISOString(),
    head: ctx.state.head,
    planHash: ctx.state.plan?.planHash ?? null,
    statusCommit,
    block: ctx.state.block,
    error,
  };
  rt.memory.lastCycle = summary;
  ctx.log.info(
    { result, planHash: summary.planHash, statusCommit, rssBytes: process.memoryUsage.rss() },
    'cycle ended',
  );
  return summary;
}

async function rememberSuccess(ctx: CycleContext): Promise<void> {
  const { rt, state } = ctx;
  rt.memory.lastGoodCycleAt = rt.clock.now();
  rt.metrics.lastGoodCycle.set(rt.memory.lastGoodCycleAt / 1000);
  if (state.plan) rt.memory.block = state.block;
  if (state.plan && state.block === null && state.head !== null && rt.memory.lastApplied !== state.head) {
    rt.memory.lastApplied = state.head;
    await writeDaemonState(rt.stateDir, { formatVersion: 1, lastApplied: state.head }).catch((e: unknown) =>
      ctx.log.error({ err: e }, 'daemon state not written'),
    );
  }
}

/**
 * Deletes the journal entries whose outcome the status records now in git hold, and those they
 * supersede (src/apply/journal-attempts.ts): the journal guards an attempt only until git knows
 * how it ended. A failure here is logged; the entries are tried again next cycle.
 */
async function forgetRecordedIntents(
  ctx: CycleContext,
  inGit: ReadonlyMap<string, StatusRecord>,
): Promise<void> {
  try {
    const removed = await forgetSettledIntents(ctx.rt.journal, inGit);
    if (removed > 0) ctx.log.debug({ removed }, 'intent journal: recorded entries forgotten');
  } catch (error) {
    ctx.log.warn({ err: error }, 'intent journal entries not forgotten; tried again next cycle');
  }
}

/** The code, message and "what next" class of what ended a cycle (unregistered codes: `retry`). */
function describe(error: unknown): NonNullable<CycleSummary['error']> {
  const classed = (code: string, message: string) => ({ code, message, next: nextStepOf(code) });
  if (error instanceof FleetError) return classed(error.code, error.message);
  const code = error instanceof Error ? (error as unknown as { code?: unknown }).code : undefined;
  if (error instanceof Error && typeof code === 'string') return classed(code, error.message);
  return classed('daemon-cycle-failed', error instanceof Error ? error.message : String(error));
}
