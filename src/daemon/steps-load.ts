/**
 * The load step of a cycle: which status records the planner must see (restoreRecords: from the
 * status branch, or from the daemon's memory when a file is missing or corrupted; trustRecords:
 * under verification, the texts the daemon kept), then the pipeline's load stage over the working
 * tree with those records laid over it (src/pipeline/load.ts). It writes nothing: the record step
 * writes the records put back (restored-records.ts).
 */
import { contentKeyOf } from './content-key.js';
import { lstatSync } from 'node:fs';
import { linkMessage, linkOnPath, readConfined } from '../core/confined-file.js';
import { FleetError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { isServiceName } from '../core/service-name.js';
import { loadFleet, type Loaded } from '../pipeline/load.js';
import { recordHistoryFrom } from '../plan/recover-records.js';
import { signature } from '../specs/load-file.js';
import { hashBytes } from '../specs/parse-file.js';
import { readFleet } from '../specs/read-fleet.js';
import { parseStatusRecord, serializeStatusRecord } from '../records/status-record.js';
import type { StatusRecord } from '../records/types.js';
import { unwritable, type Restored } from './restored-records.js';
import { trustedRecordHistory, trustRecords } from './trusted-records.js';
import type { CycleDeps, DaemonMemory } from './types.js';

/** The load step's result: the records put back, and the repository as loaded through them. */
export interface CycleLoaded {
  restored: Restored;
  loaded: Loaded;
}

/** What the load step reads of the daemon's memory. */
export type LoadMemory = Pick<DaemonMemory, 'records' | 'trustedRecords'>;

/** Puts back the records the planner must see, then loads specs, policy and records. */
export async function loadRecordsAndFleet(
  deps: CycleDeps,
  input: { head: string; memory: LoadMemory },
  log: Logger,
): Promise<CycleLoaded> {
  const { memory, head } = input;
  // While the clone is proven to hold this cycle's head exactly, files read under that key are
  // as they were: neither listed nor stat-ed again (src/git/clone-memo.ts).
  const contentKey = contentKeyOf(deps.git, head);
  const restored = await trustRecords(
    deps,
    {
      kept: memory.trustedRecords,
      restored: await restoreRecords(deps, memory.records, log, contentKey),
    },
    log,
  );
  // restoreRecords has refused a repository.path through a link before anything was read.
  const verifying = deps.config.verify.allowedSignersFile !== null;
  const loaded = await loadFleet({
    repo: deps.root,
    readCache: deps.readCache,
    recordCache: deps.recordCache,
    recordOverlay: restored.overlay,
    // Under verification, only versions the daemon wrote (trusted-records.ts).
    recordHistory: trustedRecordHistory(
      recordHistoryFrom(deps.git, (await deps.git.statusHead()) ?? input.head, deps.prefix),
      verifying ? memory.trustedRecords : null,
    ),
    parallel: false,
    secrets: deps.secretRule,
    contentKey,
  });
  return { restored, loaded };
}

/**
 * The records `status/` must hold for the planner: with a separate status branch, the files of
 * that branch; and any record that is missing or corrupted while the daemon knows it (`known`,
 * the records of the last cycle) is restored from memory (the record step then commits the
 * repaired file).
 */
export async function restoreRecords(
  deps: CycleDeps,
  known: ReadonlyMap<string, StatusRecord>,
  log: Logger,
  contentKey?: () => string | undefined,
): Promise<Restored> {
  refuseLinkedRoot(deps);
  const { config, git } = deps;
  const separate = config.status.branch !== null && config.status.branch !== config.repository.branch;
  const statusRev = separate ? await git.statusHead() : null;
  const names = new Set(known.keys());
  if (statusRev !== null && names.size === 0) {
    // First cycle with a separate status branch: the servers the specs name.
    const fleet = await readFleet(deps.root, { secrets: deps.secretRule });
    for (const spec of fleet.specs) names.add(spec.serviceName);
    for (const invalid of fleet.invalid) if (invalid.serviceName) names.add(invalid.serviceName);
  }
  const overlay = new Map<string, string>();
  const repaired = new Set<string>();
  // Without a status branch, a record file unchanged since it was read as valid needs no read:
  // the steady cycle's common case (10,000 reads and hashes saved).
  const statusDir = statusRev === null && isRealDirectory(`${deps.root}/status`);
  // Under a content key the last read of the records was made with, not even a stat is needed.
  const key = statusDir ? contentKey?.() : undefined;
  for (const name of names) {
    if (!isServiceName(name)) continue; // never a file name
    const rel = `status/${name}.yaml`;
    if (statusDir && deps.recordCache.unchangedUnder(name, key)) continue;
    if (statusDir && knownUnchanged(deps, name, `${deps.root}/${rel}`)) continue;
    // No link followed, either way (core/confined-file.ts): status/ may be a committed link.
    const read = readConfined(deps.root, rel, 64 * 1024 * 1024);
    const inTree = read.ok ? read.bytes.toString('utf8') : null;
    let text = inTree;
    if (statusRev !== null) {
      const fromBranch = await git.readFileAt(statusRev, `${deps.prefix}status/${name}.yaml`);
      if (fromBranch !== null) text = fromBranch;
    }
    const record = known.get(name);
    if (!usable(deps, name, text) && record) {
      text = serializeStatusRecord(record);
      repaired.add(name);
      log.warn(
        { serviceName: name, code: 'status-record-invalid' },
        'status record missing or corrupted: restored',
      );
    }
    if (text === null || text === inTree) continue;
    const refused = unwritable(deps.root, rel);
    if (refused !== null) {
      log.warn({ serviceName: name, code: 'symlink-refused', err: refused }, 'status record not restored');
      continue;
    }
    overlay.set(name, text);
  }
  if (statusRev !== null)
    log.debug({ restored: overlay.size }, 'status records taken from the status branch');
  return { overlay, repaired };
}

/** True when `dir` is a directory, not a link to one. */
function isRealDirectory(dir: string): boolean {
  try {
    return lstatSync(dir).isDirectory();
  } catch {
    return false;
  }
}

/**
 * True when the file at `absolute` is a regular file (not a link) whose stat signature is the one
 * it had when it was read holding a record the cache knows: it is usable and unchanged, so that
 * reading it would find nothing to restore. `absolute` is under a real status/ directory.
 */
function knownUnchanged(deps: Pick<CycleDeps, 'recordCache'>, name: string, absolute: string): boolean {
  try {
    const stat = lstatSync(absolute);
    return stat.isFile() && deps.recordCache.unchangedFile(name, signature(stat)) !== undefined;
  } catch {
    return false;
  }
}

/** True when `text` holds a valid record: known by its hash, else parsed. */
function usable(deps: CycleDeps, name: string, text: string | null): boolean {
  if (text === null) return false;
  if (deps.recordCache.get(name, hashBytes(text)) !== undefined) return true;
  return parseStatusRecord(text, `status/${name}.yaml`).record !== undefined;
}

/**
 * Throws `symlink-refused` when `repository.path` passes through a symbolic link of the clone:
 * the whole fleet would then be read from (and status written to) wherever it points.
 */
export function refuseLinkedRoot(deps: Pick<CycleDeps, 'prefix' | 'cloneDir'>): void {
  if (deps.prefix === '') return;
  const link = linkOnPath(deps.cloneDir, deps.prefix.replace(/\/$/, ''));
  if (link) {
    throw new FleetError(
      'symlink-refused',
      `repository.path: ${linkMessage(deps.prefix.replace(/\/$/, ''), link.component)}; nothing is read or applied`,
    );
  }
}
