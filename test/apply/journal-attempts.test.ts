/**
 * Issue 11, confirmed failure 1: the intent journal guards ONE attempt against a second post of
 * that attempt, and never stands in for a reinstall that a later commit asks for. Through
 * applyPlan with the fake API (the daemon-level proof is test/daemon/revert-reapply.test.ts), and
 * the pure rules of src/apply/journal-attempts.ts with generated journals, and generated histories
 * of attempts by several writers recorded in git (review finding 1; the process-level proof is
 * test/daemon/revert-across-writers.test.ts).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyPlan } from '../../src/apply/apply-plan.js';
import type { IntentEntry, IntentState } from '../../src/apply/intent-journal.js';
import { settledEntries, unrecordedAttempt } from '../../src/apply/journal-attempts.js';
import { VirtualClock } from '../../src/core/virtual-clock.js';
import type { CanonicalSpec, StatusRecord } from '../../src/records/types.js';
import { FakeOvhApi } from '../support/fake-ovh-api.js';
import { FAST_FOLLOW, FAST_POST, entry, makeDeps, makeSpec, planOf, tempStateDir } from './helpers.js';

const SN = 'ns900.ip-51-75-1.eu';
const opts = { wait: true, follower: FAST_FOLLOW, post: FAST_POST };

/** Digest and spec of version `v` of the server's spec: A = debian12_64, B = ubuntu. */
const VERSIONS = {
  A: { os: 'debian12_64', digest: `sha256:${'a'.repeat(64)}` },
  B: { os: 'ubuntu2404-server_64', digest: `sha256:${'b'.repeat(64)}` },
  A2: { os: 'debian12_64', digest: `sha256:${'c'.repeat(64)}` }, // A with reinstall.generation bumped
} as const;
type Version = keyof typeof VERSIONS;

/** One `ovh-fleet apply --yes --wait` of version `v` on a shared state directory, without status records. */
async function applyVersion(world: { clock: VirtualClock; api: FakeOvhApi; stateDir: string }, v: Version) {
  const { os, digest } = VERSIONS[v];
  const plan = planOf([entry(SN, 'reinstall', 'spec-changed', { digest, to: { operatingSystem: os } })]);
  const deps = await makeDeps(world.api, world.clock, [makeSpec(SN, os)], {}, world.stateDir);
  return world.clock.runUntil(applyPlan(plan, deps, opts), 3_600_000, 1_000);
}

async function world() {
  const clock = new VirtualClock();
  const api = new FakeOvhApi(clock);
  api.addServer(SN);
  return { clock, api, stateDir: await tempStateDir() };
}

describe('the journal guards one attempt, never a later request', () => {
  it('A → B → A posts A again and reports it done by its own task', async () => {
    const w = await world();
    for (const v of ['A', 'B'] as const) await applyVersion(w, v);

    const revert = await applyVersion(w, 'A');

    expect(w.api.posts(SN).map((c) => c.body?.operatingSystem)).toEqual([
      'debian12_64',
      'ubuntu2404-server_64',
      'debian12_64',
    ]);
    expect(revert.outcomes[0]).toMatchObject({ result: 'done', code: 'reinstall-done', posted: true });
    expect(w.api.servers.get(SN)?.os).toBe('debian12_64');
  });

  it('A → B → A → B posts four times, and a generation bump posts once more', async () => {
    const w = await world();
    for (const v of ['A', 'B', 'A', 'B', 'A2'] as const) await applyVersion(w, v);

    expect(w.api.posts(SN)).toHaveLength(5);
  });

  it('the same attempt is never posted twice: applying A again before git knows it ended stands in', async () => {
    const w = await world();
    const first = await applyVersion(w, 'A');

    const again = await applyVersion(w, 'A');

    expect(w.api.posts(SN)).toHaveLength(1);
    expect(again.outcomes[0]).toMatchObject({
      result: 'done',
      posted: false,
      taskId: first.outcomes[0]?.taskId,
    });
    expect(again.outcomes[0]?.message).toMatch(/already applied by an earlier run/);
  });

  it('once the status record holds the attempt, the journal no longer stands in', async () => {
    const w = await world();
    const first = await applyVersion(w, 'A');
    const taskId = first.outcomes[0]?.taskId ?? null;
    const plan = planOf([
      entry(SN, 'reinstall', 'spec-changed', {
        digest: VERSIONS.A.digest,
        to: { operatingSystem: 'debian12_64' },
      }),
    ]);
    const records = new Map([[SN, recordWith(VERSIONS.A.digest, taskId, 'failed')]]);
    const deps = await makeDeps(w.api, w.clock, [makeSpec(SN)], { records }, w.stateDir);

    await w.clock.runUntil(applyPlan(plan, deps, opts), 3_600_000, 1_000);

    expect(w.api.posts(SN)).toHaveLength(2);
  });
});

function recordWith(
  digest: string,
  taskId: number | null,
  result: 'done' | 'failed' | 'running',
): StatusRecord {
  return {
    serviceName: SN,
    phase: result === 'running' ? 'reinstalling' : result === 'done' ? 'ready' : 'failed',
    reason: 'in-sync',
    message: '',
    since: '2026-01-01T00:00:00.000Z',
    spec: null,
    desiredDigest: digest,
    observedOs: null,
    task: null,
    lastApplied: null,
    lastAttempt: {
      digest,
      result,
      startedAt: '2026-01-01T00:00:00.000Z',
      finishedAt: null,
      taskId,
      message: null,
    },
    attempts: [],
    lastError: null,
  };
}

const STATES: IntentState[] = ['intended', 'posted', 'ambiguous', 'not-posted', 'finished'];
const arbEntry = fc
  .record({
    server: fc.constantFrom('s1', 's2'),
    digest: fc.constantFrom('sha256:a', 'sha256:b'),
    state: fc.constantFrom(...STATES),
    adopted: fc.boolean(),
    at: fc.integer({ min: 0, max: 1000 }),
    result: fc.constantFrom('done' as const, 'failed' as const),
  })
  .map((g): IntentEntry => ({
    formatVersion: 1,
    id: `${g.server}__${g.at}`,
    serviceName: g.server,
    digest: g.digest,
    planHash: 'sha256:p',
    revision: 'r',
    operatingSystem: 'debian12_64',
    createdAtMs: g.at,
    priorTaskIds: [],
    state: g.state,
    taskId: g.state === 'not-posted' || g.state === 'intended' ? null : g.at + 1,
    adopted: g.adopted,
    outcome: g.state === 'finished' ? { result: g.result, code: 'x', message: '', finishedAt: 'now' } : null,
    updatedAtMs: g.at,
  }));
const arbJournal = fc.uniqueArray(arbEntry, { selector: (e) => `${e.serviceName}${e.createdAtMs}` });

describe('journal-attempts rules (generated journals)', () => {
  it('only the newest touching entry can stand in, and only an unrecorded finished attempt of ours', () => {
    fc.assert(
      fc.property(arbJournal, fc.option(fc.integer({ min: 0, max: 1001 })), (entries, recordedTask) => {
        const record = recordedTask === null ? undefined : recordWith('sha256:a', recordedTask, 'done');
        const standing = unrecordedAttempt(entries, 's1', record);
        if (standing === null) return;
        const newer = entries.filter(
          (e) => e.serviceName === 's1' && e.state !== 'not-posted' && e.createdAtMs > standing.createdAtMs,
        );
        expect(newer).toEqual([]);
        expect(standing).toMatchObject({ serviceName: 's1', state: 'finished', adopted: false });
        expect(standing.taskId).not.toBe(recordedTask);
      }),
    );
  });

  it('pruning never removes an open entry nor the attempt that still stands in, and changes no decision', () => {
    fc.assert(
      fc.property(arbJournal, fc.option(fc.integer({ min: 0, max: 1001 })), (entries, recordedTask) => {
        const records = new Map<string, StatusRecord>();
        if (recordedTask !== null) records.set('s1', recordWith('sha256:a', recordedTask, 'done'));
        const settled = new Set(settledEntries(entries, records));
        const kept = entries.filter((e) => !settled.has(e));
        for (const e of settled) expect(['not-posted', 'finished']).toContain(e.state);
        for (const server of ['s1', 's2']) {
          expect(unrecordedAttempt(kept, server, records.get(server))).toBe(
            unrecordedAttempt(entries, server, records.get(server)),
          );
        }
        // A server without a record in git keeps its whole journal.
        expect([...settled].some((e) => !records.has(e.serviceName))).toBe(false);
      }),
    );
  });
});

/** One reinstall of the server by some writer, in the order they ran. */
interface GeneratedAttempt {
  ours: boolean;
  digest: string;
  result: 'done' | 'failed';
  /** Whether its writer recorded it in git. */
  recorded: boolean;
  /** ms from the previous attempt's intent (a reinstall lasts minutes). */
  gapMs: number;
  /** ms from the intent to the task's start at OVHcloud (the POST's transit). */
  postMs: number;
}
const arbAttempt = fc.record({
  ours: fc.boolean(),
  digest: fc.constantFrom('sha256:a', 'sha256:b'),
  result: fc.constantFrom('done' as const, 'failed' as const),
  recorded: fc.boolean(),
  gapMs: fc.integer({ min: 5 * 60_000, max: 48 * 3_600_000 }),
  postMs: fc.integer({ min: 0, max: 30_000 }),
});

/** Our journal and the record in git after `attempts` ran one after the other (task id = index + 1). */
function historyOf(attempts: readonly GeneratedAttempt[]): {
  journal: IntentEntry[];
  record: StatusRecord | undefined;
  recordedIndex: number;
} {
  let at = Date.parse('2026-01-01T00:00:00.000Z');
  const journal: IntentEntry[] = [];
  let record: StatusRecord | undefined;
  let recordedIndex = -1;
  attempts.forEach((a, i) => {
    at += a.gapMs;
    const taskId = i + 1;
    const startedAt = new Date(at + a.postMs).toISOString();
    if (a.ours) {
      journal.push({
        formatVersion: 1,
        id: `s1__${at}`,
        serviceName: 's1',
        digest: a.digest,
        planHash: 'sha256:p',
        revision: 'r',
        operatingSystem: 'debian12_64',
        createdAtMs: at,
        apiTimeMs: at,
        priorTaskIds: [],
        state: 'finished',
        taskId,
        adopted: false,
        outcome: { result: a.result, code: 'x', message: '', finishedAt: startedAt },
        updatedAtMs: at,
      });
    }
    if (!a.recorded) return;
    const previous: StatusRecord = record ?? recordWith(a.digest, taskId, a.result);
    record = {
      ...previous,
      lastAttempt: {
        digest: a.digest,
        result: a.result,
        startedAt,
        finishedAt: startedAt,
        taskId,
        message: null,
      },
      lastApplied:
        a.result === 'done'
          ? {
              digest: a.digest,
              operatingSystem: 'debian12_64',
              planHash: 'sha256:p',
              specCommit: 'c',
              taskId,
              startedAt,
              finishedAt: startedAt,
              result: 'done',
              spec: {} as CanonicalSpec,
            }
          : previous.lastApplied,
    };
    recordedIndex = i;
  });
  return { journal, record, recordedIndex };
}

describe('journal-attempts across writers (generated histories, review finding 1)', () => {
  it('our attempt stands in only while no later attempt of any writer is recorded, and always when ours is the newest unrecorded one', () => {
    fc.assert(
      fc.property(fc.array(arbAttempt, { minLength: 1, maxLength: 8 }), (attempts) => {
        const { journal, record, recordedIndex } = historyOf(attempts);
        const standing = unrecordedAttempt(journal, 's1', record);
        const oursNewest = attempts.map((a) => a.ours).lastIndexOf(true);
        if (standing !== null) {
          const index = (standing.taskId as number) - 1;
          // Never superseded by something git knows ran later, nor recorded itself.
          expect(index).toBeGreaterThan(recordedIndex);
          expect(index).toBe(oursNewest);
        }
        // The guard against a second post of the same attempt still holds.
        if (oursNewest > recordedIndex) expect(standing?.taskId).toBe(oursNewest + 1);
        else expect(standing).toBeNull();
      }),
    );
  });

  it('pruning by the records in git keeps the attempt that stands in', () => {
    fc.assert(
      fc.property(fc.array(arbAttempt, { minLength: 1, maxLength: 8 }), (attempts) => {
        const { journal, record } = historyOf(attempts);
        const records = new Map<string, StatusRecord>(record ? [['s1', record]] : []);
        const settled = new Set(settledEntries(journal, records));
        const kept = journal.filter((e) => !settled.has(e));
        expect(unrecordedAttempt(kept, 's1', record)).toBe(unrecordedAttempt(journal, 's1', record));
      }),
    );
  });
});
