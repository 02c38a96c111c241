/**
 * applyPlan: the only code that posts reinstalls. It reconciles the intent journal with
 * OVHcloud's task lists first (adopt what runs, record what finished), then starts the plan's
 * reinstalls in batch order, each after the limits are re-checked at that moment and a preflight
 * on fresh data; with `wait`, it follows every started or adopted task to its end and starts held
 * reinstalls as limits free. Invalid plan entries block only their own server: the valid ones
 * are applied. A plan whose hash differs from `options.planHash` is refused as a whole.
 */
import { rolloutReasons, type PlanReason } from '../core/codes/plan-codes.js';
import { FleetError } from '../core/errors.js';
import type { Plan, PlanServer } from '../plan/types.js';
import type { TemplateInfo } from '../ovh/types.js';
import type { ApplyOutcome } from '../records/outcomes.js';
import type { ApplyDeps, ApplyOptions, ApplyReport } from './apply-types.js';
import { digestPrefix, isOpenIntent, type IntentEntry, type JournalContents } from './intent-journal.js';
import { unrecordedAttempt } from './journal-attempts.js';
import { resolveJournalProblems } from './journal-problems.js';
import { DEFAULT_SKEW_MS } from './our-task.js';
import { type PostOptions } from './post-reinstall.js';
import { buildReinstallBody } from './reinstall-body.js';
import { RolloutGate } from './rollout-gate.js';
import { IntentUnsettledError, RunContext, type TrackedTask } from './run-context.js';
import { ClaimBatch } from './shared-intents.js';

/** Defaults of the POST's ambiguity handling. */
export const DEFAULT_POST_OPTIONS: PostOptions = {
  maxPostAttempts: 3,
  ambiguityChecks: 3,
  ambiguityDelayMs: 2_000,
  skewMs: DEFAULT_SKEW_MS,
};

/** Deferred reasons a run may overcome by waiting (with `wait`): the limits, not the holds. */
const WAITABLE_DEFERRALS: ReadonlySet<PlanReason> = new Set(rolloutReasons('limit'));

/** Applies `plan`. See the module comment; docs/apply.md describes the rules in prose. */
export async function applyPlan(plan: Plan, deps: ApplyDeps, options: ApplyOptions): Promise<ApplyReport> {
  if (options.planHash !== undefined && options.planHash !== plan.planHash) {
    throw new FleetError(
      'plan-hash-mismatch',
      `the plan computed now (${plan.planHash}) differs from the reviewed one (${options.planHash}); nothing was applied`,
    );
  }
  const read = await deps.journal.read();
  const gate = new RolloutGate(
    deps.policy,
    deps.clock,
    deps.history,
    read.entries,
    deps.historyRewritten ?? false,
  );
  const catalog = await loadCatalog(deps);
  const claims = deps.shared ? new ClaimBatch(deps.shared.claimer) : null;
  const ctx = new RunContext(
    plan,
    deps,
    options,
    gate,
    catalog,
    { ...DEFAULT_POST_OPTIONS, ...options.post },
    claims,
  );

  const problems = await resolveJournalProblems(ctx, read.problems);
  for (const { problem, movedTo } of problems.quarantined)
    deps.onEvent?.({ type: 'journal-problem', problem, quarantinedTo: movedTo });
  for (const problem of problems.unresolved)
    deps.onEvent?.({ type: 'journal-problem', problem, quarantinedTo: null });
  const journal: JournalContents = { entries: read.entries, problems: problems.unresolved };
  const handled = await reconcileJournal(ctx, journal.entries);
  await adoptFollowEntries(ctx, plan, handled);
  await startReinstalls(ctx, plan, journal, handled, options.wait);
  await ctx.settle();
  return {
    planHash: plan.planHash,
    outcomes: ctx.outcomes.sort((a, b) => a.serviceName.localeCompare(b.serviceName)),
    journalProblems: problems.unresolved,
    journalQuarantined: problems.quarantined.map((q) => q.problem),
    circuitOpen: gate.circuitOpen,
    failures: gate.failures,
  };
}

async function loadCatalog(deps: ApplyDeps): Promise<Map<string, TemplateInfo>> {
  const infos = deps.catalog ?? (await deps.api.listTemplateInfos({ priority: 'write' }));
  return new Map(infos.map((t) => [t.templateName, t]));
}

/**
 * Intents left unfinished by an earlier run (crash, Ctrl-C, ambiguous POST): find their task,
 * adopt it if it runs, record it if it ended, or mark the intent not posted when no task came of
 * it. Returns the servers now handled (their plan entries start nothing in this run).
 */
async function reconcileJournal(ctx: RunContext, entries: readonly IntentEntry[]): Promise<Set<string>> {
  const handled = new Set<string>();
  const open = entries.filter(isOpenIntent);
  for (let intent of open) {
    if (intent.taskId === null) {
      let task;
      try {
        task = await ctx.findOurTask(intent);
      } catch (error) {
        handled.add(intent.serviceName); // unreadable or unsettled: never post over an unresolved intent
        ctx.record(
          ctx.notStarted(
            intent.serviceName,
            intent.digest,
            'reinstall-unconfirmed',
            error instanceof IntentUnsettledError
              ? error.message
              : 'the task list could not be read to resolve an earlier intent',
          ),
        );
        continue;
      }
      if (!task) {
        await ctx.deps.journal.update(intent, { state: 'not-posted' });
        continue;
      }
      intent = await ctx.deps.journal.update(intent, { state: 'posted', taskId: task.taskId });
    }
    handled.add(intent.serviceName);
    ctx.track({
      serviceName: intent.serviceName,
      taskId: intent.taskId as number,
      digest: intent.digest,
      expectedOs: intent.operatingSystem,
      intent,
      posted: false,
      adopted: false,
      startedAt: intent.createdAtMs,
    });
  }
  return handled;
}

/** The plan's `follow` entries: tasks that ran when the plan was made. */
async function adoptFollowEntries(ctx: RunContext, plan: Plan, handled: Set<string>): Promise<void> {
  for (const entry of plan.servers) {
    if (entry.action !== 'follow' || entry.serviceName === null || handled.has(entry.serviceName)) continue;
    const serviceName = entry.serviceName;
    handled.add(serviceName);
    ctx.gate.reserve(serviceName, entry.labels);
    let running;
    try {
      running = (await ctx.findRunning(serviceName)).running;
    } catch {
      running = null;
    }
    if (!running) {
      ctx.gate.release(serviceName);
      continue;
    }
    const tracked: TrackedTask = {
      serviceName,
      taskId: running.taskId,
      digest: null,
      expectedOs: null,
      intent: null,
      posted: false,
      adopted: true,
      startedAt: Date.parse(running.startDate) || ctx.deps.clock.now(),
    };
    ctx.track(tracked);
  }
}

async function startReinstalls(
  ctx: RunContext,
  plan: Plan,
  journal: JournalContents,
  handled: ReadonlySet<string>,
  wait: boolean,
): Promise<void> {
  const candidates = plan.servers
    .filter(
      (s) =>
        s.action === 'reinstall' || (wait && s.action === 'deferred' && WAITABLE_DEFERRALS.has(s.reason)),
    )
    .sort(
      (a, b) => (a.batch ?? 0) - (b.batch ?? 0) || (a.serviceName ?? '').localeCompare(b.serviceName ?? ''),
    );
  let circuitReported = false;
  for (const entry of candidates) {
    const serviceName = entry.serviceName as string;
    const digest = entry.digest as string;
    // A task of an earlier run (or a followed one) stands for this server in this run: its outcome is the server's.
    if (handled.has(serviceName)) continue;
    const heldElsewhere = ctx.deps.shared?.holds.get(serviceName);
    if (heldElsewhere !== undefined) {
      ctx.record(ctx.notStarted(serviceName, digest, 'intent-pending-elsewhere', heldElsewhere));
      continue;
    }
    if (ctx.deps.signal?.aborted) {
      ctx.record(
        ctx.notStarted(serviceName, digest, 'follow-interrupted', 'stopped before this reinstall started'),
      );
      continue;
    }
    // The plan must say what a reinstall erases: an entry that does not is never posted.
    if (entry.erases === null) {
      ctx.record(
        ctx.notStarted(
          serviceName,
          digest,
          'erasure-unknown',
          'the plan does not say what this reinstall erases (the hardware was not read): not posted',
        ),
      );
      continue;
    }
    const blocked = journalBlock(ctx, entry, journal);
    if (blocked) {
      ctx.record(blocked);
      continue;
    }
    const spec = ctx.deps.specs.get(serviceName);
    if (!spec) {
      ctx.record(ctx.notStarted(serviceName, digest, 'spec-missing', 'no spec given for this server'));
      continue;
    }
    const built = buildReinstallBody(spec, ctx.deps.env, ctx.deps.secretRule);
    if (!built.ok) {
      ctx.record(ctx.notStarted(serviceName, digest, built.code, built.message));
      continue;
    }
    const candidate = { serviceName, labels: entry.labels };
    let verdict = ctx.gate.check(candidate);
    while (!verdict.ok && verdict.waitable && wait && !ctx.deps.signal?.aborted) {
      await ctx.claimStarted(); // the starts admitted so far go out (one shared-intent commit) before waiting
      await ctx.gate.waitForChange(verdict.notBefore, ctx.deps.signal);
      verdict = ctx.gate.check(candidate);
    }
    if (!verdict.ok) {
      if (verdict.reason === 'circuit-open' && !circuitReported) {
        circuitReported = true;
        ctx.deps.onEvent?.({
          type: 'circuit-open',
          failures: ctx.gate.failures,
          maxFailures: ctx.deps.policy.rollout.maxFailures,
        });
      }
      const when =
        verdict.notBefore === null ? '' : ` (not before ${new Date(verdict.notBefore).toISOString()})`;
      ctx.record(
        ctx.notStarted(serviceName, digest, verdict.reason, `held back at start: ${verdict.reason}${when}`),
      );
      continue;
    }
    ctx.launch(entry, built.body);
  }
  await ctx.claimStarted();
}

/**
 * The journal's word on a (server, digest) pair. It guards ONE attempt against a second post:
 * the server's newest attempt, finished, at this digest, whose outcome git does not hold yet
 * stands for this entry (journal-attempts.ts); a `drift` reinstall of an attempt that ended
 * `done` is not held. An older attempt at the same digest never stands in: a later commit asks
 * for it again (A → B → A). A corrupted entry naming the pair is reported; the operator decides.
 */
function journalBlock(ctx: RunContext, entry: PlanServer, journal: JournalContents): ApplyOutcome | null {
  const serviceName = entry.serviceName as string;
  const digest = entry.digest as string;
  const corrupt = journal.problems.find(
    (p) => p.serviceName === serviceName && p.digestPrefix === digestPrefix(digest),
  );
  if (corrupt) {
    return ctx.notStarted(
      serviceName,
      digest,
      'journal-entry-corrupt',
      `journal entry ${corrupt.file} unreadable: ${corrupt.message}`,
    );
  }
  const earlier = unrecordedAttempt(journal.entries, serviceName, ctx.deps.records?.get(serviceName));
  if (!earlier?.outcome || earlier.digest !== digest) return null;
  if (entry.reason === 'drift' && earlier.outcome.result === 'done') return null;
  return {
    ...ctx.notStarted(
      serviceName,
      digest,
      earlier.outcome.result === 'done' ? 'reinstall-done' : 'reinstall-failed',
      '',
    ),
    result: earlier.outcome.result,
    taskId: earlier.taskId,
    message: `already applied by an earlier run (${earlier.outcome.code}): ${earlier.outcome.message}`,
    startedAt: new Date(earlier.createdAtMs).toISOString(),
    endedAt: earlier.outcome.finishedAt,
  };
}
