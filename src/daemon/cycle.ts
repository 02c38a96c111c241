/**
 * One reconcile cycle, a typed pipeline: fetch → load → observe → validate → plan → apply →
 * record (load checks the schemas; validate, after observe, checks the API's facts). Each step
 * is a named function with narrow inputs that returns its own result (Fetched/Verified,
 * CycleLoaded, Observed, Validated, Planned, Applied, StatusBuilt/Recorded); the steps read
 * long-lived services from CycleDeps and never write the daemon's memory. Only the record step
 * writes status records. At the end, `remember` (remember.ts) turns the results into the memory
 * of the next cycle. A step that throws ends the cycle as an error; status is still recorded when
 * a plan was made (the commit in progress is always finished). A fetch that finds only status/
 * changes (webhook, watcher) ends the cycle as `skipped`.
 */
import { randomUUID } from 'node:crypto';
import { forgetSettledIntents } from '../apply/journal-attempts.js';
import { nextStepOf } from '../core/codes/registry.js';
import { FleetError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { OvhApiError } from '../ovh/errors.js';
import { observeLoaded } from '../pipeline/observe.js';
import { planInputOf } from '../pipeline/plan-input.js';
import { validateObserved } from '../pipeline/validate.js';
import type { StatusRecord } from '../records/types.js';
import type { Plan } from '../plan/types.js';
import { writeDaemonState } from './daemon-state.js';
import { buildStatus, commitBuiltStatus, type Recorded } from './record-status.js';
import { notifyCycleOf } from './notify-cycle.js';
import { blockOf, remember, type CycleResults } from './remember.js';
import { writeRestored } from './restored-records.js';
import { apiNextStep } from './retry-schedule.js';
import { fetchRepository, verifyHistory } from './steps-git.js';
import { settleSweepFound } from './sweep-found.js';
import { loadRecordsAndFleet } from './steps-load.js';
import { applyChanges, planChanges } from './steps-plan.js';
import { keepTrustedRecords } from './trusted-records.js';
import type { CycleDeps, CycleSummary, DaemonMemory, TriggerKind } from './types.js';

/** The steps of a cycle, in order (their names in the debug log). */
export const CYCLE_STEPS = [
  'fetch',
  'verify',
  'load',
  'observe',
  'validate',
  'plan',
  'apply',
  'record',
] as const;

/** A cycle's summary and the memory it leaves for the next one. */
export interface CycleEnd {
  summary: CycleSummary;
  memory: DaemonMemory;
  /** The cycle's plan; null when the cycle stopped before planning. */
  plan: Plan | null;
}

/** The results of the steps before record, filled as they run. */
type StepResults = Omit<CycleResults, 'built' | 'kept' | 'summary' | 'endedAt'>;

/** Runs one cycle to its end; never throws (errors are in the summary and the log). */
export async function runCycle(
  deps: CycleDeps,
  memory: DaemonMemory,
  trigger: TriggerKind,
  logger: Logger,
): Promise<CycleEnd> {
  const id = randomUUID().slice(0, 8);
  const log = logger.child({ cycleId: id, trigger });
  const startedAt = deps.clock.now();
  const end = deps.metrics.cycleDuration.startTimer();
  const results: StepResults = { fetched: null, verified: null, loaded: null, planned: null, applied: null };
  let error: CycleSummary['error'] = null;
  try {
    await runSteps(deps, memory, trigger, results, log);
  } catch (caught) {
    error = describe(caught);
    log.error({ code: error.code, err: caught }, 'cycle step failed');
  }
  const skipped = results.fetched?.outcome === 'skipped';
  let built: CycleResults['built'] = null;
  let recorded: Recorded | null = null;
  let kept: CycleResults['kept'] = null;
  if (!skipped) {
    try {
      log.debug({ step: 'record' }, 'step');
      if (results.loaded) await writeRestored(deps.root, results.loaded.restored, log);
      const { planned } = results;
      if (planned && results.fetched) {
        const input = {
          head: results.fetched.head,
          planned,
          outcomes: results.applied?.report?.outcomes ?? [],
          block: blockOf(results),
          repaired: results.loaded?.restored.repaired ?? new Set<string>(),
          previous: memory.records,
        };
        built = await buildStatus(deps, input, log);
        recorded = await commitBuiltStatus(
          deps,
          { built, block: input.block, planHash: planned.plan.planHash },
          log,
        );
        kept = await keepTrustedRecords(deps, {
          kept: memory.trustedRecords,
          block: input.block,
          records: built.records,
          written: recorded.changed,
        });
        await forgetRecordedIntents(deps, recorded.inGit, log);
      }
    } catch (caught) {
      error ??= describe(caught);
      log.error({ code: describe(caught).code, err: caught }, 'status not recorded');
    }
  }
  const result = error ? 'error' : skipped ? 'skipped' : 'success';
  const endedAt = deps.clock.now();
  const summary: CycleSummary = {
    id,
    trigger,
    result,
    startedAt: new Date(startedAt).toISOString(),
    endedAt: new Date(endedAt).toISOString(),
    head: results.fetched?.head ?? null,
    planHash: results.planned?.plan.planHash ?? null,
    statusCommit: recorded?.commit ?? null,
    block: blockOf(results),
    error,
  };
  const next = remember(memory, { ...results, built, kept, summary, endedAt });
  // Events of what git now holds, for the notifier's outbox (src/notify); returns at once.
  if (recorded && results.planned && results.fetched?.head)
    deps.notify?.(notifyCycleOf(recorded, results.planned, results.loaded, results.fetched.head, endedAt));
  if (result === 'success') {
    deps.metrics.lastGoodCycle.set(endedAt / 1000);
    if (next.lastApplied !== memory.lastApplied) {
      await writeDaemonState(deps.stateDir, { formatVersion: 1, lastApplied: next.lastApplied }).catch(
        (e: unknown) => log.error({ err: e }, 'daemon state not written'),
      );
    }
  }
  end({ result });
  deps.metrics.cycles.inc({ result });
  log.info(
    {
      result,
      planHash: summary.planHash,
      statusCommit: summary.statusCommit,
      rssBytes: process.memoryUsage.rss(),
    },
    'cycle ended',
  );
  return { summary, memory: next, plan: results.planned?.plan ?? null };
}

/** fetch → load → observe → validate → plan → apply, each result kept in `results` as it comes. */
async function runSteps(
  deps: CycleDeps,
  memory: DaemonMemory,
  trigger: TriggerKind,
  results: StepResults,
  log: Logger,
): Promise<void> {
  const step = (name: (typeof CYCLE_STEPS)[number]): void => log.debug({ step: name }, 'step');
  step('fetch');
  const fetched = await fetchRepository(deps, { trigger, lastHead: memory.lastHead }, log);
  results.fetched = fetched;
  if (fetched.outcome === 'skipped') return;
  const { head } = fetched;
  step('verify');
  const verified = await verifyHistory(
    deps,
    { head, lastApplied: memory.lastApplied, lastVerified: memory.lastVerified },
    log,
  );
  results.verified = verified;
  step('load');
  const loaded = await loadRecordsAndFleet(deps, { head, memory }, log);
  results.loaded = loaded;
  const now = deps.clock.now();
  deps.setRequestsPerMinute?.(loaded.loaded.fleet.policy.api.requestsPerMinute);
  deps.setApiPolicy?.(loaded.loaded.fleet.policy.api);
  deps.setVerifyFleet?.(loaded.loaded.fleet);
  step('observe');
  const oneByOne = new Set(deps.sweepFound);
  const observed = await observeLoaded(loaded.loaded, {
    api: deps.api,
    cache: deps.cache,
    clock: deps.clock,
    ...(oneByOne.size > 0 ? { observeOneByOne: oneByOne } : {}),
  });
  if (deps.sweepFound && oneByOne.size > 0) {
    const { fleet, records } = loaded.loaded;
    const specNames = new Set(fleet.specs.map((s) => s.serviceName));
    const inFleet = (name: string): boolean => specNames.has(name) || records.applied.has(name);
    settleSweepFound(deps.sweepFound, oneByOne, observed.observation.observed, inFleet);
  }
  deps.listingNotes?.note(observed.observation.stats, log, deps.clock.now());
  step('validate');
  const validated = await validateObserved(loaded.loaded, observed, now);
  const gathered = planInputOf(loaded.loaded, observed, validated, { now, revision: head });
  step('plan');
  const planned = await planChanges(deps, { head, gathered, memory }, log);
  results.planned = planned;
  deps.haltNotes?.note(planned.plan.halts ?? [], log);
  step('apply');
  results.applied = await applyChanges(deps, { planned, block: verified.block }, log);
}

/**
 * Deletes the journal entries whose outcome the status records now in git hold, and those they
 * supersede (src/apply/journal-attempts.ts): the journal guards an attempt only until git knows
 * how it ended. A failure here is logged; the entries are tried again next cycle.
 */
async function forgetRecordedIntents(
  deps: Pick<CycleDeps, 'journal'>,
  inGit: ReadonlyMap<string, StatusRecord>,
  log: Logger,
): Promise<void> {
  try {
    const removed = await forgetSettledIntents(deps.journal, inGit);
    if (removed > 0) log.debug({ removed }, 'intent journal: recorded entries forgotten');
  } catch (error) {
    log.warn({ err: error }, 'intent journal entries not forgotten; tried again next cycle');
  }
}

/** The code, message and "what next" class of what ended a cycle (unregistered codes: `retry`). */
function describe(error: unknown): NonNullable<CycleSummary['error']> {
  const classed = (code: string, message: string) => ({ code, message, next: nextStepOf(code) });
  if (error instanceof OvhApiError)
    return { code: error.code, message: error.message, next: apiNextStep(error) };
  if (error instanceof FleetError) return classed(error.code, error.message);
  const code = error instanceof Error ? (error as unknown as { code?: unknown }).code : undefined;
  if (error instanceof Error && typeof code === 'string') return classed(code, error.message);
  return classed('daemon-cycle-failed', error instanceof Error ? error.message : String(error));
}
