/**
 * The state directory's lock is a kernel lock (flock) held by a child flock(1): real processes
 * race for it and never both hold it; a SIGKILLed holder's lock goes to the next taker; a lock
 * left by another host (a recreated container) or by an older version locks nobody out.
 */
import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { acquireStateLock, LOCK_FILE, LOCK_OWNER_FILE } from '../../src/apply/state-lock.js';
import { tempStateDir } from './helpers.js';

// The children run the BUILT code in dist/: `npm test` builds it first (pretest).
const CHILD = new URL('./lock-child.mjs', import.meta.url).pathname;

function runChild(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CHILD, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`child exited ${code}`))));
  });
}

describe('the state directory lock', () => {
  it('refuses a second holder naming the first, and frees on release', async () => {
    const dir = await tempStateDir();

    const first = await acquireStateLock(dir, { purpose: 'apply' });
    const second = acquireStateLock(dir, { purpose: 'daemon' });

    await expect(second).rejects.toMatchObject({
      code: 'state-dir-locked',
      message: expect.stringContaining(`apply (pid ${process.pid}`),
    });
    await first.release();
    await first.release(); // idempotent
    const third = await acquireStateLock(dir, { purpose: 'daemon' });
    expect(third.owner.purpose).toBe('daemon');
    await third.release();
  });

  it('two real processes racing for many rounds never both hold it', async () => {
    const dir = await tempStateDir();

    const outputs = await Promise.all([runChild(['race', dir, '150']), runChild(['race', dir, '150'])]);

    const counts = outputs.map((o) => JSON.parse(o) as { held: number; refused: number; violations: number });
    expect(counts.map((c) => c.violations)).toEqual([0, 0]);
    expect(counts.every((c) => c.held > 0)).toBe(true);
    expect(counts.reduce((sum, c) => sum + c.held + c.refused, 0)).toBe(300);
  }, 120_000);

  it('a SIGKILLed holder’s lock is taken by the next process', async () => {
    const dir = await tempStateDir();
    const holder = spawn(process.execPath, [CHILD, 'hold', dir], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve) => holder.stdout.once('data', () => resolve()));
    await expect(acquireStateLock(dir, { purpose: 'daemon' })).rejects.toMatchObject({
      code: 'state-dir-locked',
    });

    holder.kill('SIGKILL');
    await new Promise((resolve) => holder.once('exit', resolve));
    // The kernel frees the lock once the flock child sees its pipe close: wait for that, no timer.
    const next = await acquireStateLock(dir, { purpose: 'daemon', wait: true });

    expect(next.owner.pid).toBe(process.pid);
    await next.release();
  }, 60_000);

  it.each([
    ['a lock file of another host (a recreated container)', 'elsewhere.example'],
    ['a lock file of this host naming a running pid (an older version’s lock)', 'self'],
  ])('is not locked out by %s', async (_, host) => {
    const dir = await tempStateDir();
    const owner = {
      pid: host === 'self' ? process.ppid : 1,
      hostname: host === 'self' ? (await import('node:os')).hostname() : host,
      since: '2026-01-01T00:00:00.000Z',
      purpose: 'daemon',
    };
    await writeFile(join(dir, LOCK_FILE), JSON.stringify(owner));
    await writeFile(join(dir, LOCK_OWNER_FILE), JSON.stringify(owner));

    const lock = await acquireStateLock(dir, { purpose: 'daemon' });

    expect(lock.owner.pid).toBe(process.pid);
    await lock.release();
  });
});
