/**
 * The lock of a state directory: two applies, or an apply and a daemon, must never work on the
 * same intent journal at once (each would post what the other is about to post).
 *
 * The lock is a kernel lock, `flock(2)` on `<stateDir>/lock`, held by a child `flock(1)`
 * (util-linux) that waits on a pipe from this process: `flock -xn lock -c 'echo locked; exec cat'`.
 * The kernel releases the lock when the last holder of the file descriptor exits, and the child
 * exits as soon as its stdin pipe closes, which the kernel does when this process ends, however
 * it ends (SIGKILL, crash, OOM). So there is no stale lock to detect: no pid, no hostname, no
 * breaking of someone else's lock, and a recreated container (another hostname) is never locked
 * out. The lock file is never deleted nor renamed (that would let two processes lock two
 * different inodes). The child runs in its own session, so a Ctrl-C on the terminal does not
 * reach it. `<stateDir>/lock.owner` names the holder for the diagnostic only; it decides nothing.
 */
import { spawn } from 'node:child_process';
import { hostname as osHostname } from 'node:os';
import { join } from 'node:path';
import { mkdir, readFile } from 'node:fs/promises';
import { systemClock } from '../core/clock.js';
import { FleetError } from '../core/errors.js';
import { writeFileDurably } from './atomic-file.js';

/** The lock file's name inside the state directory (locked with flock, never removed). */
export const LOCK_FILE = 'lock';
/** Who holds the lock, for the diagnostic only. */
export const LOCK_OWNER_FILE = 'lock.owner';
/** flock(1): util-linux, Essential in Debian (present in the node:*-bookworm-slim images). */
export const FLOCK_COMMAND = 'flock';

/** What the owner file holds (JSON). */
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
  /** Releases the lock (closes the pipe, waits for the child to end); idempotent. */
  release(): Promise<void>;
}

/** Options of {@link acquireStateLock}. */
export interface LockOptions {
  purpose: string;
  /** Wait for the holder to release it instead of failing at once (tests, and nothing else). */
  wait?: boolean;
  /** The clock for the owner file's `since`; the system clock when not given. */
  now?: () => number;
}

/** flock's exit code when the lock is held by someone else (-E). */
const CONFLICT_EXIT = 75;
const READY = 'locked\n';

/** Takes the lock of `stateDir` or throws FleetError `state-dir-locked` naming the holder. */
export async function acquireStateLock(stateDir: string, options: LockOptions): Promise<StateLock> {
  const path = join(stateDir, LOCK_FILE);
  await mkdir(stateDir, { recursive: true, mode: 0o700 });
  const child = spawn(
    FLOCK_COMMAND,
    [
      '--exclusive',
      ...(options.wait ? [] : ['--nonblock']),
      '--conflict-exit-code',
      String(CONFLICT_EXIT),
      path,
      '-c',
      'echo locked; exec cat >/dev/null',
    ],
    { stdio: ['pipe', 'pipe', 'pipe'], detached: true },
  );
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.once('error', () => resolve(null));
  });
  const outcome = await new Promise<'locked' | 'conflict' | { failed: string }>((resolve) => {
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
      if (out.startsWith(READY)) resolve('locked');
    });
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString('utf8')));
    child.once('error', (error) => resolve({ failed: error.message }));
    child.once('exit', (code) =>
      resolve(code === CONFLICT_EXIT ? 'conflict' : { failed: `flock exited with ${code}: ${err.trim()}` }),
    );
  });
  if (outcome === 'conflict') throw lockedError(path, await readOwner(stateDir));
  if (outcome !== 'locked') {
    child.kill('SIGKILL');
    throw new FleetError(
      'state-lock-unavailable',
      `the state directory lock ${path} could not be taken with ${FLOCK_COMMAND}(1): ${outcome.failed}`,
      { details: { lockFile: path } },
    );
  }
  // The child must not keep this process alive, and must die with it (its stdin closes then).
  child.stdout.destroy();
  child.stderr.destroy();
  child.unref();
  (child.stdin as unknown as { unref?: () => void }).unref?.();
  const owner: LockOwner = {
    pid: process.pid,
    hostname: osHostname(),
    since: new Date((options.now ?? systemClock.now)()).toISOString(),
    purpose: options.purpose,
  };
  await writeFileDurably(join(stateDir, LOCK_OWNER_FILE), `${JSON.stringify(owner)}\n`).catch(
    () => undefined, // only a diagnostic
  );
  let released: Promise<void> | undefined;
  return {
    path,
    owner,
    release() {
      released ??= (async () => {
        child.ref(); // keep this process alive until the child is gone
        child.stdin.end();
        await exited;
      })();
      return released;
    },
  };
}

async function readOwner(stateDir: string): Promise<LockOwner | null> {
  try {
    const data = JSON.parse(await readFile(join(stateDir, LOCK_OWNER_FILE), 'utf8')) as Partial<LockOwner>;
    if (typeof data.pid !== 'number' || typeof data.hostname !== 'string') return null;
    return {
      pid: data.pid,
      hostname: data.hostname,
      since: String(data.since ?? ''),
      purpose: String(data.purpose ?? ''),
    };
  } catch {
    return null;
  }
}

function lockedError(path: string, holder: LockOwner | null): FleetError {
  const who =
    holder === null
      ? 'another process'
      : `${holder.purpose || 'a process'} (pid ${holder.pid} on ${holder.hostname}, since ${holder.since})`;
  return new FleetError('state-dir-locked', `the state directory is in use by ${who}: ${path}`, {
    details: { lockFile: path },
  });
}
