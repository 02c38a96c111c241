/**
 * readApplied: the `status/<serviceName>.yaml` records of the fleet repository, read into the
 * planner's `applied` map (format: docs/status-format.md). A record that cannot be used is left
 * out with a warning `status-record-invalid` and its server listed in `unreadable`; with git
 * history, recover-records.ts then finds the last valid version or holds the server as lost: a
 * lost record never counts as first sight.
 */
import { lstatSync } from 'node:fs';
import { lstat, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Diagnostic } from '../core/diagnostic.js';
import { signature } from '../specs/load-file.js';
import { hashBytes } from '../specs/parse-file.js';
import { ignoredRecord, parseStatusRecord } from './status-record.js';
import type { StatusRecord } from './types.js';

/** The folder of status records inside the repository. */
export const STATUS_DIR = 'status';

/** Status files larger than this are not read (a record is a few KiB). */
export const MAX_STATUS_BYTES = 1024 * 1024;

/** The records of a repository. */
export interface AppliedRecords {
  /** Valid records by serviceName. */
  applied: Map<string, StatusRecord>;
  /** sha256 of each valid record file's bytes, by serviceName: changes whenever the record does. */
  hashes: Map<string, string>;
  diagnostics: Diagnostic[];
  /** Servers whose status file is present but cannot be used (by the file name). */
  unreadable: Set<string>;
  /** Servers whose record was taken from git history, with the commit it came from. */
  recovered: Map<string, string>;
  /** Servers whose record existed but cannot be recovered: the planner holds their reinstalls. */
  lost: Set<string>;
}

/**
 * Records a long-running process already knows, by serviceName and the sha256 of their file:
 * a status file whose bytes hash to the remembered value is not parsed again (the daemon reads
 * every record each cycle, and parsing YAML is the expensive part). Records are never mutated.
 * It also remembers, per file, the stat signature (mtime, ctime, size, inode) it had when its
 * bytes were last read: a file whose signature is unchanged is not read again (the same rule as
 * the specs' ReadCache; any write changes the ctime).
 */
export class AppliedRecordCache {
  private readonly byName = new Map<string, { hash: string; record: StatusRecord }>();
  private readonly files = new Map<string, { stat: string; hash: string }>();
  /**
   * The content key under which the last read listed status/ and checked every file (see
   * readApplied's `contentKey`), with the `.yaml` names it listed.
   */
  private proven: { key: string; names: readonly string[] } | undefined;

  /** The names status/ held under `key` when a read under that key listed them, else undefined. */
  provenNames(key: string | undefined): readonly string[] | undefined {
    return key !== undefined && this.proven?.key === key ? this.proven.names : undefined;
  }

  /** Remembers (or, with undefined, forgets) the listing of a read under a content key. */
  setProven(proven: { key: string; names: readonly string[] } | undefined): void {
    this.proven = proven;
  }

  /**
   * The record of `status/<serviceName>.yaml` under content key `key` without a stat: the file
   * was read (or found unchanged) under that key by the last read, and held a record known by
   * its hash. Undefined otherwise.
   */
  unchangedUnder(
    serviceName: string,
    key: string | undefined,
  ): { record: StatusRecord; hash: string } | undefined {
    if (key === undefined || this.proven?.key !== key) return undefined;
    return this.lastRead(serviceName);
  }

  /** The record the file of `serviceName` held when last read or found unchanged, known by its hash. */
  lastRead(serviceName: string): { record: StatusRecord; hash: string } | undefined {
    const hash = this.files.get(serviceName)?.hash;
    const record = hash === undefined ? undefined : this.get(serviceName, hash);
    return record && hash !== undefined ? { record, hash } : undefined;
  }

  /** The record remembered for `serviceName` when its file's hash is `hash`. */
  get(serviceName: string, hash: string): StatusRecord | undefined {
    const known = this.byName.get(serviceName);
    return known?.hash === hash ? known.record : undefined;
  }

  /** Remembers that a file hashing to `hash` holds `record`. */
  remember(record: StatusRecord, hash: string): void {
    this.byName.set(record.serviceName, { hash, record });
  }

  /** The hash of `status/<serviceName>.yaml` when it was read with this stat signature. */
  hashOfFile(serviceName: string, stat: string): string | undefined {
    const known = this.files.get(serviceName);
    return known?.stat === stat ? known.hash : undefined;
  }

  /** Remembers that the file of `serviceName`, read with stat signature `stat`, hashed to `hash`. */
  rememberFile(serviceName: string, stat: string, hash: string): void {
    this.files.set(serviceName, { stat, hash });
  }

  /** The record of an unchanged file: its signature was seen when it held a known record. */
  unchangedFile(serviceName: string, stat: string): { record: StatusRecord; hash: string } | undefined {
    const hash = this.hashOfFile(serviceName, stat);
    const record = hash === undefined ? undefined : this.get(serviceName, hash);
    return record && hash !== undefined ? { record, hash } : undefined;
  }

  /** Forgets the servers not in `names`. */
  retain(names: ReadonlySet<string>): void {
    for (const name of this.byName.keys()) if (!names.has(name)) this.byName.delete(name);
    for (const name of this.files.keys()) if (!names.has(name)) this.files.delete(name);
  }
}

/**
 * Record texts by serviceName that stand in for `status/<serviceName>.yaml` of the working tree
 * (null: as if the file were absent). The daemon's load step computes them (records put back from
 * the status branch or its memory) and its record step writes them; in between the planner reads
 * the tree through them.
 */
export type RecordOverlay = ReadonlyMap<string, string | null>;

/**
 * Reads every `status/*.yaml` of the repository at `root` (a missing folder is no record). With
 * `cache`, files whose bytes it knows are not parsed again, and the records read are remembered.
 * With `overlay`, its texts are read instead of the files they name.
 */
export async function readApplied(
  root: string,
  cache?: AppliedRecordCache,
  overlay?: RecordOverlay,
  contentKey?: () => string | undefined,
): Promise<AppliedRecords> {
  const result = emptyAppliedRecords();
  const dir = path.join(root, STATUS_DIR);
  // Under a content key already read (the same bytes in every file), neither the folder nor its
  // files are looked at again: the records known by their hash are taken as they are.
  const key = cache ? contentKey?.() : undefined;
  const provenNames = cache?.provenNames(key);
  cache?.setProven(undefined);
  // A status/ folder that is a link is not read (DESIGN.md §2 "Links"): its records could come
  // from anywhere on the host.
  if (!provenNames && (await lstat(dir).catch(() => null))?.isSymbolicLink()) {
    result.diagnostics.push({
      file: STATUS_DIR,
      line: 1,
      column: 1,
      severity: 'error',
      code: 'symlink-refused',
      message: `${STATUS_DIR} is a symbolic link: ovh-fleet follows no link in the repository (no record is read)`,
    });
    return result;
  }
  let names: string[];
  let listed: readonly string[] | undefined = provenNames;
  try {
    listed ??= (await readdir(dir)).filter((n) => n.endsWith('.yaml')).sort();
    names = [...listed];
  } catch {
    if (overlay === undefined) return result;
    names = [];
  }
  if (overlay !== undefined) names = withOverlay(names, overlay);
  // A text laid over the tree was not read from it: such a read proves nothing of the tree.
  let overlaid = false;
  for (const name of names) {
    const file = `${STATUS_DIR}/${name}`;
    const serviceName = name.slice(0, -'.yaml'.length);
    const given = overlay?.get(serviceName);
    if (given !== undefined) overlaid = true;
    let bytes: Buffer;
    // The stat signature of the file read from the tree (none for an overlay text).
    let fileStat: string | undefined;
    if (typeof given === 'string') {
      bytes = Buffer.from(given, 'utf8');
      if (bytes.length > MAX_STATUS_BYTES) {
        result.unreadable.add(serviceName);
        result.diagnostics.push(ignoredRecord(file, 'the file is too large'));
        continue;
      }
    } else {
      // provenNames: the last read was under this key (it was forgotten above while this one runs).
      const proven = provenNames ? cache?.lastRead(serviceName) : undefined;
      if (proven) {
        result.applied.set(serviceName, proven.record);
        result.hashes.set(serviceName, proven.hash);
        continue;
      }
      const absolute = `${dir}/${name}`;
      // Synchronous: 10,000 awaited lstat calls each cost a trip through the thread pool.
      const stat = lstatSync(absolute);
      // Only regular files: a symbolic link could make the plan read outside the repository.
      if (!stat.isFile() || stat.size > MAX_STATUS_BYTES) {
        result.unreadable.add(serviceName);
        result.diagnostics.push(
          ignoredRecord(file, stat.isFile() ? 'the file is too large' : 'not a regular file'),
        );
        continue;
      }
      const sig = signature(stat);
      const unchanged = cache?.unchangedFile(serviceName, sig);
      if (unchanged) {
        result.applied.set(serviceName, unchanged.record);
        result.hashes.set(serviceName, unchanged.hash);
        continue;
      }
      bytes = await readFile(absolute);
      fileStat = sig;
    }
    const hash = hashBytes(bytes);
    if (fileStat !== undefined) cache?.rememberFile(serviceName, fileStat, hash);
    const known = cache?.get(serviceName, hash);
    if (known) {
      result.applied.set(serviceName, known);
      result.hashes.set(serviceName, hash);
      continue;
    }
    const parsed = parseStatusRecord(bytes.toString('utf8'), file);
    result.diagnostics.push(...parsed.diagnostics);
    const record = parsed.record;
    if (!record) {
      result.unreadable.add(serviceName);
      continue;
    }
    if (`${record.serviceName}.yaml` !== name) {
      result.unreadable.add(serviceName);
      result.diagnostics.push(
        ignoredRecord(file, `serviceName ${record.serviceName} does not match the file name`),
      );
      continue;
    }
    result.applied.set(record.serviceName, record);
    result.hashes.set(record.serviceName, hash);
    cache?.remember(record, hash);
  }
  cache?.retain(new Set(result.applied.keys()));
  // Every file of the listing was checked under `key` (read, or found unchanged), none was
  // overlaid: the next read under the same key may skip them, unless the key changed meanwhile.
  if (cache && key !== undefined && listed !== undefined && !overlaid && contentKey?.() === key)
    cache.setProven({ key, names: listed });
  return result;
}

/** The file names of status/ once `overlay` is laid over `names` (sorted as readdir's were). */
function withOverlay(names: readonly string[], overlay: RecordOverlay): string[] {
  const out = new Set(names);
  for (const [serviceName, text] of overlay) {
    if (text === null) out.delete(`${serviceName}.yaml`);
    else out.add(`${serviceName}.yaml`);
  }
  return [...out].sort();
}

/** Records read from nothing: no status/ directory, or before the first read. */
export function emptyAppliedRecords(): AppliedRecords {
  return {
    applied: new Map(),
    hashes: new Map(),
    diagnostics: [],
    unreadable: new Set(),
    recovered: new Map(),
    lost: new Set(),
  };
}
