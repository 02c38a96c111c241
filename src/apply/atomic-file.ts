/**
 * Durable file writes for the intent journal: write a temporary file in the same directory,
 * fsync it, rename it over the target, then fsync the directory so the rename itself survives a
 * power loss. A reader sees the old content or the new one, never a torn file.
 */
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** Prefix of temporary files; readers skip them (a leftover one is a write that never happened). */
export const TEMP_PREFIX = '.tmp-';

let counter = 0;

/** Writes `content` to `path` atomically and durably. */
export async function writeFileDurably(path: string, content: string): Promise<void> {
  const dir = dirname(path);
  const temp = join(dir, `${TEMP_PREFIX}${basename(path)}.${process.pid}.${counter++}`);
  const handle = await open(temp, 'w', 0o600);
  try {
    await handle.writeFile(content, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  await syncDirectory(dir);
}

/** fsyncs a directory so that entries created or renamed in it are durable. */
export async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
