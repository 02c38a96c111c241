/**
 * The intent journal: the executor's durable memory of every reinstall it meant to post, kept in
 * `<stateDir>/intents/`, ONE FILE PER INTENT (`<serviceName>__<createdAtMs>__<digest16>.json`).
 * Before each POST the intent is written (temp file, fsync, rename, fsync of the directory);
 * after the answer it is rewritten with the task id; when the task ends, with the outcome.
 * After a crash, entries that are not finished are reconciled with OVHcloud's task list before
 * anything is posted (see reconcile.ts). One file per intent keeps every write small and atomic
 * and lets a corrupted file name its server and digest through its file name; a corrupted entry
 * is reported, never fatal.
 */
import { mkdir, readdir, readFile, rename, rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { Clock } from '../core/clock.js';
import { TEMP_PREFIX, writeFileDurably } from './atomic-file.js';

/**
 * Where an intent stands:
 * - `intended`: recorded, POST not answered yet (a crash here leaves it unknown whether it left);
 * - `posted`: OVHcloud answered with a task id;
 * - `ambiguous`: the POST failed in a way that may have created a task (timeout, reset, 5xx);
 * - `not-posted`: known that no task came of it (refused, or the task list showed none);
 * - `finished`: the task ended and `outcome` says how.
 */
export type IntentState = 'intended' | 'posted' | 'ambiguous' | 'not-posted' | 'finished';

/**
 * True while an intent is still open: its POST may have left (`intended`, `ambiguous`) or its task
 * runs (`posted`). An open intent is reconciled with OVHcloud's task list before anything is posted.
 */
export function isOpenIntent(entry: Pick<IntentEntry, 'state'>): boolean {
  return entry.state === 'intended' || entry.state === 'posted' || entry.state === 'ambiguous';
}

/** How a finished intent ended (a subset of the executor's outcome, without secrets). */
export interface IntentOutcome {
  result: 'done' | 'failed';
  /** An apply code (src/core/codes/apply-codes.ts). */
  code: string;
  message: string;
  finishedAt: string;
}

/** One journal entry: everything needed to reconcile a reinstall after a crash. Holds no secret. */
export interface IntentEntry {
  formatVersion: 1;
  /** The file stem; stable for the life of the intent. */
  id: string;
  serviceName: string;
  /** `sha256:<hex>` digest of the spec being installed. */
  digest: string;
  planHash: string;
  /** Spec commit of the plan. */
  revision: string;
  operatingSystem: string;
  /** When the intent was recorded (executor clock), milliseconds since the epoch. */
  createdAtMs: number;
  /**
   * OVHcloud's clock (`GET /auth/time`) read right before the intent was recorded, in ms; task
   * dates are compared with it, never with our clock (see our-task.ts). Absent in entries
   * written by older versions (then our clock with a skew allowance stands in).
   */
  apiTimeMs?: number;
  /**
   * Reinstall task ids that existed on the server when the preflight looked, just before the
   * POST. A task not in this list, started at or after the intent (within the skew allowance),
   * is ours.
   */
  priorTaskIds: number[];
  state: IntentState;
  taskId: number | null;
  /** True when the task was not created by this intent (TaskAlreadyExists, foreign task). */
  adopted: boolean;
  outcome: IntentOutcome | null;
  updatedAtMs: number;
}

/** A journal file that could not be read; its name still tells server and digest. */
export interface JournalProblem {
  file: string;
  serviceName: string | undefined;
  /** First 16 hex digits of the digest, from the file name. */
  digestPrefix: string | undefined;
  /** When the intent was recorded, from the file name. */
  createdAtMs: number | undefined;
  message: string;
}

/** What reading the journal gives: the readable entries and the problems with the others. */
export interface JournalContents {
  entries: IntentEntry[];
  problems: JournalProblem[];
}

/** Fields given when recording a new intent. */
export type NewIntent = Pick<
  IntentEntry,
  'serviceName' | 'digest' | 'planHash' | 'revision' | 'operatingSystem' | 'priorTaskIds' | 'apiTimeMs'
>;

const DAY_MS = 86_400_000;

/** Where unreadable entries are moved once resolved (journal-problems.ts), inside `intents/`. */
export const QUARANTINE_DIR = 'quarantine';

/** The journal of one state directory. Entries are immutable values; updates rewrite the file. */
export class IntentJournal {
  readonly dir: string;
  private readonly clock: Clock;
  private ready: Promise<void> | undefined;

  constructor(stateDir: string, clock: Clock) {
    this.dir = join(stateDir, 'intents');
    this.clock = clock;
  }

  /** Records a new intent durably, before the POST. */
  async create(intent: NewIntent): Promise<IntentEntry> {
    const now = this.clock.now();
    const entry: IntentEntry = {
      formatVersion: 1,
      id: intentId(intent.serviceName, now, intent.digest),
      ...intent,
      priorTaskIds: [...intent.priorTaskIds],
      createdAtMs: now,
      state: 'intended',
      taskId: null,
      adopted: false,
      outcome: null,
      updatedAtMs: now,
    };
    await this.write(entry);
    return entry;
  }

  /** Rewrites an intent with `patch` applied, durably; returns the new entry. */
  async update(
    entry: IntentEntry,
    patch: Partial<Pick<IntentEntry, 'state' | 'taskId' | 'adopted' | 'outcome'>>,
  ): Promise<IntentEntry> {
    const next: IntentEntry = { ...entry, ...patch, updatedAtMs: this.clock.now() };
    await this.write(next);
    return next;
  }

  /** Reads every entry; unreadable files become problems. Sorted by creation time. */
  async read(): Promise<JournalContents> {
    await this.ensureDir();
    const entries: IntentEntry[] = [];
    const problems: JournalProblem[] = [];
    for (const name of (await readdir(this.dir)).sort()) {
      if (name.startsWith(TEMP_PREFIX) || !name.endsWith('.json')) continue;
      const parsedName = parseIntentFileName(name);
      try {
        const entry = validateEntry(JSON.parse(await readFile(join(this.dir, name), 'utf8')) as unknown);
        if (entry.id !== name.slice(0, -'.json'.length)) throw new Error('id does not match the file name');
        entries.push(entry);
      } catch (error) {
        problems.push({
          file: join(this.dir, name),
          serviceName: parsedName?.serviceName,
          digestPrefix: parsedName?.digestPrefix,
          createdAtMs: parsedName?.createdAtMs,
          message: error instanceof Error ? error.message : String(error),
        });
      }
    }
    entries.sort((a, b) => a.createdAtMs - b.createdAtMs || a.id.localeCompare(b.id));
    return { entries, problems };
  }

  /**
   * Moves an unreadable entry aside to `intents/quarantine/` (kept for the operator, never
   * deleted; the journal no longer reads it). Returns the new path.
   */
  async quarantine(problem: JournalProblem): Promise<string> {
    const dir = join(this.dir, QUARANTINE_DIR);
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const target = join(dir, basename(problem.file));
    await rename(problem.file, target);
    return target;
  }

  /** Deletes closed entries (journal-attempts.ts `settledEntries` says which); open ones are refused. */
  async remove(entries: readonly IntentEntry[]): Promise<number> {
    let removed = 0;
    for (const entry of entries) {
      if (entry.state !== 'finished' && entry.state !== 'not-posted') continue;
      await rm(join(this.dir, `${entry.id}.json`), { force: true });
      removed++;
    }
    return removed;
  }

  /** Deletes finished and not-posted entries older than `maxAgeMs` (default 30 days), and stale temp files. */
  async prune(maxAgeMs = 30 * DAY_MS): Promise<number> {
    const { entries } = await this.read();
    const limit = this.clock.now() - maxAgeMs;
    let removed = 0;
    for (const entry of entries) {
      if ((entry.state === 'finished' || entry.state === 'not-posted') && entry.updatedAtMs < limit) {
        await rm(join(this.dir, `${entry.id}.json`), { force: true });
        removed++;
      }
    }
    for (const name of await readdir(this.dir)) {
      if (name.startsWith(TEMP_PREFIX)) await rm(join(this.dir, name), { force: true });
    }
    return removed;
  }

  private async write(entry: IntentEntry): Promise<void> {
    await this.ensureDir();
    await writeFileDurably(join(this.dir, `${entry.id}.json`), `${JSON.stringify(entry, null, 2)}\n`);
  }

  private ensureDir(): Promise<void> {
    this.ready ??= mkdir(this.dir, { recursive: true, mode: 0o700 }).then(() => undefined);
    return this.ready;
  }
}

/** `<serviceName>__<createdAtMs>__<first 16 hex digits of the digest>`, safe as a file name. */
export function intentId(serviceName: string, createdAtMs: number, digest: string): string {
  return `${encodeURIComponent(serviceName)}__${createdAtMs}__${digestPrefix(digest)}`;
}

/** The first 16 hex digits of a `sha256:<hex>` digest. */
export function digestPrefix(digest: string): string {
  return digest.replace(/^sha256:/, '').slice(0, 16);
}

function parseIntentFileName(
  name: string,
): { serviceName: string; digestPrefix: string; createdAtMs: number } | undefined {
  const match = /^(.+)__(\d+)__([0-9a-f]{1,16})\.json$/.exec(name);
  if (!match) return undefined;
  try {
    return {
      serviceName: decodeURIComponent(match[1]!),
      digestPrefix: match[3]!,
      createdAtMs: Number(match[2]),
    };
  } catch {
    return undefined;
  }
}

const STATES: readonly IntentState[] = ['intended', 'posted', 'ambiguous', 'not-posted', 'finished'];

function validateEntry(data: unknown): IntentEntry {
  if (typeof data !== 'object' || data === null) throw new Error('not a JSON object');
  const e = data as Record<string, unknown>;
  const fail = (field: string): never => {
    throw new Error(`field ${field} missing or of the wrong type`);
  };
  if (e.formatVersion !== 1) fail('formatVersion');
  for (const field of ['id', 'serviceName', 'digest', 'planHash', 'revision', 'operatingSystem']) {
    if (typeof e[field] !== 'string') fail(field);
  }
  for (const field of ['createdAtMs', 'updatedAtMs']) if (typeof e[field] !== 'number') fail(field);
  if (e.apiTimeMs !== undefined && typeof e.apiTimeMs !== 'number') fail('apiTimeMs');
  if (!Array.isArray(e.priorTaskIds) || !e.priorTaskIds.every((id) => typeof id === 'number')) {
    fail('priorTaskIds');
  }
  if (!STATES.includes(e.state as IntentState)) fail('state');
  if (e.taskId !== null && typeof e.taskId !== 'number') fail('taskId');
  if (typeof e.adopted !== 'boolean') fail('adopted');
  if (e.outcome !== null) {
    const o = e.outcome as Record<string, unknown> | undefined;
    if (typeof o !== 'object' || (o.result !== 'done' && o.result !== 'failed')) fail('outcome');
  }
  return data as IntentEntry;
}
