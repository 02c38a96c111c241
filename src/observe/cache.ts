/**
 * Where observeFleet keeps what the OVHcloud API answered, so that the next plan asks less: a
 * key/value store of stamped JSON values. Two implementations: in memory (a long-running daemon,
 * tests) and a JSON file in the state directory (so a `plan` run in a new process starts warm).
 * The cache holds no secret: server facts, catalog names, task ids.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/** A cached value and when it was taken (milliseconds since the epoch, from the injected clock). */
export interface Stamped {
  at: number;
  value: unknown;
}

/**
 * The store observeFleet reads and writes. Values are plain JSON; readers check their shape
 * (a file may be old or edited) and treat a value of the wrong shape as absent.
 */
export interface ObservationCache {
  get(key: string): Stamped | undefined;
  set(key: string, value: unknown, at: number): void;
  delete(key: string): void;
  /** Every key held. */
  keys(): Iterable<string>;
  /** Makes the changes durable (writes the file); nothing to do in memory. */
  flush(): Promise<void>;
}

/** The cache of one process: a Map. */
export class MemoryObservationCache implements ObservationCache {
  protected readonly entries = new Map<string, Stamped>();

  get(key: string): Stamped | undefined {
    return this.entries.get(key);
  }

  set(key: string, value: unknown, at: number): void {
    this.entries.set(key, { at, value });
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  keys(): Iterable<string> {
    return [...this.entries.keys()];
  }

  async flush(): Promise<void> {}

  /** Number of entries, for tests and benchmarks. */
  get size(): number {
    return this.entries.size;
  }
}

/** Version of the cache file; a file of another version is ignored (the next run starts cold). */
export const CACHE_FILE_VERSION = 1;

/** The cache file's name inside the state directory. */
export const CACHE_FILE_NAME = 'observations.json';

/**
 * The cache kept in `<stateDir>/cache/observations.json`. Loaded whole by {@link openFileObservationCache},
 * written whole (temporary file + rename, so a crash leaves the old file or the new one) by
 * `flush` when something changed. A missing, unreadable or corrupted file is an empty cache:
 * losing the cache costs API calls, never correctness.
 */
export class FileObservationCache extends MemoryObservationCache {
  private dirty = false;

  constructor(readonly path: string) {
    super();
  }

  /** Replaces the content with the file's (an absent or bad file gives an empty cache). */
  async load(): Promise<void> {
    this.entries.clear();
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch {
      return;
    }
    try {
      const doc = JSON.parse(text) as unknown;
      if (!isRecord(doc) || doc.version !== CACHE_FILE_VERSION || !isRecord(doc.entries)) return;
      for (const [key, entry] of Object.entries(doc.entries)) {
        if (
          isRecord(entry) &&
          typeof entry.at === 'number' &&
          Number.isFinite(entry.at) &&
          'value' in entry
        ) {
          this.entries.set(key, { at: entry.at, value: entry.value });
        }
      }
    } catch {
      this.entries.clear();
    }
  }

  override set(key: string, value: unknown, at: number): void {
    super.set(key, value, at);
    this.dirty = true;
  }

  override delete(key: string): void {
    if (this.entries.has(key)) this.dirty = true;
    super.delete(key);
  }

  override async flush(): Promise<void> {
    if (!this.dirty) return;
    const sorted = [...this.entries.keys()].sort();
    const doc = {
      version: CACHE_FILE_VERSION,
      entries: Object.fromEntries(sorted.map((k) => [k, this.entries.get(k)])),
    };
    await mkdir(dirname(this.path), { recursive: true, mode: 0o700 });
    const temp = `${this.path}.tmp-${randomUUID()}`;
    const handle = await open(temp, 'w', 0o600);
    try {
      await handle.writeFile(`${JSON.stringify(doc)}\n`, 'utf8');
    } finally {
      await handle.close();
    }
    try {
      await rename(temp, this.path);
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
    this.dirty = false;
  }
}

/** Opens (and loads) the observation cache file of a state directory. */
export async function openFileObservationCache(stateDir: string): Promise<FileObservationCache> {
  const cache = new FileObservationCache(join(stateDir, 'cache', CACHE_FILE_NAME));
  await cache.load();
  return cache;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
