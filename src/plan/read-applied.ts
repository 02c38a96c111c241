/**
 * readApplied: the `status/<serviceName>.yaml` records of the fleet repository, read into the
 * planner's `applied` map (format: docs/status-format.md). A record that cannot be used is left
 * out with a warning `status-record-invalid`: the planner then treats the server as having none.
 */
import { createHash } from 'node:crypto';
import { lstat, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Diagnostic } from '../core/diagnostic.js';
import { ignoredRecord, parseStatusRecord } from '../status/status-record.js';
import type { StatusRecord } from '../status/types.js';

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
}

/** Reads every `status/*.yaml` of the repository at `root` (a missing folder is no record). */
export async function readApplied(root: string): Promise<AppliedRecords> {
  const result: AppliedRecords = { applied: new Map(), hashes: new Map(), diagnostics: [] };
  const dir = path.join(root, STATUS_DIR);
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => n.endsWith('.yaml')).sort();
  } catch {
    return result;
  }
  for (const name of names) {
    const file = `${STATUS_DIR}/${name}`;
    const absolute = path.join(dir, name);
    const stat = await lstat(absolute);
    // Only regular files: a symbolic link could make the plan read outside the repository.
    if (!stat.isFile() || stat.size > MAX_STATUS_BYTES) {
      result.diagnostics.push(
        ignoredRecord(file, stat.isFile() ? 'the file is too large' : 'not a regular file'),
      );
      continue;
    }
    const bytes = await readFile(absolute);
    const parsed = parseStatusRecord(bytes.toString('utf8'), file);
    result.diagnostics.push(...parsed.diagnostics);
    const record = parsed.record;
    if (!record) continue;
    if (`${record.serviceName}.yaml` !== name) {
      result.diagnostics.push(
        ignoredRecord(file, `serviceName ${record.serviceName} does not match the file name`),
      );
      continue;
    }
    result.applied.set(record.serviceName, record);
    result.hashes.set(record.serviceName, createHash('sha256').update(bytes).digest('hex'));
  }
  return result;
}
