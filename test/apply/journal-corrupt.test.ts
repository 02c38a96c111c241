/**
 * Issue 11, "a corrupt journal entry blocks forever": an unreadable intent file is resolved from
 * OVHcloud's task list and the status record. When nothing may be unrecorded (no task since the
 * intent's time, or the record holds that task), it is moved aside to intents/quarantine/ (never
 * deleted), reported once, and blocks nothing; otherwise it keeps blocking its (server, digest)
 * and says what to check.
 */
import { existsSync, readdirSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyPlan } from '../../src/apply/apply-plan.js';
import { intentId } from '../../src/apply/intent-journal.js';
import { VirtualClock } from '../../src/core/virtual-clock.js';
import type { StatusRecord } from '../../src/records/types.js';
import { FakeOvhApi } from '../support/fake-ovh-api.js';
import {
  FAST_FOLLOW,
  FAST_POST,
  digestOf,
  entry,
  makeDeps,
  makeSpec,
  planOf,
  tempStateDir,
} from './helpers.js';
import { DEFAULT_SETTLE_MS, DEFAULT_SKEW_MS } from '../../src/apply/our-task.js';

const SN = 'ns950.ip-51-75-1.eu';
const opts = { wait: true, follower: FAST_FOLLOW, post: FAST_POST };

async function setup() {
  const clock = new VirtualClock();
  const api = new FakeOvhApi(clock);
  api.addServer(SN);
  const stateDir = await tempStateDir();
  const createdAt = clock.now();
  const name = `${intentId(SN, createdAt, digestOf(SN))}.json`;
  // Written longer ago than OVHcloud's task list may lag, clock allowance included (our-task.ts):
  // a list without its task is believed.
  await clock.advance(DEFAULT_SKEW_MS + DEFAULT_SETTLE_MS + 60_000);
  return { clock, api, stateDir, name, createdAt };
}

async function corrupt(stateDir: string, name: string): Promise<void> {
  const { mkdir } = await import('node:fs/promises');
  await mkdir(join(stateDir, 'intents'), { recursive: true });
  await writeFile(join(stateDir, 'intents', name), '{"formatVersion": 1, "id": trunc');
}

function recordHolding(taskId: number): StatusRecord {
  return {
    serviceName: SN,
    phase: 'failed',
    reason: 'last-attempt-failed',
    message: '',
    since: '2026-01-01T00:00:00.000Z',
    spec: null,
    desiredDigest: null,
    observedOs: null,
    task: null,
    lastApplied: null,
    lastAttempt: {
      digest: digestOf(SN),
      result: 'failed',
      startedAt: '2026-01-01T00:00:00.000Z',
      finishedAt: '2026-01-01T00:00:00.000Z',
      taskId,
      message: null,
    },
    attempts: [],
    lastError: null,
  };
}

async function apply(w: Awaited<ReturnType<typeof setup>>, records?: Map<string, StatusRecord>) {
  const deps = await makeDeps(w.api, w.clock, [makeSpec(SN)], records ? { records } : {}, w.stateDir);
  return w.clock.runUntil(applyPlan(planOf([entry(SN)]), deps, opts), 3_600_000, 1_000);
}

describe('a corrupt journal entry', () => {
  it('with no task at OVHcloud since its time: moved aside to quarantine, reported once, blocks nothing', async () => {
    const w = await setup();
    await corrupt(w.stateDir, w.name);

    const first = await apply(w);
    const second = await apply(w);

    expect(w.api.posts(SN)).toHaveLength(1);
    expect(first.journalProblems).toEqual([]);
    expect(first.journalQuarantined.map((p) => p.file)).toEqual([join(w.stateDir, 'intents', w.name)]);
    expect(readdirSync(join(w.stateDir, 'intents', 'quarantine'))).toEqual([w.name]);
    expect(existsSync(join(w.stateDir, 'intents', w.name))).toBe(false);
    expect(second.journalQuarantined).toEqual([]);
    expect(second.outcomes[0]).toMatchObject({ posted: false }); // the new attempt stands (journal-attempts.ts)
  });

  it('with a finished task since its time that the status record holds: moved aside, the reinstall is posted', async () => {
    const w = await setup();
    const taskId = w.api.startForeignTask(SN, 'debian12_64');
    await w.clock.advance(300_000); // ended (120 s), far from purged (retention 1 h)
    await corrupt(w.stateDir, w.name);

    const report = await apply(w, new Map([[SN, recordHolding(taskId)]]));

    expect(report.journalQuarantined).toHaveLength(1);
    expect(w.api.posts(SN)).toHaveLength(1);
  });

  it('with a finished task since its time that git does not know: keeps blocking and names the task', async () => {
    const w = await setup();
    const taskId = w.api.startForeignTask(SN, 'debian12_64');
    await w.clock.advance(300_000); // ended (120 s), far from purged (retention 1 h)
    await corrupt(w.stateDir, w.name);

    const report = await apply(w);

    expect(w.api.posts(SN)).toHaveLength(0);
    expect(report.journalProblems).toHaveLength(1);
    expect(report.outcomes[0]).toMatchObject({ result: 'not-started', code: 'journal-entry-corrupt' });
    expect(report.outcomes[0]?.message).toContain(`task ${taskId}`);
    expect(existsSync(join(w.stateDir, 'intents', w.name))).toBe(true);
  });
});

describe('the corrupt-entry rule (generated cases)', () => {
  it('moves an entry aside and posts only when nothing of it may be unrecorded', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('none' as const, 'running' as const, 'ended' as const),
        fc.boolean(),
        async (task, recordHolds) => {
          const w = await setup();
          let taskId = -1;
          if (task !== 'none') taskId = w.api.startForeignTask(SN, 'debian12_64');
          if (task === 'ended') await w.clock.advance(300_000); // ended (120 s), far from purged (retention 1 h)
          await corrupt(w.stateDir, w.name);

          const report = await apply(w, recordHolds ? new Map([[SN, recordHolding(taskId)]]) : undefined);

          const safe = task === 'none' || (task === 'ended' && recordHolds);
          expect(report.journalQuarantined.length).toBe(safe ? 1 : 0);
          expect(existsSync(join(w.stateDir, 'intents', w.name))).toBe(!safe);
          expect(w.api.posts(SN).length).toBe(safe ? 1 : 0);
        },
      ),
      { numRuns: 12 },
    );
  });
});
