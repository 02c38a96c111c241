/**
 * What the intent journal may still say about a server once its entries are closed. The journal
 * guards ONE attempt against a second post of that attempt; it never stands in for a reinstall
 * that a later commit asks for (DESIGN.md section 2: A → B → A reinstalls A again).
 *
 * - The attempt that counts is the server's NEWEST entry that may have touched the server (any
 *   state but `not-posted`, adopted tasks included). An older entry is superseded: whatever it
 *   did, something ran on the server after it.
 * - That attempt stands in for a plan entry only while its outcome is not recorded in git: the
 *   plan then asks for it again only because git does not know it ended. Once the status record
 *   holds the attempt (same task id), the plan was made knowing it, and the journal has no say.
 * - Nor once the status record holds a LATER attempt: another writer (another laptop's apply, the
 *   daemon) reinstalled the server after ours, so ours is superseded even though git never named
 *   it (A → B by us, B → A by another writer, then A → B again must post: review finding 1).
 *   Later means a different task that started after our intent was recorded, in OVHcloud's clock
 *   (task start dates against `apiTimeMs`, as our-task.ts matches tasks). Two reinstall tasks of
 *   a server never overlap, so such a task ran after ours: our POST followed the intent within
 *   seconds, far less than a reinstall lasts.
 * - Entries whose outcome is recorded, and superseded ones, can be deleted (`settledEntries`).
 * Pure: no I/O.
 */
import type { StatusRecord } from '../records/types.js';
import type { IntentEntry, IntentJournal } from './intent-journal.js';
import { DEFAULT_SKEW_MS, intentWindow } from './our-task.js';

const OPEN_STATES = new Set(['intended', 'posted', 'ambiguous']);

/** True when the entry is still open (resolved from the task list before anything is posted). */
export function isOpenEntry(entry: IntentEntry): boolean {
  return OPEN_STATES.has(entry.state);
}

/**
 * True when `record` (the status record in git) holds the outcome of `entry`'s task, or an
 * attempt of another task that started after `entry`'s intent (see the module comment).
 */
export function isRecorded(entry: IntentEntry, record: StatusRecord | undefined): boolean {
  if (!record || entry.taskId === null) return false;
  const attempt = record.lastAttempt;
  if (attempt && attempt.taskId === entry.taskId && attempt.result !== 'running') return true;
  if (record.lastApplied?.taskId === entry.taskId) return true;
  return isLaterAttempt(entry, attempt) || isLaterAttempt(entry, record.lastApplied);
}

/** True when `attempt` is a reinstall task other than `entry`'s that started after its intent. */
function isLaterAttempt(
  entry: IntentEntry,
  attempt: { taskId: number | null; startedAt: string } | null,
): boolean {
  if (!attempt || attempt.taskId === null || attempt.taskId === entry.taskId) return false;
  const started = Date.parse(attempt.startedAt);
  return !Number.isNaN(started) && started > intentWindow(entry, DEFAULT_SKEW_MS).latest;
}

/**
 * The finished attempt of ours whose outcome stands for `serviceName` because git does not know it
 * yet, or null. Only this entry may keep a plan entry from posting, and only at its own digest.
 */
export function unrecordedAttempt(
  entries: readonly IntentEntry[],
  serviceName: string,
  record: StatusRecord | undefined,
): IntentEntry | null {
  const latest = entries
    .filter((e) => e.serviceName === serviceName && e.state !== 'not-posted')
    .reduce<IntentEntry | null>(
      (newest, e) => (newest && newest.createdAtMs > e.createdAtMs ? newest : e),
      null,
    );
  if (!latest || latest.adopted || latest.state !== 'finished' || latest.outcome === null) return null;
  return isRecorded(latest, record) ? null : latest;
}

/**
 * The closed entries that no longer matter once `records` are in git: per server, every closed
 * entry created before the server's unrecorded attempt (or all closed entries when there is
 * none). Open entries are never settled.
 */
export function settledEntries(
  entries: readonly IntentEntry[],
  records: ReadonlyMap<string, StatusRecord>,
): IntentEntry[] {
  const byServer = new Map<string, IntentEntry[]>();
  for (const e of entries) byServer.set(e.serviceName, [...(byServer.get(e.serviceName) ?? []), e]);
  const settled: IntentEntry[] = [];
  for (const [serviceName, own] of byServer) {
    const record = records.get(serviceName);
    if (!record) continue; // nothing of this server is in git: keep everything
    const standing = unrecordedAttempt(own, serviceName, record);
    for (const e of own) {
      if (isOpenEntry(e) || e === standing) continue;
      if (standing && e.createdAtMs >= standing.createdAtMs) continue;
      settled.push(e);
    }
  }
  return settled;
}

/**
 * Deletes the journal entries that the records now in git settle (`settledEntries`), as the daemon
 * and `apply` do after each status commit: the journal guards an attempt only until git knows how
 * it ended, or that a later one ran. Returns how many were deleted.
 */
export async function forgetSettledIntents(
  journal: IntentJournal,
  inGit: ReadonlyMap<string, StatusRecord>,
): Promise<number> {
  const { entries } = await journal.read();
  return journal.remove(settledEntries(entries, inGit));
}
