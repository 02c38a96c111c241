/**
 * The verification watch leaves the filesystem alone when it has nothing to resume or follow
 * (found by a review: `update` listed `<stateDir>/verify/` after every cycle, even on a daemon where
 * no verification ever ran). It still cleans up after the verifications it ran, and a state file
 * left from an earlier reinstall of the same digest (another task's end) is never resumed.
 * Every call of node:fs/promises is counted (the module is wrapped, not replaced).
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../../src/core/logger.js';
import { VirtualClock } from '../../src/core/virtual-clock.js';
import { readVerifyFile } from '../../src/daemon/verify-files.js';
import { VerifyWatch } from '../../src/daemon/verify-watch.js';
import type { StatusRecord } from '../../src/records/types.js';
import { startVerification } from '../../src/verify/index.js';
import type { VerifySettings } from '../../src/specs/verify-types.js';
import { FakeOvhApi } from '../support/fake-ovh-api.js';

const fsCalls: string[] = [];
vi.mock('node:fs/promises', async (importOriginal) => {
  const real = await importOriginal<Record<string, unknown>>();
  const counted: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(real))
    counted[name] =
      typeof value === 'function'
        ? (...args: unknown[]) => {
            fsCalls.push(`${name} ${String(args[0])}`);
            return (value as (...a: unknown[]) => unknown)(...args);
          }
        : value;
  return { ...counted, default: counted };
});

const DIGEST = `sha256:${'b'.repeat(64)}`;
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const SETTINGS: VerifySettings = {
  probes: [{ name: 'port', type: 'tcp', port: 22 }],
  initialDelayMs: 0,
  intervalMs: 1_000,
  timeoutMs: 500,
  successes: 1,
  failureLimit: 3,
  deadlineMs: 60_000,
};

function record(name: string, startedAt: number, result: 'running' | null): StatusRecord {
  return {
    serviceName: name,
    phase: result ? 'verifying' : 'ready',
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
    verification: result
      ? {
          digest: DIGEST,
          result,
          startedAt: new Date(startedAt).toISOString(),
          finishedAt: null,
          message: null,
        }
      : null,
  };
}

function world() {
  const clock = new VirtualClock();
  const stateDir = mkdtempSync(join(tmpdir(), 'ovh-fleet-verify-idle-'));
  dirs.push(stateDir);
  const api = new FakeOvhApi(clock);
  api.addServer('ns1.eu');
  const ended: string[] = [];
  const watch = new VerifyWatch({
    api,
    clock,
    log: createLogger({ level: 'silent' }),
    stateDir,
    probes: {
      targets: { simulator: true, mapTarget: () => ({ host: '127.1.0.1', port: 40022 }) },
      transport: { connect: () => Promise.resolve(new PassThrough()) },
      commands: undefined,
      clock,
    },
    settingsFor: () => ({ settings: SETTINGS }),
    onVerdict: (name) => ended.push(name),
  });
  return { clock, api, stateDir, ended, watch };
}

async function until(clock: VirtualClock, check: () => boolean): Promise<void> {
  for (let spent = 0; !check(); spent += 100) {
    if (spent > 60_000) throw new Error('not reached within the virtual time limit');
    await clock.advance(100);
    await new Promise((r) => setTimeout(r, 2));
  }
}

describe('the verification watch with nothing to verify', () => {
  it('makes no filesystem call, cycle after cycle', async () => {
    const w = world();
    fsCalls.length = 0;
    for (let i = 0; i < 5; i++) w.watch.update([record('ns1.eu', 0, null)]);
    await w.watch.stop();

    expect(fsCalls).toEqual([]);
  });

  it('cleans up after a verification it ran, then goes quiet again', async () => {
    const w = world();
    w.watch.update([record('ns1.eu', w.clock.now(), 'running')]);
    await until(w.clock, () => w.ended.length > 0);
    w.watch.update([record('ns1.eu', 0, null)]); // the verdict is recorded
    await w.watch.stop();
    expect(readdirSync(join(w.stateDir, 'verify'))).toEqual([]);

    fsCalls.length = 0;
    for (let i = 0; i < 5; i++) w.watch.update([record('ns1.eu', 0, null)]);
    await w.watch.stop();
    expect(fsCalls).toEqual([]);
  });

  it('never resumes a state file of another reinstall of the same digest (another task end)', async () => {
    const w = world();
    const stale = startVerification(SETTINGS, { serviceName: 'ns1.eu', ip: '192.0.2.1', reverse: null }, 0);
    const decided = { ...stale, verdict: 'ready' as const, nextAt: null, decidedAt: stale.endedAt };
    mkdirSync(join(w.stateDir, 'verify'));
    writeFileSync(
      join(w.stateDir, 'verify', 'ns1.eu.json'),
      JSON.stringify({ formatVersion: 1, digest: DIGEST, state: decided }),
    );
    const endedAt = w.clock.now() + 86_400_000;
    await w.clock.advance(86_400_000);

    w.watch.update([record('ns1.eu', endedAt, 'running')]);
    await until(w.clock, () => w.ended.length > 0);
    await w.watch.stop();

    expect(w.api.calls.map((c) => c.method)).toEqual(['getServer']);
    const saved = (await readVerifyFile(w.stateDir, 'ns1.eu', DIGEST)).state!;
    expect(Date.parse(saved.endedAt)).toBe(endedAt);
    expect(saved.rounds.total).toBeGreaterThan(0);
  });
});
