/**
 * The retry schedule in the real daemon (simulator, bare origin, virtual clock, no cron): a
 * transient failure is retried after 15 s of the daemon's clock, well before the next tick of
 * its 2-minute schedule; a wait-for-commit failure arms no retry, and automatic triggers on the
 * same spec head run no cycle until a new commit arrives; /readyz and /metrics show the class.
 */
import { mkdirSync, renameSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../src/core/virtual-clock.js';
import type { RunningDaemon } from '../../src/daemon/daemon.js';
import { closeSimulator, World } from './helpers.js';

let world: World | null = null;
afterEach(async () => {
  await world?.close();
  world = null;
});
afterAll(closeSimulator);

async function get(daemon: RunningDaemon, path: string): Promise<{ status: number; text: string }> {
  const { host, port } = daemon.address!;
  const res = await fetch(`http://${host}:${port}${path}`);
  return { status: res.status, text: await res.text() };
}

function metric(text: string, name: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return line === undefined ? Number.NaN : Number(line.split(' ')[1]);
}

describe('what the daemon does after a failed cycle', () => {
  it('retries a transient failure with backoff, before the next tick of the schedule', async () => {
    world = await World.create({ count: 1 });
    const w = world;
    const clock = new VirtualClock(Date.now());
    const daemon = await w.start({ clock });
    renameSync(w.origin, `${w.origin}.away`);

    const failed = await daemon.trigger('webhook');
    const readyWhileRetrying = await get(daemon, '/readyz');
    const armed = clock.pending;
    renameSync(`${w.origin}.away`, w.origin);
    await clock.advance(15_000);
    await w.until(() => daemon.status().lastCycle?.id !== failed?.id, 'the retry cycle');
    const metrics = (await get(daemon, '/metrics')).text;

    expect(failed).toMatchObject({ result: 'error', error: { code: 'git-command-failed', next: 'retry' } });
    expect(armed).toBe(1);
    expect(readyWhileRetrying.status).toBe(200);
    expect(JSON.parse(readyWhileRetrying.text)).toMatchObject({
      status: 'ready',
      warning: { next: 'retry', code: 'git-command-failed', failures: 1 },
    });
    expect(daemon.status().lastCycle).toMatchObject({ trigger: 'schedule', result: 'success' });
    expect(metric(metrics, 'ovh_fleet_cycle_errors_total{next="retry"}')).toBe(1);
    expect(metric(metrics, 'ovh_fleet_what_next{next="none"}')).toBe(1);
    expect(metric(metrics, 'ovh_fleet_what_next{next="retry"}')).toBe(0);
  }, 60_000);

  it('does not retry a wait-for-commit failure on the same head, and runs again on a new commit', async () => {
    world = await World.create({ count: 1 });
    const w = world;
    mkdirSync(join(w.human, 'fleet-root'));
    w.h(['mv', 'fleet.yaml', 'servers', 'fleet-root/']);
    w.commit('the fleet moves into fleet-root/');
    const clock = new VirtualClock(Date.now());
    const daemon = await w.start({ clock }, { OVH_FLEET_REPOSITORY_PATH: 'fleet-root' });
    const good = daemon.status().lastCycle;
    // repository.path becomes a link inside the repository: every cycle on this head is refused.
    w.pull();
    renameSync(join(w.human, 'fleet-root'), join(w.human, 'fleet-real'));
    symlinkSync('fleet-real', join(w.human, 'fleet-root'));
    w.commit('repository.path through a link');

    const failed = await daemon.trigger('webhook');
    const armed = clock.pending;
    await clock.advance(10 * 120_000);
    const probes = [
      await daemon.trigger('schedule'),
      await daemon.trigger('webhook'),
      await daemon.trigger('watch'),
    ];
    const lastAfterProbes = daemon.status().lastCycle;
    const readyWaiting = await get(daemon, '/readyz');
    const waitingMetrics = (await get(daemon, '/metrics')).text;
    rmSync(join(w.human, 'fleet-root'));
    renameSync(join(w.human, 'fleet-real'), join(w.human, 'fleet-root'));
    w.commit('repository.path is a folder again');
    const fixed = await daemon.trigger('webhook');

    expect(good?.result).toBe('success');
    expect(failed).toMatchObject({
      result: 'error',
      error: { code: 'symlink-refused', next: 'wait-for-commit' },
    });
    expect(armed).toBe(0);
    expect(probes.map((p) => p?.result)).toEqual(['skipped', 'skipped', 'skipped']);
    expect(lastAfterProbes?.id).toBe(failed?.id);
    expect(JSON.parse(readyWaiting.text)).toMatchObject({
      waiting: { next: 'wait-for-commit', code: 'symlink-refused' },
    });
    expect(readyWaiting.status).toBe(503); // 10 intervals without a good cycle
    expect(metric(waitingMetrics, 'ovh_fleet_what_next{next="wait-for-commit"}')).toBe(1);
    expect(metric(waitingMetrics, 'ovh_fleet_cycle_errors_total{next="wait-for-commit"}')).toBe(1);
    expect(fixed).toMatchObject({ result: 'success', trigger: 'webhook' });
    expect((await get(daemon, '/readyz')).status).toBe(200);
  }, 60_000);
});
