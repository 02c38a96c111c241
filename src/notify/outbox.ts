/**
 * The durable outbox of notifications (docs/notifications.md, "Delivery guarantees"), in
 * `<stateDir>/notify/`: `outbox/<id>.json` one file per delivery waiting to be sent, `dead/` the
 * deliveries that failed `maxAttempts` times (kept for the operator), `memory.json` what the
 * transitions remember (src/notify/transitions.ts). Every write is atomic and fsynced
 * (src/apply/atomic-file.ts). A delivery is written before it is sent and removed after the
 * receiver accepted it: a crash in between sends it again, with the same idempotency key. Its
 * file name derives from (sink, key), so writing the same delivery twice writes one file. A
 * cycle's deliveries are sent only after its memory is written, and on opening, the keys of the
 * deliveries found waiting count as enqueued: a crash at any point sends an event at most twice.
 */
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { syncDirectory, TEMP_PREFIX, writeFileDurably } from '../apply/atomic-file.js';
import type { Delivery } from './sink.js';
import type { NotifyMemory } from './transitions.js';

/** One delivery waiting in the outbox (or dead). */
export interface OutboxEntry {
  formatVersion: 1;
  /** File name stem: derived from sink and key. */
  id: string;
  sink: string;
  /** Order of enqueueing: deliveries of a sink are sent oldest first. */
  seq: number;
  delivery: Delivery;
  createdAt: string;
  /** Failed attempts so far. */
  attempts: number;
  /** Not sent before this time (the clock's milliseconds). */
  nextAttemptAt: number;
  /** What the last attempt met (an HTTP status or an error code, never a body or a URL). */
  lastError: string | null;
}

/** The id of (sink, delivery key). */
export function entryIdOf(sink: string, key: string): string {
  return createHash('sha256').update(`${sink}\0${key}`).digest('hex').slice(0, 40);
}

/** The outbox of one state directory. */
export class Outbox {
  private readonly entries = new Map<string, OutboxEntry>();
  private readonly dead = new Set<string>();
  private seq = 0;

  private constructor(
    readonly dir: string,
    /** What the transitions remembered last; null before the first cycle ever recorded. */
    public memory: NotifyMemory | null,
  ) {}

  /** Opens (creating) `<stateDir>/notify/` and reads what waits in it. Unreadable entries go to dead/. */
  static async open(stateDir: string): Promise<{ outbox: Outbox; unreadable: string[] }> {
    const dir = path.join(stateDir, 'notify');
    for (const sub of ['outbox', 'dead']) await mkdir(path.join(dir, sub), { recursive: true, mode: 0o700 });
    const outbox = new Outbox(dir, await readMemory(path.join(dir, 'memory.json')));
    const unreadable: string[] = [];
    for (const name of await readdir(path.join(dir, 'outbox'))) {
      if (name.startsWith(TEMP_PREFIX) || !name.endsWith('.json')) continue;
      const file = path.join(dir, 'outbox', name);
      const entry = parseEntry(await readFile(file, 'utf8').catch(() => ''));
      if (entry === null || `${entry.id}.json` !== name) {
        unreadable.push(name);
        await rename(file, path.join(dir, 'dead', name));
        continue;
      }
      outbox.entries.set(entry.id, entry);
      outbox.seq = Math.max(outbox.seq, entry.seq);
    }
    for (const name of await readdir(path.join(dir, 'dead')))
      if (name.endsWith('.json')) outbox.dead.add(name.slice(0, -'.json'.length));
    outbox.memory = withWaitingKeys(outbox.memory, outbox.entries.values());
    return { outbox, unreadable };
  }

  /** Deliveries waiting, oldest first. */
  waiting(): OutboxEntry[] {
    return [...this.entries.values()].sort((a, b) => a.seq - b.seq);
  }

  /** How many deliveries wait. */
  get size(): number {
    return this.entries.size;
  }

  /**
   * Writes the deliveries (those already waiting or dead are left as they are), then the memory.
   * Returns the entries written.
   */
  async enqueue(
    deliveries: ReadonlyArray<{ sink: string; delivery: Delivery }>,
    memory: NotifyMemory,
    now: number,
  ): Promise<OutboxEntry[]> {
    const written = new Map<string, OutboxEntry>();
    for (const { sink, delivery } of deliveries) {
      const id = entryIdOf(sink, delivery.key);
      if (this.entries.has(id) || this.dead.has(id) || written.has(id)) continue;
      const entry: OutboxEntry = {
        formatVersion: 1,
        id,
        sink,
        seq: ++this.seq,
        delivery,
        createdAt: new Date(now).toISOString(),
        attempts: 0,
        nextAttemptAt: now,
        lastError: null,
      };
      await writeFileDurably(this.fileOf(id), `${JSON.stringify(entry)}\n`);
      written.set(id, entry);
    }
    await writeFileDurably(path.join(this.dir, 'memory.json'), `${JSON.stringify(memory)}\n`);
    this.memory = memory;
    // Sent only once the memory says they were enqueued: a send never precedes that record.
    for (const [id, entry] of written) this.entries.set(id, entry);
    return [...written.values()];
  }

  /** The receiver accepted it: forgotten. */
  async remove(entry: OutboxEntry): Promise<void> {
    await rm(this.fileOf(entry.id), { force: true });
    this.entries.delete(entry.id);
  }

  /** One more failed attempt, and when to try again. */
  async recordFailure(entry: OutboxEntry, error: string, nextAttemptAt: number): Promise<OutboxEntry> {
    const next: OutboxEntry = { ...entry, attempts: entry.attempts + 1, lastError: error, nextAttemptAt };
    await writeFileDurably(this.fileOf(entry.id), `${JSON.stringify(next)}\n`);
    this.entries.set(entry.id, next);
    return next;
  }

  /** Moves it to dead/ (kept on disk, never sent again). */
  async deadLetter(entry: OutboxEntry): Promise<void> {
    await rename(this.fileOf(entry.id), path.join(this.dir, 'dead', `${entry.id}.json`));
    await syncDirectory(path.join(this.dir, 'dead'));
    this.entries.delete(entry.id);
    this.dead.add(entry.id);
  }

  private fileOf(id: string): string {
    return path.join(this.dir, 'outbox', `${id}.json`);
  }
}

/**
 * The memory with the keys of the events waiting in the outbox: after a crash between writing a
 * cycle's deliveries and its memory, the deliveries are sent from the outbox and the next cycle
 * does not enqueue their events again. (No memory: a baseline, which enqueues nothing anyway.)
 */
function withWaitingKeys(memory: NotifyMemory | null, waiting: Iterable<OutboxEntry>): NotifyMemory | null {
  if (memory === null) return null;
  const known = new Set(memory.recent);
  const missing: string[] = [];
  for (const entry of waiting)
    for (const event of entry.delivery.events)
      if (!known.has(event.idempotencyKey)) {
        known.add(event.idempotencyKey);
        missing.push(event.idempotencyKey);
      }
  return missing.length === 0 ? memory : { ...memory, recent: [...memory.recent, ...missing] };
}

async function readMemory(file: string): Promise<NotifyMemory | null> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return null;
  }
  try {
    const value = JSON.parse(text) as NotifyMemory;
    if (value.formatVersion === 1 && typeof value.seen === 'object' && Array.isArray(value.recent))
      return value;
  } catch {
    // An unreadable memory is a baseline: nothing is announced for the next cycle.
  }
  return null;
}

function parseEntry(text: string): OutboxEntry | null {
  try {
    const e = JSON.parse(text) as OutboxEntry;
    const ok =
      e.formatVersion === 1 &&
      typeof e.id === 'string' &&
      typeof e.sink === 'string' &&
      typeof e.seq === 'number' &&
      typeof e.attempts === 'number' &&
      typeof e.nextAttemptAt === 'number' &&
      typeof e.delivery?.key === 'string' &&
      Array.isArray(e.delivery.events) &&
      e.id === entryIdOf(e.sink, e.delivery.key);
    return ok ? e : null;
  } catch {
    return null;
  }
}
