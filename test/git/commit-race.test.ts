import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FleetError } from '../../src/core/errors.js';
import { humanPushesBeforeOurPush, makeTemplate, makeWorld, request } from './helpers.js';

let template: string;
let cleanup: () => void;
beforeAll(() => ({ template, cleanup } = makeTemplate()));
afterAll(() => cleanup());

describe('commitStatus when humans push at the same time', () => {
  it('retries after a human push in between: human commit kept, no force-push, our content wins', async () => {
    const w = makeWorld(template);
    const repo = w.repo();
    await repo.ensureClone();
    humanPushesBeforeOurPush(w, 1);
    const oldHead = w.o(['rev-parse', 'main']);

    const result = await repo.commitStatus(request({ 'status/ns1.example.net.yaml': 'state: applied\n' }));

    expect(result).toMatchObject({ outcome: 'pushed', attempts: 2 });
    const newHead = w.o(['rev-parse', 'main']);
    w.o(['merge-base', '--is-ancestor', oldHead, newHead]);
    const human = w.o(['log', '--format=%H', '--grep=human race 1', 'main']);
    expect(human).toMatch(/^[0-9a-f]{40}$/);
    w.o(['merge-base', '--is-ancestor', human, newHead]);
    expect(w.o(['show', 'main:race-1.txt'])).toBe('race 1');
    expect(w.o(['show', 'main:status/ns1.example.net.yaml'])).toBe('state: applied');
    expect(w.o(['rev-list', '--count', `${oldHead}..main`])).toBe('2');
  });

  it('gives up with git-push-rejected after the configured attempts, pushing nothing of its own', async () => {
    const w = makeWorld(template);
    const repo = w.repo({ pushAttempts: 3 });
    await repo.ensureClone();
    humanPushesBeforeOurPush(w, 100);

    const error = await repo.commitStatus(request({ 'status/a.yaml': 'a\n' })).catch((e: unknown) => e);

    expect((error as FleetError).code).toBe('git-push-rejected');
    expect(w.o(['log', '--format=%an', 'main']).split('\n')).not.toContain('ovh-fleet');
  });

  it('backs off with jitter between attempts, on the injected clock', async () => {
    const w = makeWorld(template);
    const sleeps: number[] = [];
    const repo = w.repo({
      pushAttempts: 4,
      backoffBaseMs: 1000,
      random: () => 0.5,
      clock: { now: () => 0, sleep: (ms) => (sleeps.push(ms), Promise.resolve()) },
    });
    await repo.ensureClone();
    humanPushesBeforeOurPush(w, 3);

    const result = await repo.commitStatus(request({ 'status/a.yaml': 'a\n' }));

    expect(result).toMatchObject({ outcome: 'pushed', attempts: 4 });
    expect(sleeps).toEqual([500, 1000, 2000]);
  });

  it('keeps all 20 human commits pushed while status commits are being made', async () => {
    const w = makeWorld(template);
    const repo = w.repo({ pushAttempts: 50 });
    await repo.ensureClone();
    const heads: string[] = [w.o(['rev-parse', 'main'])];
    const humans = (async () => {
      for (let i = 1; i <= 20; i++) {
        w.humanCommit(`notes/n${i}.txt`, `note ${i}\n`, `human note ${i}`);
        heads.push(w.o(['rev-parse', 'main']));
        await new Promise((r) => setImmediate(r));
      }
    })();

    for (let i = 1; i <= 5; i++) {
      await repo.commitStatus(request({ 'status/ns1.example.net.yaml': `cycle: ${i}\n` }));
      heads.push(w.o(['rev-parse', 'main']));
    }
    await humans;

    const subjects = w.o(['log', '--format=%s', 'main']).split('\n');
    for (let i = 1; i <= 20; i++) expect(subjects).toContain(`human note ${i}`);
    expect(subjects.filter((s) => s === 'ovh-fleet: status of 1 server')).toHaveLength(5);
    expect(w.o(['show', 'main:status/ns1.example.net.yaml'])).toBe('cycle: 5');
    const final = w.o(['rev-parse', 'main']);
    for (const head of heads) w.o(['merge-base', '--is-ancestor', head, final]);
  });
});
