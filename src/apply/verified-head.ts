/**
 * `<stateDir>/verified-head.json`: the last head whose commits were all verified good against the
 * allowed signers file (src/git/trust.ts). The next verification starts after it, so a restart
 * (of the daemon, or a later `ovh-fleet apply` with the same state directory) checks only the new
 * commits, not all of history against today's keys. Written durably (temp file, fsync, rename,
 * fsync of the directory) before anything is applied from the head.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileDurably } from './atomic-file.js';

const NAME = 'verified-head.json';

/** The last verified head, or null when none was recorded (or the file is unreadable). */
export async function readVerifiedHead(stateDir: string): Promise<string | null> {
  try {
    const data = JSON.parse(await readFile(join(stateDir, NAME), 'utf8')) as Record<string, unknown>;
    if (data.formatVersion !== 1) return null;
    return typeof data.head === 'string' && /^[0-9a-f]{40}$/.test(data.head) ? data.head : null;
  } catch {
    return null;
  }
}

/** Records `head` as verified, durably. */
export async function writeVerifiedHead(stateDir: string, head: string): Promise<void> {
  await mkdir(stateDir, { recursive: true, mode: 0o700 });
  await writeFileDurably(join(stateDir, NAME), `${JSON.stringify({ formatVersion: 1, head }, null, 2)}\n`);
}
