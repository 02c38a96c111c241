import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { closeSimulator, World } from './helpers.js';

afterAll(async () => {
  await closeSimulator();
});

describe('the daemon and the state directory lock', () => {
  it('refuses to start while another live process holds the lock, and releases its own on stop', async () => {
    const world = await World.create({ count: 1 });
    const other = spawn('sleep', ['30']);
    try {
      mkdirSync(world.stateDir, { recursive: true });
      const lockFile = join(world.stateDir, 'lock');
      const owner = {
        pid: other.pid,
        hostname: hostname(),
        since: new Date().toISOString(),
        purpose: 'apply',
      };
      writeFileSync(lockFile, `${JSON.stringify(owner)}\n`);

      const refused = await world.start().then(
        () => null,
        (error: { code?: string }) => error.code,
      );
      other.kill();
      await new Promise((r) => other.once('exit', r));
      await world.start();
      const heldWhileRunning = existsSync(lockFile);
      await world.daemon?.stop();

      expect(refused).toBe('state-dir-locked');
      expect(heldWhileRunning).toBe(true);
      expect(existsSync(lockFile)).toBe(false);
    } finally {
      other.kill();
      await world.close();
    }
  }, 60_000);
});
