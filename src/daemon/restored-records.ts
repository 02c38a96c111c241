/**
 * Status records the load step puts back (from the status branch, from the daemon's memory, from
 * the texts it keeps under verification) as DATA: the planner reads the working tree through them
 * (readApplied's overlay), and only the record step writes them into status/ (writeRestored),
 * the same files with the same content as they would have had if written at once.
 */
import { lstatSync } from 'node:fs';
import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { linkMessage, linkOnPath, writeConfined } from '../core/confined-file.js';
import type { Logger } from '../core/logger.js';
import type { RecordOverlay } from '../records/read-records.js';

/** What the load step put back into status/, not yet written. */
export interface Restored {
  /** serviceName → the text of `status/<serviceName>.yaml` from now on; null: the file is taken out. */
  overlay: RecordOverlay;
  /** Servers whose record was put back from memory or the kept texts: committed even when unchanged. */
  repaired: ReadonlySet<string>;
}

/** Nothing put back. */
export const NOTHING_RESTORED: Restored = { overlay: new Map(), repaired: new Set() };

/**
 * Why `rel` (a record file under `root`) cannot be written without following a link — a link on
 * the way, or a folder or special file where the record goes — or null when it can. A record
 * that cannot be written is not put back (the planner then reads the tree as it is).
 */
export function unwritable(root: string, rel: string): string | null {
  const link = linkOnPath(root, rel);
  if (link !== undefined) return linkMessage(rel, link.component);
  try {
    return lstatSync(path.join(root, rel)).isFile() ? null : `${rel} is not a regular file`;
  } catch {
    return null;
  }
}

/** The `*.yaml` names of status/ with `overlay` laid over (null entries removed). */
export async function overlaidNames(root: string, overlay: RecordOverlay): Promise<Set<string>> {
  const names = new Set(
    (await readdir(path.join(root, 'status')).catch(() => [] as string[]))
      .filter((f) => f.endsWith('.yaml'))
      .map((f) => f.slice(0, -'.yaml'.length)),
  );
  for (const [name, text] of overlay) {
    if (text === null) names.delete(name);
    else names.add(name);
  }
  return names;
}

/** The text of `status/<name>.yaml` with `overlay` laid over (null when absent or unreadable). */
export async function overlaidText(
  root: string,
  name: string,
  overlay: RecordOverlay,
): Promise<string | null> {
  const given = overlay.get(name);
  if (given !== undefined) return given;
  return readFile(path.join(root, 'status', `${name}.yaml`), 'utf8').catch(() => null);
}

/**
 * Writes what the load step put back into status/ of the working tree (the record step's first
 * act). A file that cannot be written is logged and left as it is.
 */
export async function writeRestored(root: string, restored: Restored, log: Logger): Promise<void> {
  for (const [name, text] of restored.overlay) {
    const rel = `status/${name}.yaml`;
    try {
      if (text === null) {
        await rm(path.join(root, rel), { force: true });
        continue;
      }
      await mkdir(path.join(root, 'status'), { recursive: true });
      // No link followed (core/confined-file.ts): status/ may be a committed link.
      writeConfined(root, rel, text);
    } catch (error) {
      log.warn(
        { serviceName: name, code: 'symlink-refused', err: (error as Error).message },
        'status record not restored',
      );
    }
  }
}
