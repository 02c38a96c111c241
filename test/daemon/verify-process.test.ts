/**
 * The real daemon process (`ovh-fleet daemon`, dist/) verifies a reinstall through the wiring of
 * the command line (src/cli/sim-probes.ts reads the simulator's probe map), and a SIGKILL during
 * the verification loses nothing: the restarted process resumes from the saved state (the same
 * task end, the rounds go on, the addresses not read again) and posts nothing.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { DaemonProcess } from './daemon-process.js';
import { closeSimulator, spec, World } from './helpers.js';

let world: World | null = null;
let daemon: DaemonProcess | null = null;
afterEach(async () => {
  if (daemon) await daemon.kill('SIGKILL');
  daemon = null;
  await world?.close();
  world = null;
});
afterAll(closeSimulator);

const FLEET =
  'apiVersion: ovh-fleet/v1\nkind: Fleet\nrollout:\n  maxFleetFraction: 1\n' +
  'verify:\n  probes:\n    - {name: ssh, type: ssh, port: 22}\n  initialDelay: 0s\n  interval: 1s\n' +
  '  timeout: 1s\n  successes: 1\n  failureLimit: 100\n  deadline: 30m\n';

interface Saved {
  state: { endedAt: string; failStreak: number; rounds: { total: number } };
}

describe('the daemon process verifies, and resumes after SIGKILL', () => {
  it('resumes the rounds from the saved state and posts nothing again', async () => {
    world = await World.create({ count: 1 });
    const w = world;
    const [m] = w.managed as [World['managed'][number]];
    w.sim.control.setServerProbeFaults(m.name, { probeFault: 'never-comes-back' });
    w.write('fleet.yaml', FLEET);
    w.commit('verify after reinstalls');
    const file = join(w.stateDir, 'verify', `${m.name}.json`);
    const saved = (): Saved | null => {
      try {
        return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Saved) : null;
      } catch {
        return null; // between the write and the rename of another process: read again
      }
    };
    daemon = DaemonProcess.start(w);
    await w.until(() => daemon!.cycles >= 1, 'the first cycle', 60_000);

    w.pull();
    w.write(m.file, spec(m.name, m.other));
    w.commit(`move ${m.name} to ${m.other}`);
    await w
      .until(() => (saved()?.state.rounds.total ?? 0) >= 2, 'two rounds saved', 90_000)
      .catch((e: unknown) => {
        console.log(daemon!.stderr);
        throw e;
      });
    await daemon.kill('SIGKILL');
    const before = saved()!;
    daemon = DaemonProcess.start(w);
    await w.until(
      () => (saved()?.state.rounds.total ?? 0) > before.state.rounds.total,
      'a round after the restart',
      90_000,
    );
    await daemon.kill('SIGTERM');

    const after = saved()!;
    expect(after.state.endedAt).toBe(before.state.endedAt);
    expect(after.state.failStreak).toBe(after.state.rounds.total);
    expect(daemon.stderr).toContain('verification resumed');
    expect(w.posts(m.name)).toBe(1);
    // Resumed, not started again: the second process never read the server's addresses.
    expect(daemon.stderr).not.toContain('"msg":"verification started"');
    daemon = null;
  }, 240_000);
});
