/**
 * `readFleet`: the I/O shell of reading the repository. Lists fleet.yaml and servers/**, reads and
 * parses each file, runs the validator, builds specs and the policy, then checks across files
 * (duplicate serviceNames). One bad file never stops the others; problems reading a file are
 * diagnostics of that file. The performance work sits behind small pieces: with a ReadCache,
 * unchanged files cost one stat each (file-context.ts) and an unchanged repository returns the
 * previous read (read-memo.ts); a big cold read is parsed on every core (file-loader.ts); long
 * loops yield to the event loop (yield-loop.ts).
 */
import path from 'node:path';
import type { Diagnostic } from '../core/diagnostic.js';
import { isServiceName } from '../core/service-name.js';
import { DEFAULT_SECRET_RULE, type SecretRule } from '../core/secret-rule.js';
import type { FileValidator, FleetRepository, ParsedFile } from './types.js';
import { checkDuplicates, type FileResult } from './duplicates.js';
import { built, validated, type FileContext } from './file-context.js';
import { openFileLoader } from './file-loader.js';
import { listFleetFiles } from './list-files.js';
import { probeFile, type Probe } from './load-file.js';
import type { ParallelOptions } from './load-pending.js';
import { ReadCache, type StatSignature } from './read-cache.js';
import { recallLastRead, rememberRead } from './read-memo.js';
import { readPolicy } from './read-policy.js';
import { createRepoFiles } from './repo-files.js';
import { forEachYielding } from './yield-loop.js';

export type { ParallelOptions };

/** Options of {@link readFleet}. */
export interface ReadFleetOptions {
  /** Schema and catalog checks of each parsed file (from src/validate). */
  validate?: FileValidator;
  /** Keeps results of unchanged files between reads (long-running processes). */
  cache?: ReadCache;
  /** Worker threads for big cold reads; `false` keeps everything in this thread. */
  parallel?: ParallelOptions | false;
  /** Which variables `{env}` references may name (default FLEET_SECRET_*). */
  secrets?: SecretRule;
  /**
   * An id of the repository's content, asked before and after the read: two reads given the same
   * id see the same files with the same bytes (the daemon gives the commit its clean clone is
   * proven to hold: src/git/clone-memo.ts). Under a key already read, with the same cache, the
   * files are neither listed nor stat-ed again. Undefined: the files are looked at as usual.
   */
  contentKey?: () => string | undefined;
}

/** Reads the fleet repository at `root`. */
export async function readFleet(root: string, options: ReadFleetOptions = {}): Promise<FleetRepository> {
  const absoluteRoot = path.resolve(root);
  const cache = options.cache ?? new ReadCache();
  cache.useRoot(absoluteRoot);
  const diagnostics: Diagnostic[] = [];
  const key = options.contentKey?.();
  const proven = key !== undefined && cache.proven?.key === key ? cache.proven : undefined;
  const { fleetFile, serverFiles, symlinks } = proven
    ? { ...proven, serverFiles: [...proven.serverFiles], symlinks: new Set<string>() }
    : await listFleetFiles(absoluteRoot, diagnostics);
  const listedCleanly = diagnostics.length === 0;
  const ctx: FileContext = {
    root: absoluteRoot,
    cache,
    repo: createRepoFiles(absoluteRoot),
    validate: options.validate,
    refSignatures: new Map<string, StatSignature>(),
    symlinks,
    secrets: options.secrets ?? DEFAULT_SECRET_RULE,
  };
  const fleet = readPolicy(ctx, fleetFile);
  diagnostics.push(...fleet.diagnostics);
  const fleetRead = { file: fleetFile, entry: fleet.entry };

  const loader = openFileLoader(ctx, serverFiles, options.parallel);
  const probes: Probe[] = [];
  // Under a content key, a read that found every file keeps its listing for the next read with
  // that key, unless the key changed while it ran (something wrote the tree meanwhile).
  const keepListing = (): void => {
    cache.proven =
      key !== undefined && listedCleanly && probes.every(isComplete) && options.contentKey?.() === key
        ? { key, fleetFile, serverFiles }
        : undefined;
  };
  try {
    const known = proven ? provenProbes(ctx, serverFiles) : undefined;
    if (known) probes.push(...known);
    else await forEachYielding(serverFiles, (file) => probes.push(probeFile(ctx, file)));
    const same = listedCleanly ? recallLastRead(ctx, fleetRead, probes) : undefined;
    if (same) {
      keepListing();
      return same;
    }
    await loader.load(probes);
  } finally {
    loader.close();
  }
  keepListing();

  const results: FileResult[] = [];
  await forEachYielding(probes, (probe) => results.push(resultOf(ctx, probe, diagnostics)));
  cache.retain(new Set([...(fleetFile ? [fleetFile] : []), ...serverFiles]));

  const { specs, invalid } = checkDuplicates(results, diagnostics);
  const repository: FleetRepository = {
    root: absoluteRoot,
    policy: fleet.policy,
    specs,
    invalid,
    diagnostics,
  };
  return rememberRead(ctx, listedCleanly, fleetRead, probes, repository);
}

/**
 * The probes of files read under the same content key: each file's cache entry as it is, no
 * stat. Undefined when one has no entry (the read then probes every file as usual).
 */
function provenProbes(ctx: FileContext, files: readonly string[]): Probe[] | undefined {
  const probes: Probe[] = [];
  for (const file of files) {
    const entry = ctx.cache.get(file);
    if (!entry) return undefined;
    probes.push({ file, early: [], entry });
  }
  return probes;
}

/** A probe that found its file's entry, with no problem of its own (no link, readable). */
function isComplete(probe: Probe): boolean {
  return probe.entry !== undefined && probe.early.length === 0 && probe.pending === undefined;
}

/** One loaded server file: its problems go to `diagnostics`; a file with errors is built no further. */
function resultOf(ctx: FileContext, probe: Probe, diagnostics: Diagnostic[]): FileResult {
  const { file, early, entry } = probe;
  diagnostics.push(...early);
  if (!entry) return { file, result: undefined };
  const fileDiagnostics = [...entry.parsed.diagnostics, ...validated(ctx, entry)];
  diagnostics.push(...fileDiagnostics);
  if (fileDiagnostics.some((d) => d.severity === 'error')) {
    return {
      file,
      parsed: entry.parsed,
      result: { diagnostics: [], references: [], ...serviceNameOf(entry.parsed) },
    };
  }
  const result = built(ctx, entry);
  diagnostics.push(...result.diagnostics);
  return { file, parsed: entry.parsed, result };
}

function serviceNameOf(parsed: ParsedFile): { serviceName?: string } {
  const data = parsed.data as Record<string, unknown> | undefined;
  const name = data && typeof data === 'object' ? data.serviceName : undefined;
  // An invalid spec's name is kept only when it is a service name: it names a status file.
  return isServiceName(name) ? { serviceName: name } : {};
}
