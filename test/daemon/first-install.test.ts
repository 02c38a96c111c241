/**
 * The explicit first install through the real daemon process: two servers whose OS the simulator
 * reports empty (freshly delivered, or after a failed install) and no status record. The daemon
 * records them `os-unknown` and posts nothing, cycle after cycle; a pushed commit that sets one
 * spec's reinstall.generation to 2 gives exactly one reinstall of that server, and nothing for
 * the other (docs/plan.md, "First install over an unclear OS").
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { DaemonProcess } from './daemon-process.js';
import { closeSimulator, spec, World } from './helpers.js';

let world: World | null = null;
let daemon: DaemonProcess | null = null;
afterEach(async () => {
  if (daemon) await daemon.kill('SIGTERM');
  daemon = null;
  await world?.close();
  world = null;
});
afterAll(closeSimulator);

function record(w: World, name: string): { phase?: string; reason?: string } | null {
  const text = w.originFile(`status/${name}.yaml`);
  return text === null ? null : (parse(text) as { phase: string; reason: string });
}

describe('the daemon and servers whose OS OVHcloud does not report', () => {
  it('posts nothing without the request, exactly one reinstall after the generation bump', async () => {
    world = await World.create({ count: 2 });
    const w = world;
    const [target, other] = w.managed as [(typeof w.managed)[0], (typeof w.managed)[0]];
    for (const m of w.managed) w.sim.control.updateServer(m.name, { os: '' });
    daemon = DaemonProcess.start(w, 'schedule: "* * * * * *"\n');
    const d = daemon;

    await w.until(
      () => w.managed.every((m) => record(w, m.name)?.reason === 'os-unknown'),
      'both servers recorded os-unknown',
      30_000,
    );
    const seen = d.cycles;
    await w.until(() => d.cycles >= seen + 3, 'three more cycles', 30_000);

    expect([w.posts(target.name), w.posts(other.name)]).toEqual([0, 0]);

    w.pull();
    w.write(target.file, `${spec(target.name, target.os)}reinstall:\n  generation: 2\n`);
    w.commit(`first install of ${target.name}`);
    await w.until(
      () =>
        record(w, target.name)?.reason === 'in-sync' &&
        w.sim.control.account().find((s) => s.server.name === target.name)?.server.os === target.os,
      'the first install to end in sync',
      60_000,
    );
    const after = d.cycles;
    await w.until(() => d.cycles >= after + 3, 'three more cycles', 30_000);

    expect([w.posts(target.name), w.posts(other.name)]).toEqual([1, 0]);
    expect(record(w, other.name)?.reason).toBe('os-unknown');
  }, 150_000);
});
