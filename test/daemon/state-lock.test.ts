import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { acquireStateLock } from '../../src/apply/state-lock.js';
import { closeSimulator, World } from './helpers.js';

// A real process holding the lock runs the BUILT code (dist/), like the daemon process tests.
const HOLDER = new URL('../apply/lock-child.mjs', import.meta.url).pathname;

afterAll(async () => {
  await closeSimulator();
});

describe('the daemon and the state directory lock', () => {
  it('refuses to start while another live process holds the lock, and releases its own on stop', async () => {
    const world = await World.create({ count: 1 });
    mkdirSync(world.stateDir, { recursive: true });
    const other = spawn(process.execPath, [HOLDER, 'hold', world.stateDir], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    try {
      await new Promise<void>((resolve) => other.stdout.once('data', () => resolve()));

      const refused = await world.start().then(
        () => null,
        (error: { code?: string }) => error.code,
      );
      other.kill('SIGKILL');
      await new Promise((r) => other.once('exit', r));
      // The holder died without releasing anything: the kernel freed its lock.
      const taken = await acquireStateLock(world.stateDir, { purpose: 'probe', wait: true });
      await taken.release();
      await world.start();
      const whileRunning = await acquireStateLock(world.stateDir, { purpose: 'probe' }).then(
        async (lock) => (await lock.release(), 'free'),
        (error: { code?: string }) => error.code,
      );
      await world.daemon?.stop();
      const afterStop = await acquireStateLock(world.stateDir, { purpose: 'probe' });
      await afterStop.release();

      expect(refused).toBe('state-dir-locked');
      expect(whileRunning).toBe('state-dir-locked');
    } finally {
      other.kill('SIGKILL');
      await world.close();
    }
  }, 60_000);
});
