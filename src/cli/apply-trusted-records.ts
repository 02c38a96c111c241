/**
 * `apply --allowed-signers`: the status records apply plans from are the ones the daemon (or an
 * earlier verified apply) kept in `<state-dir>/trusted-records.json`, as the daemon's
 * trust-records step does (src/daemon/trusted-records.ts). Status commits are not signed, so an
 * unsigned edit of `status/<serviceName>.yaml` (e.g. its `lastApplied.digest`) must not plan a
 * reinstall. A record that differs from the kept text is replaced by it, a missing one is put
 * back, one never kept is ignored. With nothing kept in the state directory, apply refuses a
 * repository that holds records (`status-records-unverified`): the daemon takes the records of
 * its first verified cycle as they are (trust on first use), but apply often runs from a fresh
 * state directory, where that would trust every hand edit.
 * After apply records its outcomes in git, the texts it wrote are kept too, so that neither the
 * daemon on the same state directory nor the next apply takes them for hand edits.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { FleetError } from '../core/errors.js';
import { isServiceName } from '../core/service-name.js';
import { loadTrustedRecords, saveTrustedRecords, type TrustedRecords } from '../daemon/trusted-records.js';
import type { GatheredPlanInput } from '../pipeline/plan-input.js';
import { parseStatusRecord, serializeStatusRecord } from '../records/status-record.js';
import type { StatusRecord } from '../records/types.js';

/** What planning takes from the kept records. */
export interface TrustedPlanInput {
  gathered: GatheredPlanInput;
  /** Servers whose record in the repository was not the kept one (warned about). */
  untrusted: string[];
  kept: Map<string, string>;
}

/** Replaces the records of `gathered` by the kept ones (first use: keeps those found). */
export async function planFromTrustedRecords(
  stateDir: string,
  gathered: GatheredPlanInput,
): Promise<TrustedPlanInput> {
  const loaded: TrustedRecords = await loadTrustedRecords(stateDir);
  const found = gathered.input.applied;
  if (loaded === null) {
    // Nothing kept: records found in git cannot be told from hand edits. A fleet without any
    // record yet has nothing to trust (first sight); one with records needs the kept ones.
    if (found.size > 0 || (gathered.input.lostRecords?.size ?? 0) > 0) {
      throw new FleetError(
        'status-records-unverified',
        `status/ holds ${found.size} record(s) but ${path.join(stateDir, 'trusted-records.json')} keeps none: status commits are not signed, so apply --allowed-signers plans only from the records the daemon kept; run it with the daemon's state directory (stop the daemon first). Nothing was applied.`,
      );
    }
    const kept = new Map<string, string>();
    await saveTrustedRecords(stateDir, kept);
    return { gathered, untrusted: [], kept };
  }
  const applied = new Map<string, StatusRecord>();
  for (const [name, text] of loaded) {
    const { record } = parseStatusRecord(text, `status/${name}.yaml`);
    if (record) applied.set(name, record);
  }
  const untrusted = [...new Set([...found.keys(), ...applied.keys()])].filter((name) => {
    const a = found.get(name);
    const b = applied.get(name);
    return (a ? serializeStatusRecord(a) : null) !== (b ? serializeStatusRecord(b) : null);
  });
  const lost = gathered.input.lostRecords;
  const input = {
    ...gathered.input,
    applied,
    ...(lost ? { lostRecords: new Set([...lost].filter((name) => !applied.has(name))) } : {}),
  };
  return { gathered: { ...gathered, input }, untrusted: untrusted.sort(), kept: loaded };
}

/** After a status commit: keeps the texts of the records of `names` in `root` (the record clone). */
export async function keepRecordsWritten(
  stateDir: string,
  kept: Map<string, string>,
  root: string,
  names: Iterable<string>,
): Promise<void> {
  let changed = false;
  for (const name of names) {
    if (!isServiceName(name)) continue;
    const text = await readFile(path.join(root, 'status', `${name}.yaml`), 'utf8').catch(() => null);
    if (text === null || kept.get(name) === text) continue;
    kept.set(name, text);
    changed = true;
  }
  if (changed) await saveTrustedRecords(stateDir, kept);
}
