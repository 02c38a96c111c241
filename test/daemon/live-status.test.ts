/**
 * The daemon's live view (/api/status, `status()`) never shows a task going back: once the
 * follower saw a reinstall task `done`, the view keeps it `done` until the cycle that records the
 * end is remembered, instead of showing the record of the cycle that posted it (task `todo`) for
 * the time that cycle takes to commit and push. Real components: the simulator over HTTPS, a bare
 * git origin, the daemon in process; the view is sampled every few milliseconds through a whole
 * reinstall and the rule is checked on every sample (no timing is asserted). The live view's
 * estimate (etaSeconds, expectedEndAt) is in no status commit.
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { StatusRecord } from '../../src/records/types.js';
import type { TaskStatus } from '../../src/ovh/types.js';
import { closeSimulator, spec, World } from './helpers.js';

let world: World | null = null;
afterEach(async () => {
  await world?.close();
  world = null;
});
afterAll(closeSimulator);

/** How far a task status is along: a status never goes back to a lower rank. */
const RANK: Record<string, number> = {
  init: 0,
  todo: 1,
  doing: 2,
  done: 3,
  customerError: 3,
  ovhError: 3,
  cancelled: 3,
} satisfies Record<TaskStatus, number>;

describe('the live view of a reinstall', () => {
  it('never shows a task going back (done, then todo again) while the cycle records its end', async () => {
    world = await World.create({ count: 1 });
    const w = world;
    const [m] = w.managed as [World['managed'][number]];
    await w.start();
    const seen: { id: number; status: string }[] = [];
    const sample = setInterval(() => {
      const t = w.daemon!.status().servers.find((r) => r.serviceName === m.name)?.task;
      if (t && seen.at(-1)?.status !== t.status) seen.push({ id: t.id, status: t.status });
    }, 2);
    try {
      w.pull();
      w.write(m.file, spec(m.name, m.other));
      w.commit(`move ${m.name} to ${m.other}`);
      await w.daemon!.trigger('manual');
      await w.until(
        () => {
          const text = w.originFile(`status/${m.name}.yaml`);
          return text !== null && (parse(text) as StatusRecord).lastApplied?.result === 'done';
        },
        'the reinstall recorded done',
        90_000,
      );
      // The cycle that recorded the end is remembered once trigger() of the next one returns.
      await w.daemon!.trigger('manual');
    } finally {
      clearInterval(sample);
    }

    expect(seen.some((s) => s.status === 'done')).toBe(true);
    // The live view's estimate never reaches git: no status commit of the reinstall carries it.
    const history = w.git(w.origin, ['log', '-p', 'main', '--', 'status/']);
    expect(history).toContain('elapsedSeconds'); // a record with its task was committed
    expect(history).not.toMatch(/etaSeconds|expectedEndAt/);
    for (const [i, s] of seen.entries()) {
      const earlier = seen.slice(0, i).filter((e) => e.id === s.id);
      for (const e of earlier)
        expect(RANK[s.status], JSON.stringify(seen)).toBeGreaterThanOrEqual(RANK[e.status] ?? 0);
    }
  }, 180_000);
});
