/**
 * With verify.allowedSignersFile, the status records that drive decisions are the daemon's own.
 * Anyone who can push to the status directory could otherwise plan a reinstall without a signed
 * commit (e.g. by editing `lastApplied.digest`): status commits are not signed, so their
 * signatures cannot tell the daemon's records from a hand edit.
 *
 * The daemon keeps the text of every record it wrote in `<stateDir>/trusted-records.json`
 * (written durably). Before planning, each record of the working tree is compared with the kept
 * text: a different one is replaced by the kept text (and committed again by the status step),
 * a missing one is put back, and one the daemon never wrote is taken out of the working tree (the
 * server is then planned as it was before that file appeared). Nothing of this runs without
 * verification.
 *
 * The same holds for git history: a missing record is taken from history
 * (src/plan/recover-records.ts) only in a version the daemon kept, so a record it never wrote is
 * first sight, not brought back from an unsigned commit (trustedRecordHistory).
 *
 * The first time verification runs on a state directory, nothing is kept yet: the records found
 * in the repository are taken as they are (trust on first use; docs/security.md).
 */
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { writeFileDurably } from '../apply/atomic-file.js';
import type { RecordHistory } from '../plan/recover-records.js';
import type { CycleContext, CycleStep } from './types.js';

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

/** The cycle step (after restore-records): makes the working tree's records the kept ones. */
export const trustRecords: CycleStep = async (ctx) => {
  const { rt, state } = ctx;
  const kept = rt.memory.trustedRecords;
  if (rt.config.verify.allowedSignersFile === null || kept === null) return 'continue';
  const dir = path.join(rt.root, 'status');
  const inTree = new Set(
    (await readdir(dir).catch(() => [] as string[]))
      .filter((f) => f.endsWith('.yaml'))
      .map((f) => f.slice(0, -'.yaml'.length))
      .filter(isRecordName),
  );
  for (const name of new Set([...inTree, ...kept.keys()])) {
    const file = path.join(dir, `${name}.yaml`);
    const text = inTree.has(name) ? await readFile(file, 'utf8').catch(() => null) : null;
    const trusted = kept.get(name);
    if (text === trusted) continue;
    if (trusted === undefined) {
      await rm(file, { force: true });
    } else {
      await writeFile(file, trusted);
      state.repaired.add(name);
    }
    ctx.log.warn(
      { serviceName: name, code: 'status-record-untrusted', restored: trusted !== undefined },
      trusted === undefined
        ? 'status record not written by the daemon: ignored'
        : 'status record differs from the one the daemon wrote: restored',
    );
  }
  return 'continue';
};

/**
 * After the status step: keeps the texts of the records just written (and, on first use, of
 * every record found), durably. `written` names the servers whose record file was written.
 */
export async function keepTrustedRecords(ctx: CycleContext, written: readonly string[]): Promise<void> {
  const { rt } = ctx;
  if (rt.config.verify.allowedSignersFile === null || ctx.state.plan === null) return;
  const first = rt.memory.trustedRecords === null;
  // First use is not taken from a head whose commits failed verification.
  if (first && ctx.state.block?.reason === 'signature-invalid') return;
  const kept = new Map(rt.memory.trustedRecords ?? []);
  const names = first ? [...rt.memory.records.keys()] : written;
  let changed = first;
  for (const name of names) {
    if (!isRecordName(name)) continue;
    const text = await readFile(path.join(rt.root, 'status', `${name}.yaml`), 'utf8').catch(() => null);
    if (text === null || kept.get(name) === text) continue;
    kept.set(name, text);
    changed = true;
  }
  if (!changed) return;
  await saveTrustedRecords(rt.stateDir, kept);
  rt.memory.trustedRecords = kept;
}

/**
 * The git history of the status records as the daemon may trust it under verification: a server
 * whose record the daemon never kept never existed in history (first sight, as trust-records
 * leaves it), and of a kept one only the version equal to the kept text counts. Status commits
 * are unsigned, so any other version may be anyone's. Null `kept` (first use, or no
 * verification): the history as it is.
 */
export function trustedRecordHistory(history: RecordHistory, kept: TrustedRecords): RecordHistory {
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
