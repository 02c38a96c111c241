/**
 * With verify.allowedSignersFile, the status records that drive decisions are the daemon's own.
 * Anyone who can push to the status directory could otherwise plan a reinstall without a signed
 * commit (e.g. by editing `lastApplied.digest`): status commits are not signed, so their
 * signatures cannot tell the daemon's records from a hand edit.
 *
 * The daemon keeps the text of every record it wrote in `<stateDir>/trusted-records.json`
 * (written durably). Before planning (the load step), each record of the working tree is compared
 * with the kept text: a different one is replaced by the kept text (and committed again by the
 * record step), a missing one is put back, and one the daemon never wrote is taken out (the
 * server is then planned as it was before that file appeared). The load step only computes this
 * (restored-records.ts); the record step writes it. Nothing of this runs without verification.
 *
 * The same holds for git history: a missing record is taken from history
 * (src/plan/recover-records.ts) only in a version the daemon kept, so a record it never wrote is
 * first sight, not brought back from an unsigned commit (trustedRecordHistory).
 *
 * The first time verification runs on a state directory, nothing is kept yet: the records found
 * in the repository are taken as they are (trust on first use; docs/security.md).
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { writeFileDurably } from '../apply/atomic-file.js';
import type { RecordHistory } from '../plan/recover-records.js';
import type { Logger } from '../core/logger.js';
import type { CycleBlock } from '../status/build-records.js';
import { overlaidNames, overlaidText, type Restored } from './restored-records.js';
import type { CycleDeps } from './types.js';

const NAME = 'trusted-records.json';

/** Record texts by service name; null when the state directory keeps none yet. */
export type TrustedRecords = Map<string, string> | null;

/** Reads the kept texts; null when the file is absent or unreadable (first use). */
export async function loadTrustedRecords(stateDir: string): Promise<TrustedRecords> {
  try {
    const data = JSON.parse(await readFile(path.join(stateDir, NAME), 'utf8')) as Record<string, unknown>;
    if (data.formatVersion !== 1 || typeof data.records !== 'object' || data.records === null) return null;
    const out = new Map<string, string>();
    for (const [name, text] of Object.entries(data.records as Record<string, unknown>))
      if (isRecordName(name) && typeof text === 'string') out.set(name, text);
    return out;
  } catch {
    return null;
  }
}

/** Writes the kept texts durably. */
export async function saveTrustedRecords(
  stateDir: string,
  records: ReadonlyMap<string, string>,
): Promise<void> {
  const body = {
    formatVersion: 1,
    records: Object.fromEntries([...records].sort(([a], [b]) => (a < b ? -1 : 1))),
  };
  await writeFileDurably(path.join(stateDir, NAME), `${JSON.stringify(body)}\n`);
}

/** A file name the daemon could have written for a record (never a path, never FLEET.md or ack-rewrite.yaml). */
function isRecordName(name: string): boolean {
  return /^[A-Za-z0-9][A-Za-z0-9._-]{0,252}$/.test(name) && name !== 'ack-rewrite' && !name.includes('..');
}

/**
 * Part of the load step (after restoreRecords): under verification, the records the planner reads
 * become the kept ones. Returns `restored` with each differing record replaced by the kept text
 * (marked repaired, so the record step commits it) and each record the daemon never wrote taken
 * out. Writes nothing: the record step writes the result (restored-records.ts).
 */
export async function trustRecords(
  deps: { root: string; config: { verify: { allowedSignersFile: string | null } } },
  input: { kept: ReadonlyMap<string, string> | null; restored: Restored },
  log: Pick<Logger, 'warn'>,
): Promise<Restored> {
  const { kept, restored } = input;
  if (deps.config.verify.allowedSignersFile === null || kept === null) return restored;
  const overlay = new Map(restored.overlay);
  const repaired = new Set(restored.repaired);
  const inTree = new Set([...(await overlaidNames(deps.root, restored.overlay))].filter(isRecordName));
  for (const name of new Set([...inTree, ...kept.keys()])) {
    const text = inTree.has(name) ? await overlaidText(deps.root, name, restored.overlay) : null;
    const trusted = kept.get(name);
    if (text === trusted) continue;
    overlay.set(name, trusted ?? null);
    if (trusted !== undefined) repaired.add(name);
    log.warn(
      { serviceName: name, code: 'status-record-untrusted', restored: trusted !== undefined },
      trusted === undefined
        ? 'status record not written by the daemon: ignored'
        : 'status record differs from the one the daemon wrote: restored',
    );
  }
  return { overlay, repaired };
}

/**
 * After the record step: the texts of the records just written (and, on first use, of every
 * record found) kept durably. `written` names the servers whose record file was written; `records`
 * are the cycle's records. Returns the new kept texts, or null when they did not change.
 */
export async function keepTrustedRecords(
  deps: Pick<CycleDeps, 'config' | 'root' | 'stateDir'>,
  input: {
    kept: ReadonlyMap<string, string> | null;
    block: CycleBlock | null;
    records: ReadonlyMap<string, unknown>;
    written: readonly string[];
  },
): Promise<Map<string, string> | null> {
  if (deps.config.verify.allowedSignersFile === null) return null;
  const first = input.kept === null;
  // First use is not taken from a head whose commits failed verification.
  if (first && input.block?.reason === 'signature-invalid') return null;
  const kept = new Map(input.kept ?? []);
  const names = first ? [...input.records.keys()] : input.written;
  let changed = first;
  for (const name of names) {
    if (!isRecordName(name)) continue;
    const text = await readFile(path.join(deps.root, 'status', `${name}.yaml`), 'utf8').catch(() => null);
    if (text === null || kept.get(name) === text) continue;
    kept.set(name, text);
    changed = true;
  }
  if (!changed) return null;
  await saveTrustedRecords(deps.stateDir, kept);
  return kept;
}

/**
 * The git history of the status records as the daemon may trust it under verification: a server
 * whose record the daemon never kept never existed in history (first sight, as trust-records
 * leaves it), and of a kept one only the version equal to the kept text counts. Status commits
 * are unsigned, so any other version may be anyone's. Null `kept` (first use, or no
 * verification): the history as it is.
 */
export function trustedRecordHistory(
  history: RecordHistory,
  kept: ReadonlyMap<string, string> | null,
): RecordHistory {
  if (kept === null) return history;
  const nameOf = (file: string): string => path.posix.basename(file, '.yaml');
  return {
    async everCommitted(files) {
      const ours = files.filter((file) => kept.has(nameOf(file)));
      return ours.length === 0 ? new Set() : history.everCommitted(ours);
    },
    commitsTouching: (file, limit) => history.commitsTouching(file, limit),
    async readAt(commit, file) {
      const text = await history.readAt(commit, file);
      return text !== null && text === kept.get(nameOf(file)) ? text : null;
    },
  };
}
