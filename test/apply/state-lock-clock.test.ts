/** The state lock's owner file takes its time from the injected clock, not from Date.now(). */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { acquireStateLock, LOCK_OWNER_FILE } from '../../src/apply/state-lock.js';
import { tempStateDir } from './helpers.js';

const THEN = Date.UTC(2031, 0, 2, 3, 4, 5);

describe('the state lock and the clock', () => {
  it('names the time of the injected clock as the moment the lock was taken', async () => {
    const dir = await tempStateDir();

    const lock = await acquireStateLock(dir, { purpose: 'apply', now: () => THEN });
    const file = JSON.parse(await readFile(join(dir, LOCK_OWNER_FILE), 'utf8')) as { since: string };
    await lock.release();

    expect(lock.owner.since).toBe('2031-01-02T03:04:05.000Z');
    expect(file.since).toBe('2031-01-02T03:04:05.000Z');
  });
});
