/**
 * Loading one repository file for readFleet, in two steps so that the reading and parsing of
 * many files can be spread over worker threads: `probeFile` stats it and answers from the cache
 * when the stat signature is unchanged; `readProbed` (in-thread) or `acceptOutcome` (a worker's
 * result) completes the files that must be read. A file whose bytes did not change (same content
 * hash) keeps its cache entry, validation and built spec included.
 */
import { lstatSync, type Stats } from 'node:fs';
import { linkMessage, readConfined } from '../core/confined-file.js';
import type { Diagnostic } from '../core/diagnostic.js';
import type { ErrorCode } from '../core/codes/registry.js';
import type { FileValidator } from './types.js';
import { failedFile, hashBytes, MAX_YAML_BYTES, parseFleetFile, restoreParsedFile } from './parse-file.js';
import type { ParseOutcome } from './parse-pool.js';
import type { CacheEntry, ReadCache, StatSignature } from './read-cache.js';

/** What loading needs from readFleet. */
export interface LoadContext {
  root: string;
  cache: ReadCache;
  validate: FileValidator | undefined;
  /** Listed files that are symbolic links: refused. */
  symlinks: ReadonlySet<string>;
}

/** One file on its way through loading. */
export interface Probe {
  file: string;
  /** Problems found while loading (before parsing): unreadable, outside the repository. */
  early: Diagnostic[];
  /** Set once the file is loaded (undefined with `early` problems). */
  entry?: CacheEntry;
  /** Set while the file still has to be read. */
  pending?: { sig: StatSignature; cached: CacheEntry | undefined };
}

/** mtime, ctime, size and inode of a file. */
export function signature(stat: Stats): StatSignature {
  return `${stat.mtimeMs}:${stat.ctimeMs}:${stat.size}:${stat.ino}`;
}

/** A diagnostic at the top of a file. */
export function fileDiagnostic(file: string, code: ErrorCode, message: string): Diagnostic {
  return { file, line: 1, column: 1, severity: 'error', code, message };
}

/** Stats `file`; answers from the cache, refuses it, or leaves it pending for a read. */
export function probeFile(ctx: LoadContext, file: string): Probe {
  const probe: Probe = { file, early: [] };
  // `file` is a normalized repository-relative path: a concatenation is enough (path.join is
  // measurable over 10,000 files re-validated every cycle).
  const absolute = `${ctx.root}/${file}`;
  try {
    // lstat: a file that is a link is refused whatever it points to (DESIGN.md §2 "Links").
    const stat = lstatSync(absolute);
    const sig = signature(stat);
    const cached = ctx.cache.get(file);
    if (stat.isSymbolicLink() || ctx.symlinks.has(file)) {
      probe.early.push(fileDiagnostic(file, 'symlink-refused', linkMessage(file, file)));
    } else if (cached && cached.stat === sig) {
      ctx.cache.stats.statHits++;
      probe.entry = cached;
    } else if (stat.size > MAX_YAML_BYTES) {
      // Not even read: the size alone refuses it.
      probe.entry = { stat: sig, parsed: failedFile(file, sizeDiagnostic(file, stat.size)) };
      ctx.cache.set(file, probe.entry);
    } else {
      probe.pending = { sig, cached };
    }
  } catch (error) {
    probe.early.push(unreadable(file, error));
  }
  return probe;
}

/** Reads and parses a pending file in this thread. */
export function readProbed(ctx: LoadContext, probe: Probe): void {
  const { sig, cached } = probe.pending!;
  probe.pending = undefined;
  // No link on the way, O_NOFOLLOW, fstat: the file read is the file listed (confined-file.ts).
  const read = readConfined(ctx.root, probe.file, MAX_YAML_BYTES);
  if (!read.ok) {
    probe.early.push(confinedDiagnostic(probe.file, read));
    return;
  }
  const bytes = read.bytes;
  if (cached && cached.parsed.contentHash === hashBytes(bytes)) {
    keepCached(ctx, probe, cached, sig);
    return;
  }
  ctx.cache.stats.misses++;
  probe.entry = { stat: sig, parsed: parseFleetFile(probe.file, bytes) };
  ctx.cache.set(probe.file, probe.entry);
}

/** Completes a pending file with what a worker thread made of it. */
export function acceptOutcome(ctx: LoadContext, probe: Probe, outcome: ParseOutcome): void {
  const { sig, cached } = probe.pending!;
  probe.pending = undefined;
  if (!outcome.ok) {
    probe.early.push(
      outcome.errorCode === 'ELINK'
        ? fileDiagnostic(probe.file, 'symlink-refused', linkMessage(probe.file, probe.file))
        : fileDiagnostic(
            probe.file,
            'file-unreadable',
            `${probe.file} cannot be read (${outcome.errorCode})`,
          ),
    );
    return;
  }
  if (cached && cached.parsed.contentHash === outcome.contentHash) {
    keepCached(ctx, probe, cached, sig);
    return;
  }
  ctx.cache.stats.misses++;
  ctx.cache.stats.inWorkers++;
  const parsed = restoreParsedFile(
    probe.file,
    outcome.contentHash,
    outcome.text,
    outcome.data,
    outcome.diagnostics,
  );
  probe.entry = { stat: sig, parsed };
  if (ctx.validate && outcome.validation) {
    probe.entry.validated = { validator: ctx.validate, diagnostics: outcome.validation };
  }
  ctx.cache.set(probe.file, probe.entry);
}

function keepCached(ctx: LoadContext, probe: Probe, cached: CacheEntry, sig: StatSignature): void {
  ctx.cache.stats.hashHits++;
  probe.entry = { ...cached, stat: sig };
  ctx.cache.set(probe.file, probe.entry);
}

function unreadable(file: string, error: unknown): Diagnostic {
  const code = (error as NodeJS.ErrnoException).code ?? 'error';
  return fileDiagnostic(file, 'file-unreadable', `${file} cannot be read (${code})`);
}

function sizeDiagnostic(file: string, size: number): Diagnostic {
  return fileDiagnostic(
    file,
    'file-too-large',
    `the file is ${size} bytes, more than the limit of ${MAX_YAML_BYTES}`,
  );
}

/** The diagnostic of a confined read that failed. */
export function confinedDiagnostic(
  file: string,
  read: Exclude<ReturnType<typeof readConfined>, { ok: true }>,
): Diagnostic {
  switch (read.problem) {
    case 'link':
      return fileDiagnostic(file, 'symlink-refused', read.detail);
    case 'too-large':
      return fileDiagnostic(file, 'file-too-large', read.detail);
    default:
      return fileDiagnostic(file, 'file-unreadable', read.detail);
  }
}
