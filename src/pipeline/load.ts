/**
 * The load stage of the pipeline: the fleet repository read into specs and policy (each file
 * checked against the catalog-derived schemas as it is read: the schema half of validation),
 * and the status records, a lost one taken from git history. No API call. The validate stage
 * reads the repository again after observe; the ReadCache kept here lets that second read reuse
 * this one's parsing.
 */
import type { SecretRule } from '../core/secret-rule.js';
import {
  readApplied,
  type AppliedRecordCache,
  type AppliedRecords,
  type RecordOverlay,
} from '../records/read-records.js';
import { recoverLostRecords, type RecordHistory } from '../plan/recover-records.js';
import { ReadCache } from '../specs/read-cache.js';
import { readFleet, type ReadFleetOptions } from '../specs/read-fleet.js';
import type { FleetRepository } from '../specs/types.js';
import { createFileValidator, type FileValidatorOptions } from '../validate/file-validator.js';
import { loadSchemas, type LoadedSchemas } from '../validate/schema-files.js';

/** What {@link loadFleet} reads. */
export interface LoadOptions {
  /** The fleet root. */
  repo: string;
  /** Keeps parsing between reads (a long-running process passes the same one every cycle). */
  readCache?: ReadCache;
  /**
   * `false`: read every file in this thread. The daemon reads cold once per process, and worker
   * threads (each its own V8 heap, compiling the schemas again) would set its memory peak.
   */
  parallel?: false;
  /** Which variables `{env}` references may name (default FLEET_SECRET_*). */
  secrets?: SecretRule;
  /** Keeps parsed status records between reads (same: the daemon passes one for its lifetime). */
  recordCache?: AppliedRecordCache;
  /**
   * Git history of the status records: a missing or unreadable record of a managed server is
   * taken from its last valid version, or the server is held (recover-records.ts). Without it, a
   * missing record is first sight (outside git only).
   */
  recordHistory?: RecordHistory;
  /** Record texts read instead of the files of status/ (the daemon's restored records). */
  recordOverlay?: RecordOverlay;
  /** Keeps the compiled schema code between processes (`<state dir>/schema-cache`). */
  compiledCacheDir?: string;
  /**
   * An id of the repository's content (the daemon: the commit its clean clone holds): under a key
   * already read, with the same caches, files are not listed or stat-ed again (ReadFleetOptions).
   */
  contentKey?: () => string | undefined;
}

/** The repository as loaded: specs checked against the schemas only, and the status records. */
export interface Loaded extends LoadedSpecs {
  records: AppliedRecords;
}

/** The specs and policy as loaded, checked against the schemas only (what `validate` needs). */
export interface LoadedSpecs {
  repo: string;
  schemas: LoadedSchemas['schemas'];
  /** The fleet read with the schema-only validator. */
  fleet: FleetRepository;
  /** The cache of this read; the validate stage's read goes through it. Not for callers to reuse. */
  readCache: ReadCache;
  /** How the repository is read (threads, secret rule, content key): the same for the validate stage's read. */
  readOptions: Pick<ReadFleetOptions, 'parallel' | 'secrets' | 'contentKey'>;
  /** How the schemas are compiled: the same for the validate stage's validator. */
  compileOptions: Pick<FileValidatorOptions, 'compiledCacheDir'>;
}

/** Loads specs, policy and status records (recovering lost records when history is given). */
export async function loadFleet(options: LoadOptions): Promise<Loaded> {
  const specs = await loadSpecs(options);
  const records = await loadRecords(options, specs.fleet);
  return { ...specs, records };
}

/** Loads specs and policy, each file checked against the schemas; no status record is read. */
export async function loadSpecs(
  options: Pick<
    LoadOptions,
    'repo' | 'readCache' | 'parallel' | 'secrets' | 'compiledCacheDir' | 'contentKey'
  >,
): Promise<LoadedSpecs> {
  const { repo } = options;
  const readCache = options.readCache ?? new ReadCache();
  const { schemas } = loadSchemas(repo);
  const readOptions = {
    ...(options.parallel === false ? { parallel: false as const } : {}),
    ...(options.secrets ? { secrets: options.secrets } : {}),
    ...(options.contentKey ? { contentKey: options.contentKey } : {}),
  };
  const compileOptions = options.compiledCacheDir ? { compiledCacheDir: options.compiledCacheDir } : {};
  const fleet = await readFleet(repo, {
    validate: createFileValidator(schemas, undefined, compileOptions),
    cache: readCache,
    ...readOptions,
  });
  return { repo, schemas, fleet, readCache, readOptions, compileOptions };
}

/** Reads status/ (through the overlay), taking a lost record of a managed server from history. */
async function loadRecords(options: LoadOptions, fleet: FleetRepository): Promise<AppliedRecords> {
  const records = await readApplied(
    options.repo,
    options.recordCache,
    options.recordOverlay,
    options.contentKey,
  );
  if (options.recordHistory) {
    await recoverLostRecords(
      records,
      fleet.specs.map((s) => s.serviceName),
      options.recordHistory,
    );
  }
  return records;
}
