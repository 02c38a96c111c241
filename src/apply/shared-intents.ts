/**
 * The shared record of intent: what every writer (the daemon, `ovh-fleet apply`, a second
 * instance) sees before it posts a reinstall. A writer commits one marker per server it is about
 * to reinstall, `status/intents/<serviceName>.json`, to the status branch of the fleet
 * repository and pushes it BEFORE the POST; a push refused because the branch moved is a
 * compare-and-swap failure (nothing is posted, the writer plans again). Every writer reads the
 * markers when it plans (resolve-shared-intents.ts). The local journal (intent-journal.ts) stays
 * the crash-safety layer inside one writer. docs/apply.md, "Several writers".
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { writeFileDurably } from './atomic-file.js';
import type { Clock } from '../core/clock.js';
import { canonicalizeSpec, digestOfCanonical } from '../plan/digest.js';
import type { Plan, PlanServer } from '../plan/types.js';
import type { ServerSpec } from '../specs/types.js';
import type { CanonicalSpec, StatusRecord } from '../records/types.js';

/** Folder of the markers, relative to the fleet root. */
export const SHARED_INTENT_DIR = 'status/intents';

/** After this long without a visible task, a marker no longer holds other writers (see docs/apply.md). */
export const SHARED_INTENT_HOLD_MS = 15 * 60_000;

/** A writer posts only this long after its marker was pushed; later it plans again. */
export const SHARED_INTENT_POST_DEADLINE_MS = 5 * 60_000;

/**
 * One marker: a writer's announced attempt to reinstall a server. Holds no secret: the
 * canonical spec has `{$env: NAME}` and file hashes only.
 */
export interface SharedIntent {
  formatVersion: 1;
  serviceName: string;
  /** Unique per attempt. */
  attemptId: string;
  /** Who: `daemon@host#pid-token` or `apply@host#pid-token` (token: per state directory, writerIdFor). */
  writer: string;
  digest: string;
  operatingSystem: string;
  planHash: string;
  /** Spec commit of the plan. */
  revision: string;
  /** When the writer recorded it (its clock), ISO. */
  recordedAt: string;
  /** The spec being installed, so any writer can record it as applied once the task is done. */
  spec: CanonicalSpec;
}

/** A marker file that could not be read (reported, never fatal: it holds nothing). */
export interface SharedIntentProblem {
  file: string;
  message: string;
}

/**
 * The id of this process as a writer: `kind@host#pid-<id of the state directory>`. The last part
 * is kept in `<stateDir>/writer-id`, so a process restarted on the SAME state directory is the same
 * writer (its journal knows what it posted: a marker without a journal entry was never posted),
 * while one on an empty state directory is a new writer that reads its predecessor's markers
 * like anyone else's. Without a state directory the last part is random.
 */
export async function writerIdFor(kind: 'daemon' | 'apply', stateDir?: string): Promise<string> {
  let token = randomBytes(6).toString('hex');
  if (stateDir !== undefined) {
    const file = join(stateDir, 'writer-id');
    const kept = (await readFile(file, 'utf8').catch(() => '')).trim();
    if (/^[0-9a-f]{12}$/.test(kept)) token = kept;
    else {
      await mkdir(stateDir, { recursive: true });
      await writeFileDurably(file, `${token}\n`);
    }
  }
  return `${kind}@${hostname()}#${process.pid}-${token}`;
}

/** True when two writer ids name the same writer (the pid of the process does not count). */
export function sameWriter(a: string, b: string): boolean {
  const strip = (id: string): string => id.replace(/#\d+-/, '#-');
  return strip(a) === strip(b);
}

/** A new attempt id. */
export function newAttemptId(): string {
  return randomBytes(8).toString('hex');
}

/** `status/intents/<serviceName>.json` (the name is a validated service name). */
export function sharedIntentPath(serviceName: string): string {
  return `${SHARED_INTENT_DIR}/${serviceName}.json`;
}

/** The marker's file text (stable key order, one line per key). */
export function serializeSharedIntent(intent: SharedIntent): string {
  return `${JSON.stringify(intent, null, 2)}\n`;
}

/** Parses a marker; never throws. The file name must match the service name. */
export function parseSharedIntent(
  text: string,
  file: string,
): { intent: SharedIntent } | { problem: SharedIntentProblem } {
  const fail = (message: string): { problem: SharedIntentProblem } => ({ problem: { file, message } });
  if (text.length > 256 * 1024) return fail('the file is too large');
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    return fail(`not JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return fail('not a JSON object');
  const e = data as Record<string, unknown>;
  if (e.formatVersion !== 1) return fail('field formatVersion missing or not 1');
  for (const field of [
    'serviceName',
    'attemptId',
    'writer',
    'digest',
    'operatingSystem',
    'planHash',
    'revision',
    'recordedAt',
  ]) {
    if (typeof e[field] !== 'string') return fail(`field ${field} missing or not a string`);
  }
  if (Number.isNaN(Date.parse(e.recordedAt as string))) return fail('field recordedAt is not a time');
  if (!/^sha256:[0-9a-f]{64}$/.test(e.digest as string)) return fail('field digest is not a sha256 digest');
  const spec = e.spec as Record<string, unknown> | null;
  if (typeof spec !== 'object' || spec === null || typeof spec.operatingSystem !== 'string')
    return fail('field spec missing or not a canonical spec');
  if (!file.endsWith(`/${e.serviceName as string}.json`))
    return fail(`serviceName ${String(e.serviceName)} does not match the file name`);
  const lie = markerLie(data as SharedIntent);
  if (lie !== null) return fail(lie);
  return { intent: data as SharedIntent };
}

/**
 * Why a marker contradicts itself, or null: its digest must be its own spec's canonical digest
 * and its OS the spec's. Markers are unsigned: a marker that lies about its digest could
 * otherwise record an arbitrary digest as applied (and plan a reinstall). Such a marker is
 * never used.
 */
export function markerLie(intent: SharedIntent): string | null {
  let digest: string;
  try {
    digest = digestOfCanonical(intent.spec);
  } catch {
    return 'field spec is not a canonical spec';
  }
  if (digest !== intent.digest) return `field digest is not the digest of its spec (${digest})`;
  if (intent.operatingSystem !== intent.spec.operatingSystem)
    return 'field operatingSystem is not the operating system of its spec';
  return null;
}

/**
 * True when the server's status record already tells how the marker's attempt ended: a
 * reinstall of that digest applied, or an attempt of it failed, after the marker was recorded.
 * Such a marker needs no look at OVHcloud.
 */
export function isSettled(intent: SharedIntent, record: StatusRecord | undefined): boolean {
  const at = Date.parse(intent.recordedAt);
  const applied = record?.lastApplied;
  if (applied?.digest === intent.digest && Date.parse(applied.finishedAt) >= at) return true;
  const attempt = record?.lastAttempt;
  return (
    attempt?.digest === intent.digest &&
    attempt.result !== 'running' &&
    attempt.finishedAt !== null &&
    Date.parse(attempt.finishedAt) >= at
  );
}

/** What a claim gave. */
export type ClaimVerdict =
  | { kind: 'claimed' }
  /** The status branch moved since the plan read it: nothing may be posted. */
  | { kind: 'raced'; message: string }
  /** The remote refused the push for another reason (permissions, protection). */
  | { kind: 'refused'; message: string };

/** Commits markers to the shared record, compare-and-swap on the revision the plan read. */
export interface IntentClaimer {
  /** Records every marker of the batch in ONE commit; `raced` when the branch moved. */
  claim(intents: readonly SharedIntent[]): Promise<ClaimVerdict>;
}

/** The shared-record side of one apply run. */
export interface SharedIntentDeps {
  claimer: IntentClaimer;
  /** This process's writer id. */
  writer: string;
  /** Servers another writer is about to reinstall (from resolve-shared-intents): message per server. */
  holds: ReadonlyMap<string, string>;
}

/**
 * Groups the starts of one run into batches: every start launched before the next `flush()`
 * shares one claim (one commit, one push). A start waits for its batch's verdict before it posts.
 */
export class ClaimBatch {
  private pending: { intent: SharedIntent; resolve: (v: ClaimVerdict) => void }[] = [];
  private running: Promise<void> = Promise.resolve();

  constructor(private readonly claimer: IntentClaimer) {}

  /** Adds a marker to the current batch; resolves with the batch's verdict once flushed. */
  add(intent: SharedIntent): Promise<ClaimVerdict> {
    return new Promise((resolve) => this.pending.push({ intent, resolve }));
  }

  /** Claims the current batch (nothing when empty). Never throws: a failure refuses the batch. */
  flush(): Promise<void> {
    const batch = this.pending;
    this.pending = [];
    this.running = this.running.then(async () => {
      if (batch.length === 0) return;
      let verdict: ClaimVerdict;
      try {
        verdict = await this.claimer.claim(batch.map((b) => b.intent));
      } catch (error) {
        verdict = { kind: 'refused', message: error instanceof Error ? error.message : String(error) };
      }
      for (const b of batch) b.resolve(verdict);
    });
    return this.running;
  }
}

/**
 * Puts one start's marker into the current batch and waits for the batch's verdict. Null: the
 * marker is in the shared record and the POST may go; else why it may not.
 */
export async function claimStart(
  claims: ClaimBatch,
  clock: Clock,
  writer: string,
  plan: Plan,
  entry: PlanServer,
  spec: ServerSpec,
): Promise<Exclude<ClaimVerdict, { kind: 'claimed' }> | null> {
  const recordedAt = clock.now();
  const verdict = await claims.add({
    formatVersion: 1,
    serviceName: entry.serviceName as string,
    attemptId: newAttemptId(),
    writer,
    digest: entry.digest as string,
    operatingSystem: spec.operatingSystem,
    planHash: plan.planHash,
    revision: plan.revision,
    recordedAt: new Date(recordedAt).toISOString(),
    spec: canonicalizeSpec(spec),
  });
  if (verdict.kind !== 'claimed') return verdict;
  // Other writers stop waiting for a marker after SHARED_INTENT_HOLD_MS: never post that late.
  if (clock.now() - recordedAt > SHARED_INTENT_POST_DEADLINE_MS)
    return { kind: 'raced', message: 'the shared intent was recorded too long ago; planning again' };
  return null;
}
