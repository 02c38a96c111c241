/**
 * The daemon's timeline of the last cycles (src/daemon/cycle-timeline.ts) on a real in-process
 * daemon (the simulator over HTTPS, a bare git origin): every cycle it ran is in `cycles` of
 * /api/status, oldest first, the last one being `lastCycle`, each with the API requests made
 * while it ran; no cycle is counted for more requests than the simulator received.
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { DaemonStatus } from '../../src/daemon/types.js';
import { closeSimulator, World } from './helpers.js';

let world: World | null = null;
afterEach(async () => {
  await world?.close();
  world = null;
});
afterAll(closeSimulator);

describe('the cycle timeline of a running daemon', () => {
  it('lists its cycles with the API requests each made, on /api/status', async () => {
    world = await World.create({ count: 2 });
    const before = world.sim.control.requests().length;
    const daemon = await world.start();
    await daemon.trigger('manual');
    const received = world.sim.control.requests().length - before;

    const status = (await (
      await fetch(`http://127.0.0.1:${daemon.address!.port}/api/status`)
    ).json()) as DaemonStatus;
    const cycles = status.cycles ?? [];
    expect(cycles.map((c) => c.trigger).slice(0, 1)).toEqual(['start']);
    expect(cycles.length).toBeGreaterThanOrEqual(3);
    expect(cycles.at(-1)?.id).toBe(status.lastCycle?.id);
    expect(cycles[0]!.apiRequests).toBeGreaterThan(0); // the first cycle observes the whole fleet
    const counted = cycles.reduce((sum, c) => sum + c.apiRequests, 0);
    expect(counted).toBeLessThanOrEqual(received);
    expect(cycles.every((c) => c.result === 'success')).toBe(true);
  }, 120_000);
});
