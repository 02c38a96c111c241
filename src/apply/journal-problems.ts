/**
 * Unreadable journal entries are resolved, not left to block forever. The file name still tells
 * the server, the digest and when the intent was recorded; the question is whether an attempt of
 * that intent may exist that git does not know. OVHcloud's task list and the status record
 * answer it:
 * - no reinstall task of the server started since the intent's time (minus the clock allowance):
 *   nothing of it reached OVHcloud, or it is long gone → resolved;
 * - that task ended, and the status record holds it (or a later attempt) → resolved;
 * - that task still runs, ended without git knowing it, or the task list cannot be read → the
 *   entry keeps blocking its (server, digest), and the message says what to check.
 * A resolved entry is moved aside to `intents/quarantine/` (never deleted) and reported once.
 * A file whose name names no server blocks nothing and is moved aside at once.
 */
import { PENDING_TASK_STATUSES, type ServerTask } from '../ovh/types.js';
import type { StatusRecord } from '../records/types.js';
import type { JournalProblem } from './intent-journal.js';
import type { RunContext } from './run-context.js';

/** What became of the problems of one run. */
export interface ResolvedProblems {
  /** Still blocking their (server, digest); the message says why and what to check. */
  unresolved: JournalProblem[];
  /** Moved aside to `intents/quarantine/`, with their new path. */
  quarantined: { problem: JournalProblem; movedTo: string }[];
}

/** Resolves each problem (see the module comment). Never throws for one problem. */
export async function resolveJournalProblems(
  ctx: RunContext,
  problems: readonly JournalProblem[],
): Promise<ResolvedProblems> {
  const result: ResolvedProblems = { unresolved: [], quarantined: [] };
  for (const problem of problems) {
    const verdict = await judge(ctx, problem);
    if (verdict.resolved) {
      try {
        const movedTo = await ctx.deps.journal.quarantine(problem);
        result.quarantined.push({
          problem: { ...problem, message: `${problem.message}; ${verdict.why}` },
          movedTo,
        });
        continue;
      } catch (error) {
        verdict.why = `could not be moved aside: ${error instanceof Error ? error.message : String(error)}`;
      }
    }
    result.unresolved.push({ ...problem, message: `${problem.message}; ${verdict.why}` });
  }
  return result;
}

async function judge(ctx: RunContext, problem: JournalProblem): Promise<{ resolved: boolean; why: string }> {
  const { serviceName, createdAtMs } = problem;
  if (serviceName === undefined || createdAtMs === undefined) {
    return { resolved: true, why: 'its name names no server' };
  }
  let task: ServerTask | null;
  try {
    task = await ctx.findOurTask({ serviceName, priorTaskIds: [], createdAtMs });
  } catch {
    return { resolved: false, why: 'the task list could not be read to resolve it; tried again next run' };
  }
  const record = ctx.deps.records?.get(serviceName);
  if (task === null && record?.lastAttempt?.result === 'running') {
    // OVHcloud purges finished tasks: "no task" could be a purged one whose end git never saw.
    return {
      resolved: false,
      why: 'the status record shows an attempt in flight that OVHcloud no longer lists; resolved once it is recorded',
    };
  }
  if (task === null) {
    return { resolved: true, why: 'no reinstall task of the server since it was written' };
  }
  if (PENDING_TASK_STATUSES.includes(task.status)) {
    return {
      resolved: false,
      why: `reinstall task ${task.taskId} runs since it was written; resolved once it ends and is recorded`,
    };
  }
  if (recordsTask(record, task)) {
    return { resolved: true, why: `the status record holds task ${task.taskId}` };
  }
  return {
    resolved: false,
    why:
      `reinstall task ${task.taskId} ended (${task.status}) since it was written and the status in git ` +
      'does not record it: check that task in the OVHcloud control panel, then move the file to ' +
      'intents/quarantine/ (docs/apply.md)',
  };
}

/** True when the record holds `task`, or an attempt that started after it. */
function recordsTask(record: StatusRecord | undefined, task: ServerTask): boolean {
  if (!record) return false;
  if (record.lastApplied?.taskId === task.taskId) return true;
  const attempt = record.lastAttempt;
  if (!attempt || attempt.result === 'running') return false;
  if (attempt.taskId === task.taskId) return true;
  const started = Date.parse(task.startDate);
  return !Number.isNaN(started) && Date.parse(attempt.startedAt) > started;
}
