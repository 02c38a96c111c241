/**
 * The plan and apply steps of a cycle. planChanges reads the shared record of intent and makes
 * the plan from what the pipeline's load, observe and validate stages gathered (the same makePlan
 * as `ovh-fleet plan`) → Planned; applyChanges executes it with the intent journal → Applied.
 * Neither writes status nor the daemon's memory (the follower's progress goes to its board).
 */
import { applyPlan } from '../apply/apply-plan.js';
import type { ApplyEvent, ApplyReport } from '../apply/apply-types.js';
import { isOpenIntent } from '../apply/intent-journal.js';
import { historyFromRecords } from '../apply/rollout-history.js';
import type { Logger } from '../core/logger.js';
import { GitIntentClaimer } from '../git/intent-record.js';
import { readSharedRecord } from '../pipeline/shared-record.js';
import type { GatheredPlanInput } from '../pipeline/plan-input.js';
import { canonicalizeSpec, specDigest } from '../plan/digest.js';
import { makePlan } from '../plan/make-plan.js';
import type { Plan } from '../plan/types.js';
import type { ServerSpec } from '../specs/types.js';
import type { CycleBlock } from '../status/build-records.js';
import type { CanonicalSpec } from '../records/types.js';
import type { CycleDeps, CycleSharedIntents, DaemonMemory } from './types.js';

/** The plan step's result: the plan and what the apply and record steps need of its making. */
export interface Planned {
  /** The planner's input as the load, observe and validate stages gathered it. */
  gathered: GatheredPlanInput;
  plan: Plan;
  /** The shared record of intent as this plan read it. */
  shared: CycleSharedIntents;
  /** The plan's specs by server. */
  specs: Map<string, ServerSpec>;
  /**
   * Canonical specs by digest: today's specs and the attempts the last records still follow
   * (older ones are never asked for again, and a restarted daemon starts without any).
   */
  canonical: ReadonlyMap<string, CanonicalSpec>;
}

/** Reads the shared record of intent and makes the plan (the same makePlan as `ovh-fleet plan`). */
export async function planChanges(
  deps: CycleDeps,
  input: { head: string; gathered: GatheredPlanInput; memory: Pick<DaemonMemory, 'canonical' | 'records'> },
  log: Logger,
): Promise<Planned> {
  const { gathered, memory } = input;
  const shared = await readShared(deps, input, log);
  const plan = makePlan({ ...gathered.input, applied: shared.applied });
  const specs = new Map<string, ServerSpec>();
  const canonical = new Map<string, CanonicalSpec>();
  const follows = new Set<string>();
  for (const record of memory.records.values())
    if (record.lastAttempt) follows.add(record.lastAttempt.digest);
  for (const [digest, known] of memory.canonical) if (follows.has(digest)) canonical.set(digest, known);
  for (const spec of gathered.input.specs) {
    specs.set(spec.serviceName, spec);
    const digest = specDigest(spec);
    if (!canonical.has(digest)) canonical.set(digest, memory.canonical.get(digest) ?? canonicalizeSpec(spec));
  }
  const { summary, planHash } = plan;
  log.info({ planHash, summary, apiErrors: gathered.apiErrors }, 'plan made');
  for (const d of gathered.input.diagnostics.filter((x) => x.severity === 'error').slice(0, 50)) {
    log.warn({ code: d.code, file: d.file, line: d.line }, 'spec problem');
  }
  for (const [serviceName, commit] of gathered.recoveredRecords) {
    log.warn(
      { serviceName, code: 'status-record-recovered', commit },
      'status record missing or unreadable: its last valid version in git history stands in',
    );
  }
  return { gathered, plan, shared, specs, canonical };
}

/** The apply step's result. */
export interface Applied {
  /** The executor's report; null when nothing was to be done (or the daemon is stopping). */
  report: ApplyReport | null;
  /** This cycle's intent commit lost a race with another writer: plan again soon. */
  raceLost: boolean;
}

/**
 * Applies the plan without waiting (running tasks are followed between cycles): posts what the
 * limits allow, resolves the journal's open intents, adopts running tasks. A blocked cycle
 * (history rewritten, bad signature) starts nothing new but still follows.
 */
export async function applyChanges(
  deps: CycleDeps,
  input: { planned: Planned; block: CycleBlock | null },
  log: Logger,
): Promise<Applied> {
  const { plan, gathered, shared, specs } = input.planned;
  const nothing: Applied = { report: null, raceLost: false };
  const open = (await deps.journal.read()).entries.some(isOpenIntent);
  if (plan.summary.reinstall === 0 && plan.summary.follow === 0 && !open) return nothing;
  if (deps.stopSignal.aborted) return nothing;
  const report = await applyPlan(
    plan,
    {
      api: deps.api,
      clock: deps.clock,
      journal: deps.journal,
      specs,
      env: deps.env,
      secretRule: deps.secretRule,
      policy: gathered.input.policy,
      history: historyFromRecords(gathered.input.applied, plan),
      records: gathered.input.applied,
      historyRewritten: input.block !== null,
      logger: log,
      onEvent: (event) => onApplyEvent(deps, log, event),
      signal: deps.stopSignal,
      shared: {
        claimer: new GitIntentClaimer(deps.git, shared.base, deps.config.commit, deps.prefix),
        writer: deps.writer,
        holds: shared.holds,
      },
    },
    {
      wait: false,
      ...(deps.durations ? { durations: deps.durations } : {}),
      ...(deps.follower ? { follower: deps.follower } : {}),
      ...(deps.post ? { post: deps.post } : {}),
    },
  );
  return { report, raceLost: report.outcomes.some((o) => o.code === 'intent-race-lost') };
}

/**
 * The shared record of intent at the status revision this cycle read (the CAS base of its intent
 * commit): the attempts of every writer resolved into the records, and the servers to hold.
 */
async function readShared(
  deps: CycleDeps,
  input: { head: string; gathered: GatheredPlanInput },
  log: Logger,
): Promise<CycleSharedIntents> {
  const base = (await deps.git.statusHead()) ?? input.head;
  const { resolved, problems } = await readSharedRecord(
    deps.git,
    { base, prefix: deps.prefix },
    { planInput: input.gathered.input, api: deps.api, clock: deps.clock, writer: deps.writer },
  );
  for (const p of problems)
    log.warn({ file: p.file, code: 'status-record-invalid' }, `shared intent unreadable: ${p.message}`);
  for (const name of resolved.resolved)
    log.info({ serviceName: name }, 'attempt of another writer recorded from the shared record');
  for (const [name, why] of resolved.holds) log.info({ serviceName: name, why }, 'held: another writer');
  return { base, applied: resolved.applied, holds: resolved.holds };
}

function onApplyEvent(deps: Pick<CycleDeps, 'metrics' | 'progress'>, log: Logger, event: ApplyEvent): void {
  const { metrics, progress } = deps;
  switch (event.type) {
    case 'started':
      log.info(
        { serviceName: event.serviceName, taskId: event.taskId, posted: event.posted },
        'reinstall task tracked',
      );
      if (event.posted) metrics.reinstalls.inc({ result: 'started' });
      break;
    case 'progress':
      progress.set(event.progress.serviceName, event.progress);
      break;
    case 'outcome': {
      const o = event.outcome;
      const serverLog = log.child({ serviceName: o.serviceName });
      if (o.result === 'done' || o.result === 'failed') {
        if (o.digest !== null && !o.adopted) metrics.reinstalls.inc({ result: o.result });
        progress.delete(o.serviceName);
      }
      const level = o.result === 'failed' ? 'error' : 'info';
      serverLog[level]({ code: o.code, result: o.result, taskId: o.taskId }, 'apply outcome');
      break;
    }
    case 'circuit-open':
      log.warn({ failures: event.failures, maxFailures: event.maxFailures }, 'circuit breaker open');
      break;
    case 'journal-problem': {
      const fields = {
        code: 'journal-entry-corrupt',
        file: event.problem.file,
        serviceName: event.problem.serviceName,
        reason: event.problem.message,
      };
      if (event.quarantinedTo === null)
        log.error(fields, 'intent journal entry unreadable: blocks its server');
      else
        log.warn({ ...fields, movedTo: event.quarantinedTo }, 'intent journal entry unreadable: moved aside');
      break;
    }
  }
}
