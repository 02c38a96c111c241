/** The state directory's lock: one holder at a time, stale locks of dead pids taken over, never two winners. */
import { spawnSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import { acquireStateLock, LOCK_FILE } from '../../src/apply/state-lock.js';
import { tempStateDir } from './helpers.js';

const alive = () => true;

/** The pid of a process that ran and exited: it no longer runs (reuse within the test is unlikely). */
function deadPid(): number {
  return Number(
    spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString(),
  );
}

async function writeLock(dir: string, owner: Record<string, unknown>): Promise<void> {
  await writeFile(join(dir, LOCK_FILE), JSON.stringify(owner));
}

describe('the state directory lock', () => {
  it('writes the pid with O_EXCL, refuses a second holder naming the first, and frees on release', async () => {
    const dir = await tempStateDir();

    const first = await acquireStateLock(dir, { purpose: 'apply', pid: 4242, isAlive: alive });
    const second = acquireStateLock(dir, { purpose: 'daemon', pid: 4343, isAlive: alive });

    await expect(second).rejects.toMatchObject({
      code: 'state-dir-locked',
      message: expect.stringContaining('pid 4242'),
    });
    expect(JSON.parse(await readFile(join(dir, LOCK_FILE), 'utf8'))).toMatchObject({
      pid: 4242,
      purpose: 'apply',
    });
    await first.release();
    const third = await acquireStateLock(dir, { purpose: 'daemon', pid: 4343, isAlive: alive });
    expect(third.owner.pid).toBe(4343);
  });

  it.each([
    ['a pid that no longer runs (real process)', () => ({ pid: deadPid(), hostname: hostname() }), true],
    [
      'our own pid (a restart with the same pid, e.g. pid 1 in a container)',
      () => ({ pid: process.pid, hostname: hostname() }),
      true,
    ],
    ['a running pid (real process: our parent)', () => ({ pid: process.ppid, hostname: hostname() }), false],
    [
      'a pid of another host (cannot be checked from here)',
      () => ({ pid: 1, hostname: 'elsewhere.example' }),
      false,
    ],
  ])('with a lock left by %s, takes it over: %s', async (_, holder, takenOver) => {
    const dir = await tempStateDir();
    await writeLock(dir, { ...holder(), since: '2026-01-01T00:00:00.000Z', purpose: 'apply' });

    const attempt = acquireStateLock(dir, { purpose: 'apply' });

    if (takenOver) expect((await attempt).owner.pid).toBe(process.pid);
    else await expect(attempt).rejects.toMatchObject({ code: 'state-dir-locked' });
  });

  it('lets exactly one of many concurrent takers win, also over a stale lock', async () => {
    for (const stale of [false, true]) {
      const dir = await tempStateDir();
      if (stale) await writeLock(dir, { pid: 7, hostname: hostname(), since: '', purpose: 'apply' });
      const isAlive = (pid: number) => pid !== 7;

      const results = await Promise.allSettled(
        Array.from({ length: 20 }, (_, i) =>
          acquireStateLock(dir, { purpose: 'apply', pid: 1000 + i, isAlive }),
        ),
      );
      const winners = results.filter((r) => r.status === 'fulfilled');

      expect(winners, `stale=${stale}`).toHaveLength(1);
      expect(
        results
          .filter((r) => r.status === 'rejected')
          .every((r) => (r.reason as { code: string }).code === 'state-dir-locked'),
      ).toBe(true);
    }
  });

  it('does not remove a lock another process took after ours was broken', async () => {
    const dir = await tempStateDir();
    const ours = await acquireStateLock(dir, { purpose: 'apply', pid: 11, isAlive: alive });
    await writeLock(dir, { pid: 12, hostname: hostname(), since: 'later', purpose: 'daemon' });

    await ours.release();

    expect(JSON.parse(await readFile(join(dir, LOCK_FILE), 'utf8'))).toMatchObject({ pid: 12 });
  });
});
