/**
 * Reading the shared record when planning: for every marker (shared-intents.ts) that the status
 * record does not yet account for, look at OVHcloud's task list for the attempt's task.
 * - The task ended `done` and the server runs the marker's OS: the attempt is recorded as
 *   applied (lastApplied = the marker's digest and spec), whoever made it. The plan then sees
 *   the digest applied and never posts it again.
 * - The task failed (or ended on another OS): recorded as a failed attempt of that digest.
 * - The task runs: the plan follows it (the observation shows it).
 * - No task yet, and the marker is younger than SHARED_INTENT_HOLD_MS: another writer is about
 *   to post; the server is held (nothing is posted for it by this writer).
 * - No task and an older marker: the attempt was never posted (its writer died first); it holds
 *   nothing. A writer of this host whose process is gone holds only DEAD_WRITER_GRACE_MS.
 * The result is a corrected map of status records that the pure planner takes as its input.
 */
import { hostname } from 'node:os';
import type { OvhApi } from '../ovh/ovh-api.js';
import type { Observation } from '../plan/types.js';
import { PENDING_TASK_STATUSES, type ServerTask } from '../ovh/types.js';
import type { StatusRecord } from '../records/types.js';
import { DEFAULT_SKEW_MS } from './our-task.js';
import { REINSTALL_FUNCTION, readTask } from './preflight.js';
import {
  isSettled,
  markerLie,
  sameWriter,
  SHARED_INTENT_HOLD_MS,
  SHARED_INTENT_POST_DEADLINE_MS,
  type SharedIntent,
} from './shared-intents.js';

/** What resolving gave. */
export interface ResolvedSharedIntents {
  /** The status records, with the attempts of the markers recorded. */
  applied: Map<string, StatusRecord>;
  /** Servers another writer is about to reinstall: a sentence each. */
  holds: Map<string, string>;
  /** Servers whose record was corrected from a marker. */
  resolved: string[];
  /** Lookups that failed (the server is held: an unknown attempt is never repeated). */
  errors: { serviceName: string; message: string }[];
}

/** Inputs of {@link resolveSharedIntents}. */
export interface ResolveSharedInput {
  intents: readonly SharedIntent[];
  applied: ReadonlyMap<string, StatusRecord>;
  api: OvhApi;
  now: number;
  /** This writer's id: its own markers (same state directory) never hold it; its journal knows them. */
  writer: string;
  holdMs?: number;
  skewMs?: number;
  /** What the plan observed: a server with a running task is followed by the plan, nothing to resolve. */
  observed?: ReadonlyMap<string, Observation>;
  /** The commit that last changed the server's spec file at the marker's revision (git), when known. */
  specCommitOf?: (intent: SharedIntent) => Promise<string | null>;
  /** Whether a marker's writer still runs: true, false, or undefined when unknown (default: writerAlive). */
  isWriterAlive?: (writer: string) => boolean | undefined;
}

/**
 * A dead writer's marker still holds this long, for a POST it sent just before dying to show in
 * the task list (OVHcloud creates the task before it answers; two tasks never run at once on one
 * server, so a POST still in flight after this would meet TaskAlreadyExists, not a second reinstall).
 */
export const DEAD_WRITER_GRACE_MS = 10_000;

/**
 * A writer of this host (`kind@host#pid-token`) runs while its pid does; another host's is
 * unknown. A reused pid reads as alive: the safe side (the marker keeps holding).
 */
export function writerAlive(writer: string): boolean | undefined {
  const match = /^[a-z]+@(.+)#(\d+)-[0-9a-f]+$/.exec(writer);
  if (!match || match[1] !== hostname()) return undefined;
  try {
    process.kill(Number(match[2]), 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** See the module comment. Calls the API only for markers the records do not account for. */
export async function resolveSharedIntents(input: ResolveSharedInput): Promise<ResolvedSharedIntents> {
  const applied = new Map(input.applied);
  const out: ResolvedSharedIntents = { applied, holds: new Map(), resolved: [], errors: [] };
  const holdMs = input.holdMs ?? SHARED_INTENT_HOLD_MS;
  const skewMs = input.skewMs ?? DEFAULT_SKEW_MS;
  for (const intent of input.intents) {
    const name = intent.serviceName;
    const record = applied.get(name);
    if (isSettled(intent, record) || input.observed?.get(name)?.runningTask) continue;
    if (markerLie(intent) !== null) continue; // a marker that lies is never used (parseSharedIntent reports it)
    let task: ServerTask | null;
    let os: string | null = null;
    try {
      task = await findAttemptTask(input.api, intent, record, skewMs);
      if (task?.status === 'done') os = (await input.api.getServer(name, { priority: 'plan' })).os ?? '';
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      out.errors.push({ serviceName: name, message });
      out.holds.set(name, `the task of ${intent.writer}'s attempt could not be looked up: ${message}`);
      continue;
    }
    const age = input.now - Date.parse(intent.recordedAt);
    if (task === null) {
      const dead = (input.isWriterAlive ?? writerAlive)(intent.writer) === false;
      const holding = age < (dead ? Math.min(holdMs, DEAD_WRITER_GRACE_MS) : holdMs);
      if (holding && !sameWriter(intent.writer, input.writer))
        out.holds.set(
          name,
          `${intent.writer} recorded at ${intent.recordedAt} that it reinstalls ${intent.operatingSystem}; its task is not visible yet`,
        );
      continue;
    }
    if (PENDING_TASK_STATUSES.includes(task.status)) {
      if (!sameWriter(intent.writer, input.writer))
        out.holds.set(name, `task ${task.taskId} of ${intent.writer} runs at OVHcloud`);
      continue;
    }
    const specCommit = (await input.specCommitOf?.(intent).catch(() => null)) ?? null;
    applied.set(name, recordAttempt(record, intent, task, os, input.now, specCommit));
    out.resolved.push(name);
  }
  return out;
}

/**
 * When a marker's task may have started: from the marker's time minus the clock allowance, to its
 * writer's post deadline (SHARED_INTENT_POST_DEADLINE_MS) plus the allowance. A writer never posts
 * outside it (post-reinstall.ts checks the deadline before every POST), so a task outside it is
 * someone else's reinstall, never this marker's.
 */
export function markerWindow(intent: SharedIntent, skewMs: number): { from: number; to: number } {
  const at = Date.parse(intent.recordedAt);
  return { from: at - skewMs, to: at + SHARED_INTENT_POST_DEADLINE_MS + skewMs };
}

/**
 * The marker's task: the task the record names for this running attempt, when it does; else the
 * lowest-numbered reinstall task of the server that started in the marker's window, that the
 * record does not name, and that started after every task the record names (an older task's
 * outcome is superseded by the record's: tying a marker to it would roll the record back).
 * Markers are unsigned; these bounds keep a forged one from taking over a reinstall it did not
 * make (docs/security.md).
 */
async function findAttemptTask(
  api: OvhApi,
  intent: SharedIntent,
  record: StatusRecord | undefined,
  skewMs: number,
): Promise<ServerTask | null> {
  const attempt = record?.lastAttempt;
  if (attempt?.digest === intent.digest && attempt.result === 'running' && attempt.taskId !== null) {
    // The writer recorded its task already (apply without --wait): that is the attempt's task.
    const task = await readTask(api, intent.serviceName, attempt.taskId, 'follow');
    if (task !== null) return task;
  }
  // Tasks the record names are its own attempts', not this marker's.
  const named = [record?.lastApplied, attempt].filter((a) => a != null && a.taskId !== null);
  const known = new Set(named.map((a) => a?.taskId));
  const newest = Math.max(
    -Infinity,
    ...named.map((a) => Date.parse(a?.startedAt ?? '')).filter(Number.isFinite),
  );
  const window = markerWindow(intent, skewMs);
  const ids = await api.listTasks(intent.serviceName, { function: REINSTALL_FUNCTION }, { priority: 'plan' });
  for (const id of [...ids].sort((a, b) => a - b)) {
    if (known.has(id)) continue;
    const task = await readTask(api, intent.serviceName, id, 'follow');
    if (task === null) continue;
    const start = Date.parse(task.startDate);
    if (start >= window.from && start <= window.to && start > newest) return task;
  }
  return null;
}

/** The record once the marker's ended task is known (pure). */
export function recordAttempt(
  record: StatusRecord | undefined,
  intent: SharedIntent,
  task: ServerTask,
  observedOs: string | null,
  now: number,
  specCommit: string | null = null,
): StatusRecord {
  const at = new Date(now).toISOString();
  const base: StatusRecord = record ?? {
    serviceName: intent.serviceName,
    phase: 'pending',
    reason: 'spec-changed',
    message: '',
    since: at,
    spec: null,
    desiredDigest: intent.digest,
    observedOs,
    task: null,
    lastApplied: null,
    lastAttempt: null,
    attempts: [],
    lastError: null,
  };
  const finishedAt = task.doneDate ?? task.lastUpdate ?? at;
  const done = task.status === 'done' && observedOs === intent.operatingSystem;
  const message = done
    ? null
    : task.status === 'done'
      ? `task ${task.taskId} ended done but OVHcloud shows ${observedOs || 'no OS'}, not ${intent.operatingSystem}`
      : `task ${task.taskId} ended ${task.status}${task.comment ? `: ${task.comment}` : ''}`;
  const attempts = base.attempts.includes(task.startDate)
    ? base.attempts
    : [...base.attempts, task.startDate].sort();
  return {
    ...base,
    task: null,
    attempts,
    lastAttempt: {
      digest: intent.digest,
      result: done ? 'done' : 'failed',
      startedAt: task.startDate,
      finishedAt,
      taskId: task.taskId,
      message,
    },
    lastApplied: done
      ? {
          digest: intent.digest,
          operatingSystem: intent.operatingSystem,
          planHash: intent.planHash,
          // The commit that last changed the spec file (else the plan's revision).
          specCommit:
            specCommit ??
            (base.spec !== null && base.desiredDigest === intent.digest ? base.spec.commit : intent.revision),
          taskId: task.taskId,
          startedAt: task.startDate,
          finishedAt,
          result: 'done',
          spec: intent.spec,
        }
      : base.lastApplied,
    lastError: done ? null : { code: 'reinstall-failed', message: message as string, at: finishedAt },
  };
}
