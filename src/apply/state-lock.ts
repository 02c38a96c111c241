/**
 * The lock of a state directory: two applies, or an apply and a daemon, must never work on the
 * same intent journal at once (each would post what the other is about to post). The lock is the
 * file `<stateDir>/lock`, created with O_EXCL (`wx`), holding the owner's pid, host and start
 * time. A lock whose pid no longer runs on this host is stale: it is broken under a second
 * O_EXCL file (`lock.break`) so that two processes never break it at once, re-read, and removed.
 * A lock from another host, or of a pid that runs, is respected.
 */
import { hostname as osHostname } from 'node:os';
import { join } from 'node:path';
import { mkdir, open, readFile, rm, stat } from 'node:fs/promises';
import { FleetError } from '../core/errors.js';

/** The lock file's name inside the state directory. */
export const LOCK_FILE = 'lock';

/** What the lock file holds (JSON). */
export interface LockOwner {
  pid: number;
  hostname: string;
  /** ISO time the lock was taken. */
  since: string;
  /** What holds it: `apply`, `daemon`. */
  purpose: string;
}

/** A held lock. */
export interface StateLock {
  readonly path: string;
  readonly owner: LockOwner;
  /** Removes the lock file if it is still ours; idempotent. */
  release(): Promise<void>;
}

/** Options of {@link acquireStateLock} (tests inject the process facts). */
export interface LockOptions {
  purpose: string;
  pid?: number;
  hostname?: string;
  now?: () => number;
  /** Whether `pid` runs on this host; default: `process.kill(pid, 0)`. */
  isAlive?: (pid: number) => boolean;
}

/** Takes the lock of `stateDir` or throws FleetError `state-dir-locked` naming the holder. */
export async function acquireStateLock(stateDir: string, options: LockOptions): Promise<StateLock> {
  const pid = options.pid ?? process.pid;
  const host = options.hostname ?? osHostname();
  const isAlive = options.isAlive ?? pidRuns;
  const path = join(stateDir, LOCK_FILE);
  await mkdir(stateDir, { recursive: true, mode: 0o700 });
  const owner: LockOwner = {
    pid,
    hostname: host,
    since: new Date(options.now?.() ?? Date.now()).toISOString(),
    purpose: options.purpose,
  };
  for (let attempt = 0; attempt < 3; attempt++) {
    if (await createExclusive(path, `${JSON.stringify(owner)}\n`)) return heldLock(path, owner);
    const holder = await readOwner(path);
    if (holder === 'gone') continue; // released between our try and our read
    if (holder === 'unreadable' && !(await olderThan(path, UNREADABLE_GRACE_MS)))
      throw lockedError(path, holder);
    if (!isStale(holder, { pid, host, isAlive })) throw lockedError(path, holder);
    await breakStale(path, `${JSON.stringify(owner)}\n`, async (h) =>
      h === 'unreadable' ? olderThan(path, UNREADABLE_GRACE_MS) : isStale(h, { pid, host, isAlive }),
    );
  }
  throw lockedError(path, await readOwner(path));
}

/** An empty or unreadable lock file younger than this may be one being written now. */
const UNREADABLE_GRACE_MS = 10_000;

/**
 * Stale: an unreadable lock file older than the grace (a crash between create and write), or a
 * pid of this host that no longer runs. Our own pid counts as stale: this process does not hold it (a container
 * restarted with the same pid 1 must not lock itself out).
 */
function isStale(
  holder: LockOwner | 'unreadable' | 'gone',
  self: { pid: number; host: string; isAlive: (pid: number) => boolean },
): boolean {
  if (holder === 'gone' || holder === 'unreadable') return true;
  if (holder.hostname !== self.host) return false;
  return holder.pid === self.pid || !self.isAlive(holder.pid);
}

/** Removes a stale lock under `lock.break`, re-checking it there; losing the race is not an error. */
async function breakStale(
  path: string,
  breakerText: string,
  stale: (holder: LockOwner | 'unreadable' | 'gone') => Promise<boolean>,
): Promise<void> {
  const breaker = `${path}.break`;
  if (!(await createExclusive(breaker, breakerText))) {
    // Another process is breaking it; a breaker left by a crash (older than the grace) is removed.
    if (await olderThan(breaker, UNREADABLE_GRACE_MS)) await rm(breaker, { force: true });
    return;
  }
  try {
    if (await stale(await readOwner(path))) await rm(path, { force: true });
  } finally {
    await rm(breaker, { force: true });
  }
}

async function olderThan(path: string, ms: number): Promise<boolean> {
  try {
    return Date.now() - (await stat(path)).mtimeMs > ms;
  } catch {
    return true;
  }
}

async function createExclusive(path: string, text: string): Promise<boolean> {
  let handle;
  try {
    handle = await open(path, 'wx', 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    await handle.writeFile(text, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  return true;
}

async function readOwner(path: string): Promise<LockOwner | 'unreadable' | 'gone'> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'gone';
    throw error;
  }
  try {
    const data = JSON.parse(text) as Partial<LockOwner>;
    if (typeof data.pid !== 'number' || typeof data.hostname !== 'string') return 'unreadable';
    return {
      pid: data.pid,
      hostname: data.hostname,
      since: String(data.since ?? ''),
      purpose: String(data.purpose ?? ''),
    };
  } catch {
    return 'unreadable';
  }
}

function heldLock(path: string, owner: LockOwner): StateLock {
  let released = false;
  return {
    path,
    owner,
    async release() {
      if (released) return;
      released = true;
      const holder = await readOwner(path);
      if (
        holder !== 'gone' &&
        holder !== 'unreadable' &&
        holder.pid === owner.pid &&
        holder.since === owner.since
      )
        await rm(path, { force: true });
    },
  };
}

function lockedError(path: string, holder: LockOwner | 'unreadable' | 'gone'): FleetError {
  const who =
    typeof holder === 'string'
      ? 'another process'
      : `${holder.purpose || 'a process'} (pid ${holder.pid} on ${holder.hostname}, since ${holder.since})`;
  return new FleetError('state-dir-locked', `the state directory is in use by ${who}: ${path}`, {
    details: { lockFile: path },
  });
}

/** True when a process with this pid exists (EPERM: it exists but belongs to another user). */
function pidRuns(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
