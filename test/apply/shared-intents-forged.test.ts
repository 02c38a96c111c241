/**
 * A marker (status/intents/<sn>.json) is an unsigned file anyone with push access can write. Its
 * attempt may only be tied to a reinstall task that started in the marker's own window (the
 * marker's time minus the clock allowance, to its writer's post deadline plus the allowance),
 * that the status record does not already name, and that started after every task the record
 * names; and a marker whose digest is not its own spec's canonical digest is never used. The
 * reviewer's reproduction (an unsigned marker with digest sha256:fff… tied to an old task) and
 * the rule as a property over generated markers and task lists.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { resolveSharedIntents } from '../../src/apply/resolve-shared-intents.js';
import {
  parseSharedIntent,
  SHARED_INTENT_POST_DEADLINE_MS,
  type SharedIntent,
} from '../../src/apply/shared-intents.js';
import { DEFAULT_SKEW_MS } from '../../src/apply/our-task.js';
import type { OvhApi } from '../../src/ovh/ovh-api.js';
import type { ServerTask, TaskStatus } from '../../src/ovh/types.js';
import { digestOfCanonical } from '../../src/plan/digest.js';
import type { CanonicalSpec, StatusRecord } from '../../src/records/types.js';

const NAME = 'ns1.example.net';
const OS = 'debian12_64';
const T0 = Date.parse('2026-06-01T00:00:00.000Z');
const iso = (ms: number): string => new Date(ms).toISOString();
const specOf = (generation: number): CanonicalSpec => ({
  operatingSystem: OS,
  customizations: {},
  storage: null,
  reinstall: { generation },
});
const APPLIED = specOf(0);
const APPLIED_DIGEST = digestOfCanonical(APPLIED);

/** The task list of one server as OVHcloud answers it (only what resolving reads). */
function taskListApi(tasks: readonly ServerTask[], os = OS): OvhApi {
  const byId = new Map(tasks.map((t) => [t.taskId, t]));
  return {
    listTasks: () => Promise.resolve(tasks.map((t) => t.taskId)),
    getTask: (_name: string, id: number) => Promise.resolve(byId.get(id)!),
    getServer: () => Promise.resolve({ os }),
  } as unknown as OvhApi;
}

function task(taskId: number, startMs: number, status: TaskStatus = 'done'): ServerTask {
  return {
    taskId,
    function: 'reinstallServer',
    status,
    comment: null,
    startDate: iso(startMs),
    doneDate: iso(startMs + 20 * 60_000),
    lastUpdate: null,
  };
}

/** The record the daemon wrote after its reinstall `applied` (task id, start). */
function recordOf(applied: ServerTask): StatusRecord {
  return {
    serviceName: NAME,
    phase: 'ready',
    reason: 'in-sync',
    message: '',
    since: applied.doneDate!,
    spec: null,
    desiredDigest: APPLIED_DIGEST,
    observedOs: OS,
    task: null,
    lastApplied: {
      digest: APPLIED_DIGEST,
      operatingSystem: OS,
      planHash: 'sha256:p',
      specCommit: 'c'.repeat(40),
      taskId: applied.taskId,
      startedAt: applied.startDate,
      finishedAt: applied.doneDate!,
      result: 'done',
      spec: APPLIED,
    },
    lastAttempt: {
      digest: APPLIED_DIGEST,
      result: 'done',
      startedAt: applied.startDate,
      finishedAt: applied.doneDate,
      taskId: applied.taskId,
      message: null,
    },
    attempts: [applied.startDate],
    lastError: null,
  };
}

function marker(recordedAtMs: number, spec: CanonicalSpec, digest = digestOfCanonical(spec)): SharedIntent {
  return {
    formatVersion: 1,
    serviceName: NAME,
    attemptId: 'f00d',
    writer: 'apply@elsewhere#1-aaaaaaaaaaaa',
    digest,
    operatingSystem: spec.operatingSystem,
    planHash: 'p',
    revision: 'r',
    recordedAt: iso(recordedAtMs),
    spec,
  };
}

async function resolve(
  intent: SharedIntent,
  record: StatusRecord,
  tasks: readonly ServerTask[],
  now: number,
) {
  return resolveSharedIntents({
    intents: [intent],
    applied: new Map([[NAME, record]]),
    api: taskListApi(tasks),
    now,
    writer: 'daemon@h#2-bbbbbbbbbbbb',
    isWriterAlive: () => undefined,
  });
}

describe('a forged marker', () => {
  const older = task(1, Date.parse('2025-01-01T00:00:00.000Z'));
  const applied = task(2, T0);
  const record = recordOf(applied);
  const now = Date.parse('2026-12-02T00:00:00.000Z');

  it('with an old time is tied to no earlier reinstall (the reviewer’s reproduction)', async () => {
    const forged = marker(Date.parse('2024-01-01T00:00:00.000Z'), specOf(7));
    const out = await resolve(forged, record, [older, applied], now);
    expect(out.resolved).toEqual([]);
    expect(out.applied.get(NAME)).toEqual(record);
  });

  it('whose digest is not its spec’s digest is refused when read, and never used', async () => {
    const forged = marker(
      older.startDate ? Date.parse(older.startDate) : 0,
      specOf(0),
      `sha256:${'f'.repeat(64)}`,
    );
    const parsed = parseSharedIntent(JSON.stringify(forged), `status/intents/${NAME}.json`);
    expect(parsed).toMatchObject({ problem: { message: expect.stringContaining('digest') as unknown } });
    const fresh = task(3, now - 60_000);
    const out = await resolve(
      { ...forged, recordedAt: iso(now - 120_000) },
      record,
      [older, applied, fresh],
      now,
    );
    expect(out.resolved).toEqual([]);
    expect(out.applied.get(NAME)).toEqual(record);
  });

  it('timed on a task the record already superseded is not tied to it', async () => {
    const forged = marker(Date.parse(older.startDate), specOf(7));
    const out = await resolve(forged, record, [older, applied], now);
    expect(out.resolved).toEqual([]);
    expect(out.applied.get(NAME)).toEqual(record);
  });

  it('is not tied to the task of the record’s own running attempt', async () => {
    const running = task(3, now - 30 * 60_000);
    const followed: StatusRecord = {
      ...record,
      lastAttempt: {
        digest: APPLIED_DIGEST,
        result: 'running',
        startedAt: running.startDate,
        finishedAt: null,
        taskId: 3,
        message: null,
      },
    };
    const forged = marker(now - 31 * 60_000, specOf(7));
    const out = await resolve(forged, followed, [older, applied, running], now);
    expect(out.resolved).toEqual([]);
  });

  it('claimed but never posted is not tied to a later reinstall of someone else', async () => {
    const honest = marker(now - 60 * 60_000, specOf(3));
    const foreign = task(3, now - 60 * 60_000 + SHARED_INTENT_POST_DEADLINE_MS + DEFAULT_SKEW_MS + 60_000);
    const out = await resolve(honest, record, [older, applied, foreign], now);
    expect(out.resolved).toEqual([]);
  });

  it('an honest marker is still tied to its task, within the window', async () => {
    const honest = marker(now - 60 * 60_000, specOf(3));
    const own = task(3, now - 60 * 60_000 + 30_000);
    const out = await resolve(honest, record, [older, applied, own], now);
    expect(out.resolved).toEqual([NAME]);
    expect(out.applied.get(NAME)?.lastApplied).toMatchObject({ digest: honest.digest, taskId: 3 });
  });
});

describe('tying a marker to a task (property)', () => {
  const MIN = 60_000;
  it('only to a task the record does not name, started in the marker’s window after the record’s tasks; never a lying marker', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: -300, max: 300 }), // marker time, minutes from T0
        fc.integer({ min: 0, max: 9 }), // spec generation of the marker
        fc.boolean(), // the digest lies
        fc.array(
          fc.record({
            at: fc.integer({ min: -300, max: 300 }),
            status: fc.constantFrom<TaskStatus>('done', 'done', 'customerError', 'cancelled'),
          }),
          { maxLength: 6 },
        ),
        fc.integer({ min: -300, max: 300 }), // start of the task the record names
        async (markerAt, generation, lies, drawn, appliedAt) => {
          const applied = task(100, T0 + appliedAt * MIN);
          const record = recordOf(applied);
          const tasks = [applied, ...drawn.map((d, i) => task(i + 1, T0 + d.at * MIN, d.status))];
          const spec = specOf(generation);
          const intent = marker(
            T0 + markerAt * MIN,
            spec,
            lies ? `sha256:${'f'.repeat(64)}` : digestOfCanonical(spec),
          );
          const out = await resolve(intent, record, tasks, T0 + 400 * MIN);
          const after = out.applied.get(NAME)!;
          if (!out.resolved.includes(NAME)) {
            expect(after).toEqual(record);
            return;
          }
          expect(lies).toBe(false);
          const tied = tasks.find((t) => t.taskId === after.lastAttempt?.taskId)!;
          const start = Date.parse(tied.startDate);
          expect(tied.taskId).not.toBe(applied.taskId);
          expect(start).toBeGreaterThanOrEqual(T0 + markerAt * MIN - DEFAULT_SKEW_MS);
          expect(start).toBeLessThanOrEqual(
            T0 + markerAt * MIN + SHARED_INTENT_POST_DEADLINE_MS + DEFAULT_SKEW_MS,
          );
          expect(start).toBeGreaterThan(Date.parse(applied.startDate));
          if (after.lastApplied !== record.lastApplied)
            expect(after.lastApplied?.digest).toBe(digestOfCanonical(after.lastApplied!.spec));
        },
      ),
      { numRuns: 300 },
    );
  });
});
