/**
 * The verification watch on its own (src/daemon/verify-watch.ts), with a virtual clock, the fake
 * API and a recording transport: one GET of the server when a verification starts, never any other
 * API call (verification never posts); a verdict goes on the board and asks for one cycle; a new
 * watch on the same state directory resumes the saved state (no second GET, the rounds go on).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/core/logger.js';
import { VirtualClock } from '../../src/core/virtual-clock.js';
import { readVerifyFile } from '../../src/daemon/verify-files.js';
import { VerifyWatch } from '../../src/daemon/verify-watch.js';
import type { StatusRecord } from '../../src/records/types.js';
import type { VerifySettings } from '../../src/specs/verify-types.js';
import type { ProbeTransport } from '../../src/verify/index.js';
import { FakeOvhApi } from '../support/fake-ovh-api.js';

const DIGEST = `sha256:${'a'.repeat(64)}`;
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function settings(over: Partial<VerifySettings> = {}): VerifySettings {
  return {
    probes: [{ name: 'port', type: 'tcp', port: 22 }],
    initialDelayMs: 0,
    intervalMs: 1_000,
    timeoutMs: 500,
    successes: 2,
    failureLimit: 3,
    deadlineMs: 60_000,
    ...over,
  };
}

/** A record whose verification of DIGEST runs since `startedAt`. */
function running(name: string, startedAt: number): StatusRecord {
  return {
    serviceName: name,
    phase: 'verifying',
    reason: 'in-sync',
    message: '',
    since: new Date(startedAt).toISOString(),
    spec: null,
    desiredDigest: DIGEST,
    observedOs: null,
    task: null,
    lastApplied: null,
    lastAttempt: null,
    attempts: [],
    lastError: null,
    verification: {
      digest: DIGEST,
      result: 'running',
      startedAt: new Date(startedAt).toISOString(),
      finishedAt: null,
      message: null,
    },
  };
}

/** Answers (true) or refuses (false) each connection, in order; the last answer repeats. */
function transport(answers: boolean[]): ProbeTransport & { hosts: string[] } {
  const hosts: string[] = [];
  return {
    hosts,
    connect(request) {
      hosts.push(request.host);
      const up = answers.length > 1 ? answers.shift()! : answers[0]!;
      if (up) return Promise.resolve(new PassThrough());
      return Promise.reject(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }));
    },
  };
}

function world(answers: boolean[], over: Partial<VerifySettings> = {}, clock = new VirtualClock()) {
  const stateDir = mkdtempSync(join(tmpdir(), 'ovh-fleet-verify-watch-'));
  dirs.push(stateDir);
  const api = new FakeOvhApi(clock);
  api.addServer('ns1.eu');
  const ended: string[] = [];
  const make = (stateDir_: string, t: ProbeTransport) =>
    new VerifyWatch({
      api,
      clock,
      log: createLogger({ level: 'silent' }),
      stateDir: stateDir_,
      probes: {
        targets: { simulator: true, mapTarget: () => ({ host: '127.1.0.1', port: 40022 }) },
        transport: t,
        commands: undefined,
        clock,
      },
      settingsFor: () => ({ settings: settings(over) }),
      onVerdict: (name) => ended.push(name),
    });
  const t = transport(answers);
  return { clock, api, stateDir, ended, t, watch: make(stateDir, t), make };
}

/**
 * Advances the virtual clock in small steps, letting real I/O (the state files are written with
 * fsync) finish between them, until `check` holds.
 */
async function until(
  clock: VirtualClock,
  check: () => boolean | Promise<boolean>,
  limitMs = 120_000,
): Promise<void> {
  for (let spent = 0; !(await check()); spent += 100) {
    if (spent > limitMs) throw new Error('not reached within the virtual time limit');
    await clock.advance(100);
    await new Promise((r) => setTimeout(r, 2));
  }
}

const roundsSaved = async (stateDir: string): Promise<number> =>
  (await readVerifyFile(stateDir, 'ns1.eu', DIGEST)).state?.rounds.total ?? 0;

describe('the verification watch', () => {
  it('reads the server once, runs rounds when due, and puts the verdict on the board', async () => {
    const w = world([true]);
    w.watch.update([running('ns1.eu', w.clock.now())]);

    await until(w.clock, () => w.ended.length > 0);

    expect(w.ended).toEqual(['ns1.eu']);
    expect(w.watch.verdicts.get('ns1.eu')).toMatchObject({ digest: DIGEST, result: 'healthy' });
    expect(w.api.calls.map((c) => `${c.method} ${c.priority}`)).toEqual(['getServer follow']);
    expect(w.t.hosts.every((h) => h === '127.1.0.1')).toBe(true);
    // Recorded (the record no longer runs): the board forgets it and the state file goes.
    w.watch.update([{ ...running('ns1.eu', 0), verification: null }]);
    await w.watch.stop();
    expect(w.watch.verdicts.size).toBe(0);
    expect((await readVerifyFile(w.stateDir, 'ns1.eu', DIGEST)).state).toBeNull();
  });

  it('resumes from the saved state after a restart: no second GET, the rounds go on', async () => {
    const w = world([false], { failureLimit: 100 });
    w.watch.update([running('ns1.eu', w.clock.now())]);
    await until(w.clock, async () => (await roundsSaved(w.stateDir)) >= 3);
    await w.watch.stop();
    const saved = (await readVerifyFile(w.stateDir, 'ns1.eu', DIGEST)).state!;

    const again = w.make(w.stateDir, transport([false]));
    again.update([running('ns1.eu', Date.parse(saved.endedAt))]);
    await until(w.clock, async () => (await roundsSaved(w.stateDir)) >= saved.rounds.total + 2);
    await again.stop();

    const resumed = (await readVerifyFile(w.stateDir, 'ns1.eu', DIGEST)).state!;
    // The streak goes on from the saved rounds: nothing started over.
    expect(resumed.failStreak).toBe(resumed.rounds.total);
    expect(resumed.rounds.total).toBeGreaterThan(saved.rounds.total);
    expect(resumed.endedAt).toBe(saved.endedAt);
    expect(w.api.calls.map((c) => c.method)).toEqual(['getServer']);
  });

  it('never calls the API beyond the one GET, whatever the probes answer (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.boolean(), { minLength: 1, maxLength: 8 }), async (answers) => {
        const w = world(answers, { successes: 2, failureLimit: 2, deadlineMs: 10_000 });
        w.watch.update([running('ns1.eu', w.clock.now())]);
        await until(w.clock, () => w.ended.length > 0, 20_000);
        await w.watch.stop();

        expect(w.ended).toEqual(['ns1.eu']);
        expect(w.api.calls.map((c) => c.method)).toEqual(['getServer']);
      }),
      { numRuns: 15 },
    );
  });
});
