/**
 * The shared record of intent with real parts: a bare origin and two clones (two writers with
 * their own state), the real adapter over HTTPS against the simulator, applyPlan. And the
 * never-twice rule of the resolution as a property over generated attempts.
 */
import fc from 'fast-check';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyPlan } from '../../src/apply/apply-plan.js';
import { recordAttempt, resolveSharedIntents } from '../../src/apply/resolve-shared-intents.js';
import {
  isSettled,
  parseSharedIntent,
  SHARED_INTENT_POST_DEADLINE_MS,
  type SharedIntent,
} from '../../src/apply/shared-intents.js';
import { systemClock } from '../../src/core/clock.js';
import { GitIntentClaimer, readSharedIntents } from '../../src/git/intent-record.js';
import type { SimpleGitRepo } from '../../src/git/simple-git-repo.js';
import type { OvhApi } from '../../src/ovh/ovh-api.js';
import type { ServerTask, TaskStatus } from '../../src/ovh/types.js';
import { decideServer } from '../../src/plan/decide.js';
import { canonicalizeSpec, specDigest } from '../../src/plan/digest.js';
import { startSimulator, type RunningSimulator } from '../../src/sim/index.js';
import { DEFAULT_POLICY } from '../../src/specs/types.js';
import type { StatusRecord } from '../../src/records/types.js';
import { makeTemplate, makeWorld, type World } from '../git/helpers.js';
import { entry, makeDeps, makeSpec, planOf } from './helpers.js';
import { simApi } from '../support/sim-api.js';

let sim: RunningSimulator;
let api: OvhApi;
let template: { template: string; cleanup: () => void };

beforeAll(async () => {
  // speed 1: a reinstall takes minutes, so the winner's task still runs when the loser plans again.
  sim = await startSimulator({ servers: 6, seed: 11, speed: 1 });
  api = simApi(sim);
  template = makeTemplate();
});

afterAll(async () => {
  await sim?.close();
  template?.cleanup();
});

const BOT = { name: 'ovh-fleet', email: 'ovh-fleet@example.com' };
const LINUX = /^(debian12_64|alma9_64|ubuntu2404-server_64|rocky9_64)$/;

function acceptedPosts(name: string): number {
  return sim.control
    .requests()
    .filter((r) => r.method === 'POST' && r.path.endsWith(`/${name}/reinstall`) && r.status < 300).length;
}

function writer(w: World, name: string): SimpleGitRepo {
  return w.repo({ dir: join(w.root, name, 'repo') });
}

describe('a shared intent that loses the race', () => {
  it('posts nothing; planning again from the moved branch holds the server the winner is reinstalling', async () => {
    const w = makeWorld(template.template);
    const target = sim.control
      .account()
      .find(
        (s) =>
          s.server.state === 'ok' &&
          s.compatibleTemplates.ovh.some((t) => LINUX.test(t) && t !== s.server.os),
      )!;
    const os = target.compatibleTemplates.ovh.find((t) => LINUX.test(t) && t !== target.server.os)!;
    const spec = makeSpec(target.server.name, os);
    const plan = planOf([
      entry(target.server.name, 'reinstall', 'spec-changed', {
        digest: specDigest(spec),
        to: { operatingSystem: os },
      }),
    ]);
    const a = writer(w, 'a');
    const b = writer(w, 'b');
    const baseA = await a.ensureClone();
    const baseB = await b.ensureClone();
    expect(baseB).toBe(baseA); // both planned from the same revision

    const deps = async (git: SimpleGitRepo, base: string, id: string, holds = new Map<string, string>()) =>
      makeDeps(api, systemClock, [spec], {
        shared: { claimer: new GitIntentClaimer(git, base, BOT), writer: id, holds },
      });
    const won = await applyPlan(plan, await deps(a, baseA, 'writer-a'), { wait: false });
    expect(won.outcomes.map((o) => o.code)).toEqual(['reinstall-started']);
    expect(acceptedPosts(target.server.name)).toBe(1);

    const lost = await applyPlan(plan, await deps(b, baseB, 'writer-b'), { wait: false });
    expect(lost.outcomes.map((o) => [o.result, o.code, o.posted])).toEqual([
      ['not-started', 'intent-race-lost', false],
    ]);
    expect(acceptedPosts(target.server.name)).toBe(1);

    // Plan again: fetch, read the shared record at the new revision.
    await b.sync();
    const base = (await b.statusHead())!;
    const { intents } = await readSharedIntents(b, base);
    expect(intents.map((i) => [i.serviceName, i.writer, i.digest])).toEqual([
      [target.server.name, 'writer-a', specDigest(spec)],
    ]);
    const shared = await resolveSharedIntents({
      intents,
      applied: new Map(),
      api,
      now: Date.now(),
      writer: 'writer-b',
    });
    expect([...shared.holds.keys()]).toEqual([target.server.name]);
    const again = await applyPlan(plan, await deps(b, base, 'writer-b', shared.holds), { wait: false });
    expect(again.outcomes.map((o) => o.code)).toEqual(['intent-pending-elsewhere']);
    expect(acceptedPosts(target.server.name)).toBe(1);
  });
});

describe('the post deadline of a shared intent', () => {
  it('holds at every POST, not only right after the claim: a start slowed past it posts nothing', async () => {
    const w = makeWorld(template.template);
    const target = sim.control
      .account()
      .find(
        (s) =>
          s.server.state === 'ok' &&
          acceptedPosts(s.server.name) === 0 &&
          s.compatibleTemplates.ovh.some((t) => LINUX.test(t) && t !== s.server.os),
      )!;
    const os = target.compatibleTemplates.ovh.find((t) => LINUX.test(t) && t !== target.server.os)!;
    const spec = makeSpec(target.server.name, os);
    const plan = planOf([
      entry(target.server.name, 'reinstall', 'spec-changed', {
        digest: specDigest(spec),
        to: { operatingSystem: os },
      }),
    ]);
    const git = writer(w, 'a');
    const base = await git.ensureClone();
    // The preflight takes longer than the deadline (a long Retry-After, a stalled connection).
    let offset = 0;
    const clock = { now: () => Date.now() + offset, sleep: systemClock.sleep };
    const slowApi = new Proxy(api, {
      get(target_, key, receiver) {
        const value = Reflect.get(target_, key, receiver) as unknown;
        if (key !== 'getApiTime' || typeof value !== 'function') return value;
        return async (...args: unknown[]) => {
          offset += SHARED_INTENT_POST_DEADLINE_MS + 60_000;
          return (value as (...a: unknown[]) => Promise<number>).apply(target_, args);
        };
      },
    });
    const deps = await makeDeps(slowApi, clock, [spec], {
      shared: { claimer: new GitIntentClaimer(git, base, BOT), writer: 'writer-a', holds: new Map() },
    });
    const report = await applyPlan(plan, deps, { wait: false });
    expect(report.outcomes.map((o) => [o.code, o.posted])).toEqual([['intent-race-lost', false]]);
    expect(acceptedPosts(target.server.name)).toBe(0);
  });
});

describe('the compare-and-swap of a claim', () => {
  it('is made again on the moved branch when no marker changed there (a human note, a status record)', async () => {
    const w = makeWorld(template.template);
    const a = writer(w, 'a');
    const base = await a.ensureClone();
    w.humanCommit('notes/human.txt', 'note\n', 'human note');
    const marker = new Map([['status/intents/ns1.example.net.json', '{}\n']]);
    const result = await a.commitIntents({ base, files: marker, message: 'intent\n', author: BOT });
    expect(result).toBe('pushed');
    expect(w.o(['show', 'main:notes/human.txt'])).toBe('note');
    expect(w.o(['show', 'main:status/intents/ns1.example.net.json'])).toBe('{}');
  });

  it('is refused when a marker changed since the plan read the branch', async () => {
    const w = makeWorld(template.template);
    const a = writer(w, 'a');
    const base = await a.ensureClone();
    w.humanCommit('status/intents/ns2.example.net.json', '{}\n', 'another writer claims ns2');
    const marker = new Map([['status/intents/ns1.example.net.json', '{}\n']]);
    expect(await a.commitIntents({ base, files: marker, message: 'intent\n', author: BOT })).toBe('raced');
    expect(() => w.o(['show', 'main:status/intents/ns1.example.net.json'])).toThrow();
  });
});

describe('resolving a marker', () => {
  const spec = makeSpec('ns9.example.net', 'debian12_64');
  const intentAt = (recordedAt: string): SharedIntent => ({
    formatVersion: 1,
    serviceName: spec.serviceName,
    attemptId: 'a1',
    writer: 'apply@laptop#1-abc',
    digest: specDigest(spec),
    operatingSystem: spec.operatingSystem,
    planHash: 'sha256:plan',
    revision: 'abc123',
    recordedAt,
    spec: canonicalizeSpec(spec),
  });

  it('never lets the plan post again an attempt that ended (property)', () => {
    const ended: TaskStatus[] = ['done', 'cancelled', 'customerError', 'ovhError'];
    fc.assert(
      fc.property(
        fc.constantFrom(...ended),
        fc.constantFrom('debian12_64', 'alma9_64', ''),
        fc.constantFrom<'report' | 'reinstall'>('report', 'reinstall'),
        fc.integer({ min: 0, max: 3_600_000 }),
        fc.integer({ min: 1_000, max: 3_600_000 }),
        fc.boolean(),
        (status, os, drift, startOffset, duration, hadRecord) => {
          const t0 = Date.parse('2026-12-01T00:00:00.000Z');
          const intent = intentAt(new Date(t0).toISOString());
          const task: ServerTask = {
            taskId: 77,
            function: 'reinstallServer',
            status,
            comment: null,
            startDate: new Date(t0 + startOffset).toISOString(),
            doneDate: new Date(t0 + startOffset + duration).toISOString(),
            lastUpdate: null,
          };
          const previous: StatusRecord | undefined = hadRecord
            ? recordAttempt(
                undefined,
                { ...intent, digest: `sha256:${'1'.repeat(64)}` },
                { ...task, taskId: 5, status: 'done' },
                os,
                t0,
              )
            : undefined;
          const record = recordAttempt(previous, intent, task, os, t0 + startOffset + duration);
          // Once resolved, the marker is settled: it is never looked up again.
          expect(isSettled(intent, record)).toBe(true);
          const decided = decideServer(spec, {
            observation: { presence: 'present', os, runningTask: null },
            record,
            policy: { ...DEFAULT_POLICY, drift },
            catalog: new Set(['debian12_64', 'alma9_64']),
          });
          expect(decided.action).not.toBe('reinstall');
        },
      ),
    );
  });

  it('rejects a marker whose name and content disagree, or whose fields are wrong', () => {
    const text = JSON.stringify(intentAt('2026-12-01T00:00:00.000Z'));
    expect('intent' in parseSharedIntent(text, 'status/intents/ns9.example.net.json')).toBe(true);
    expect(parseSharedIntent(text, 'status/intents/other.json')).toMatchObject({
      problem: { message: expect.stringContaining('does not match the file name') as unknown },
    });
    expect(parseSharedIntent('{"formatVersion":1}', 'status/intents/x.json')).toHaveProperty('problem');
    expect(parseSharedIntent('['.repeat(100_000), 'status/intents/x.json')).toHaveProperty('problem');
  });
});
