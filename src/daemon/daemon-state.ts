/**
 * `<stateDir>/daemon-state.json`: what the daemon must remember across restarts beyond git and
 * the intent journal — the head of the last cycle whose plan was applied, against which a
 * rewritten branch is detected. Written atomically and durably (temp file, fsync, rename, fsync of
 * the directory: writeFileDurably), so a power loss leaves the old head or the new one.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileDurably } from '../apply/atomic-file.js';

/** The file's content. */
export interface DaemonStateFile {
  formatVersion: 1;
  /** Spec branch head of the last applied cycle; null before the first. */
  lastApplied: string | null;
}

const NAME = 'daemon-state.json';

/** Reads the state; a missing or unreadable file is "no state" (then the status records are the fallback). */
export async function readDaemonState(stateDir: string): Promise<DaemonStateFile | null> {
  try {
    const data = JSON.parse(await readFile(join(stateDir, NAME), 'utf8')) as Partial<DaemonStateFile>;
    if (data.formatVersion !== 1) return null;
    const last =
      typeof data.lastApplied === 'string' && /^[0-9a-f]{40}$/.test(data.lastApplied)
        ? data.lastApplied
        : null;
    return { formatVersion: 1, lastApplied: last };
  } catch {
    return null;
  }
}

/** Writes the state atomically and durably. */
export async function writeDaemonState(stateDir: string, state: DaemonStateFile): Promise<void> {
  await mkdir(stateDir, { recursive: true, mode: 0o700 });
  await writeFileDurably(join(stateDir, NAME), `${JSON.stringify(state, null, 2)}\n`);
}
