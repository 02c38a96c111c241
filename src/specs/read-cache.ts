/**
 * What a long-running process keeps between two reads of the same repository, so that unchanged
 * files cost one `stat` each: the ParsedFile, the validator's diagnostics and the built spec of
 * every file, keyed by path and checked against the file's stat signature and content hash, and
 * against the stat signatures of the files its `{file}` references named.
 */
import type { Diagnostic } from '../core/diagnostic.js';
import type { FileValidator, FleetRepository, ParsedFile } from './types.js';
import type { SecretRule } from '../core/secret-rule.js';
import type { BuildResult } from './build-spec.js';

/** mtime, ctime, size and inode of a file: when all are equal the file is taken as unchanged. */
export type StatSignature = string;

/** Everything derived from one file (see {@link ReadCache}). */
export interface CacheEntry {
  stat: StatSignature;
  parsed: ParsedFile;
  /** The validator's diagnostics, valid only for that validator function. */
  validated?: { validator: FileValidator; diagnostics: Diagnostic[] };
  /** The built spec and the signatures of the referenced files it was built from. */
  built?: { result: BuildResult; secrets: SecretRule; references: ReadonlyMap<string, StatSignature> };
}

/**
 * The previous whole read and what it depended on: when the same validator finds the same files
 * with the same cache entries (every stat unchanged) and every referenced file unchanged, the
 * result is the same, and readFleet returns it without going through the files again.
 */
export interface LastRead {
  validator: FileValidator | undefined;
  secrets: SecretRule;
  /** fleet.yaml's entry (or undefined), then every server file's entry, in listing order. */
  files: readonly string[];
  entries: readonly (CacheEntry | undefined)[];
  references: ReadonlyMap<string, StatSignature>;
  result: FleetRepository;
}

/**
 * The files a read found under a content key (see ReadFleetOptions.contentKey): while the key is
 * the same, the files and their contents are, so the next read takes this listing and the cache
 * entries as they are, without listing or stat-ing anything.
 */
export interface ProvenListing {
  key: string;
  fleetFile: string | undefined;
  serverFiles: readonly string[];
}

/** Whole reads kept (see ReadCache.lastReads). */
export const LAST_READS = 2;

/** Per-repository cache for {@link readFleet}; one instance per repository root. */
export class ReadCache {
  private readonly entries = new Map<string, CacheEntry>();
  private root: string | undefined;

  /**
   * The previous whole reads (see {@link LastRead}), newest first, one per validator, at most
   * {@link LAST_READS}: the daemon reads twice a cycle, with the schema-only validator (load) and
   * with one that also checks the API's facts (validate); the first's memo survives the second.
   */
  lastReads: LastRead[] = [];

  /** The listing of the last read made under a content key (see {@link ProvenListing}). */
  proven: ProvenListing | undefined;

  /** Counters of the last read, for tests and metrics (`inWorkers`: files parsed in worker threads). */
  stats = { statHits: 0, hashHits: 0, misses: 0, inWorkers: 0 };

  /** Forgets everything when the cache is used for another root than before. */
  useRoot(root: string): void {
    if (this.root !== undefined && this.root !== root) {
      this.entries.clear();
      this.lastReads = [];
      this.proven = undefined;
    }
    this.root = root;
    this.stats = { statHits: 0, hashHits: 0, misses: 0, inWorkers: 0 };
  }

  get(file: string): CacheEntry | undefined {
    return this.entries.get(file);
  }

  set(file: string, entry: CacheEntry): void {
    this.entries.set(file, entry);
  }

  /** Drops the entries of files that no longer exist. */
  retain(files: ReadonlySet<string>): void {
    for (const file of this.entries.keys()) if (!files.has(file)) this.entries.delete(file);
  }

  get size(): number {
    return this.entries.size;
  }
}
