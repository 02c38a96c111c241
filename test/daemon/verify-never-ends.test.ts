/**
 * Review finding (review4): a verification whose one `GET /dedicated/server/{sn}` cannot succeed (the server left
 * the account, or the API keeps refusing that call) never ends. The deadline is only enforced by
 * rounds, and no state exists before the GET: the watch logs "verification stopped on an error;
 * the next cycle starts it again" at every cycle, for ever. The record stays `verifying`, the
 * server counts in flight for maxConcurrent for ever, and as a canary its cohort waits for ever.
 * docs/verification.md: "deadline … no verification lasts longer"; the issue asks that
 * verification ends `unhealthy` after its deadline. Fixed (src/daemon/verify-facts.ts): the GET is
 * tried again once per interval, and past the deadline the verification ends `inconclusive` (an
 * operator must look; it pauses only that cohort) and nothing is asked again. A server that can be
 * read again before the deadline is verified as usual. Real VerifyWatch, virtual clock, fake API.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/core/logger.js';
import { VirtualClock } from '../../src/core/virtual-clock.js';
import { VerifyWatch } from '../../src/daemon/verify-watch.js';
import type { StatusRecord } from '../../src/records/types.js';
import { FakeOvhApi } from '../support/fake-ovh-api.js';

const DIGEST = `sha256:${'a'.repeat(64)}`;
const NAME = 'ns1.eu';

function running(startedAt: number): StatusRecord {
  return {
    serviceName: NAME,
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

function watchOf(api: FakeOvhApi, clock: VirtualClock, answers: boolean, ended: string[]): VerifyWatch {
  return new VerifyWatch({
    api,
    clock,
    log: createLogger({ level: 'silent' }),
    stateDir: mkdtempSync(join(tmpdir(), 'verify-never-ends-')),
    probes: {
      targets: { simulator: true, mapTarget: () => ({ host: '127.1.0.1', port: 40022 }) },
      transport: {
        connect: () =>
          answers ? Promise.resolve(new PassThrough()) : Promise.reject(new Error('not reached')),
      },
      commands: undefined,
      clock,
    },
    settingsFor: () => ({
      settings: {
        probes: answers
          ? [{ name: 'port', type: 'tcp', port: 22 }]
          : [{ name: 'ssh', type: 'ssh', port: 22 }],
        initialDelayMs: 0,
        intervalMs: 15_000,
        timeoutMs: 5_000,
        successes: 1,
        failureLimit: 3,
        deadlineMs: 1_800_000,
      },
    }),
    onVerdict: (name) => ended.push(name),
  });
}

describe('a verification whose server cannot be read', () => {
  it('still ends by its deadline: inconclusive, one GET per interval at most, none after', async () => {
    const clock = new VirtualClock();
    const api = new FakeOvhApi(clock); // ns1.eu is not in the account: getServer answers 404
    const ended: string[] = [];
    const watch = watchOf(api, clock, false, ended);
    const taskEnded = clock.now();
    let getsAtVerdict: number | undefined;
    // A cycle every 2 minutes for 2 hours (4 deadlines): each hands the watch the record again.
    for (let minute = 0; minute <= 120; minute += 2) {
      watch.update([running(taskEnded)]);
      for (let i = 0; i < 12; i++) {
        await clock.advance(10_000);
        await new Promise((r) => setTimeout(r, 2));
        if (getsAtVerdict === undefined && ended.length > 0)
          getsAtVerdict = api.calls.filter((c) => c.method === 'getServer').length;
      }
    }
    await watch.stop();

    const gets = api.calls.filter((c) => c.method === 'getServer').length;
    expect(
      { verdicts: [...watch.verdicts.keys()], ended },
      `no verdict 90 minutes past the deadline; ${gets} GET /dedicated/server calls so far`,
    ).toEqual({ verdicts: [NAME], ended: [NAME] });
    const verdict = watch.verdicts.get(NAME)!;
    expect(verdict).toMatchObject({ digest: DIGEST, result: 'inconclusive' });
    expect(verdict.message).toContain("the server's addresses could not be read from the API");
    expect(verdict.message).toContain('an operator must look');
    // Decided at the deadline, not before.
    expect(Date.parse(verdict.finishedAt)).toBeGreaterThanOrEqual(taskEnded + 1_800_000);
    // At most one GET per interval until the deadline (the first at once, the last at it), and
    // not one more once decided, although every cycle handed the record again.
    expect(gets).toBeLessThanOrEqual(1_800_000 / 15_000 + 1);
    expect(gets).toBe(getsAtVerdict);
    expect(api.calls.every((c) => c.method === 'getServer')).toBe(true);
  }, 60_000);

  it('is verified as usual when the server can be read again before the deadline', async () => {
    const clock = new VirtualClock();
    const api = new FakeOvhApi(clock);
    const ended: string[] = [];
    const watch = watchOf(api, clock, true, ended);
    const taskEnded = clock.now();
    watch.update([running(taskEnded)]);
    // Ten minutes of 404 (the server is back in the account after that).
    for (let i = 0; i < 60; i++) {
      await clock.advance(10_000);
      await new Promise((r) => setTimeout(r, 2));
    }
    expect(ended).toEqual([]);
    const getsWhileMissing = api.calls.filter((c) => c.method === 'getServer').length;
    expect(getsWhileMissing).toBeLessThanOrEqual(600_000 / 15_000 + 1);
    api.addServer(NAME);
    for (let i = 0; i < 60 && ended.length === 0; i++) {
      watch.update([running(taskEnded)]);
      await clock.advance(10_000);
      await new Promise((r) => setTimeout(r, 2));
    }
    await watch.stop();

    expect(ended).toEqual([NAME]);
    expect(watch.verdicts.get(NAME)).toMatchObject({ digest: DIGEST, result: 'healthy' });
    expect(api.calls.filter((c) => c.method === 'getServer').length).toBe(getsWhileMissing + 1);
  }, 60_000);
});
