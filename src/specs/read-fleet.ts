/**
 * `readFleet`: the I/O shell of reading the repository. Lists fleet.yaml and servers/**, reads and
 * parses each file, runs the validator, builds specs and the policy, then checks across files
 * (duplicate serviceNames). One bad file never stops the others; problems reading a file are
 * diagnostics of that file. With a ReadCache, unchanged files cost one stat each. A big cold read
 * (500 files or more to parse) is parsed and validated on every core (see parse-pool.ts).
 */
import { statSync } from 'node:fs';
import path from 'node:path';
import type { Diagnostic } from '../core/diagnostic.js';
import { isServiceName } from '../core/service-name.js';
import { DEFAULT_SECRET_RULE, type SecretRule } from '../core/secret-rule.js';
import type {
  FileValidator,
  FleetPolicy,
  FleetRepository,
  InvalidSpec,
  ParsedFile,
  ServerSpec,
} from './types.js';
import { buildServerSpec, type BuildResult } from './build-spec.js';
import { buildPolicy, defaultPolicy, suspendedPolicy } from './build-policy.js';
import { listFleetFiles } from './list-files.js';
import {
  fileDiagnostic,
  probeFile,
  readProbed,
  signature,
  type LoadContext,
  type Probe,
} from './load-file.js';
import { failedFile } from './parse-file.js';
import { loadPending, startPool, type ParallelOptions } from './load-pending.js';
import { ReadCache, type CacheEntry, type StatSignature } from './read-cache.js';
import { createRepoFiles, normalizeRefPath, type RepoFiles } from './repo-files.js';

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
}

/** Files handled between two yields to the event loop, so a big fleet does not block it. */
const CHUNK = 500;

const yieldToLoop = (): Promise<void> => new Promise<void>((resolve) => setImmediate(resolve));

/** Reads the fleet repository at `root`. */
export async function readFleet(root: string, options: ReadFleetOptions = {}): Promise<FleetRepository> {
  const absoluteRoot = path.resolve(root);
  const cache = options.cache ?? new ReadCache();
  cache.useRoot(absoluteRoot);
  const repo = createRepoFiles(absoluteRoot);
  const diagnostics: Diagnostic[] = [];
  const { fleetFile, serverFiles, symlinks } = await listFleetFiles(absoluteRoot, diagnostics);
  const listedCleanly = diagnostics.length === 0;
  const ctx: FileContext = {
    root: absoluteRoot,
    cache,
    repo,
    validate: options.validate,
    refSignatures: new Map<string, StatSignature>(),
    symlinks,
    secrets: options.secrets ?? DEFAULT_SECRET_RULE,
  };

  let policy: FleetPolicy = defaultPolicy();
  let fleetEntry: CacheEntry | undefined;
  if (fleetFile) {
    const probe = probeFile(ctx, fleetFile);
    if (probe.pending) readProbed(ctx, probe);
    diagnostics.push(...probe.early);
    const entry = probe.entry;
    fleetEntry = entry;
    if (entry) {
      const fileDiagnostics = [...entry.parsed.diagnostics, ...validated(ctx, entry)];
      const built = buildPolicy(entry.parsed);
      // The schema and buildPolicy check many of the same values: where the schema already
      // reported an error at a position, buildPolicy's own report of it is left out (the policy
      // is suspended all the same).
      const reported = new Set(
        fileDiagnostics.filter((d) => d.severity === 'error').map((d) => `${d.line}:${d.column}`),
      );
      diagnostics.push(
        ...fileDiagnostics,
        ...built.diagnostics.filter((d) => !reported.has(`${d.line}:${d.column}`)),
      );
      // The validator's errors (schema) suspend reinstalls just as buildPolicy's own do.
      policy = fileDiagnostics.some((d) => d.severity === 'error')
        ? suspendedPolicy(built.policy)
        : built.policy;
    } else {
      policy = buildPolicy(unreadable(fleetFile)).policy;
    }
  }

  // A cold read of many files: the workers start now and load their modules while this thread
  // stats the files (files without a cache entry are the likely ones to parse).
  const uncached = serverFiles.reduce((n, file) => (cache.get(file) ? n : n + 1), 0);
  const pool = startPool(ctx, uncached, options.parallel);
  const probes: Probe[] = [];
  try {
    for (let i = 0; i < serverFiles.length; i++) {
      if (i > 0 && i % CHUNK === 0) await yieldToLoop();
      probes.push(probeFile(ctx, serverFiles[i]!));
    }
    const same = listedCleanly ? sameAsLast(ctx, { file: fleetFile, entry: fleetEntry }, probes) : undefined;
    if (same) return same;
    await loadPending(ctx, probes, pool);
  } finally {
    pool?.pool.close();
  }

  const results: FileResult[] = [];
  for (let i = 0; i < probes.length; i++) {
    if (i > 0 && i % CHUNK === 0) await yieldToLoop();
    const { file, early, entry } = probes[i]!;
    diagnostics.push(...early);
    if (!entry) {
      results.push({ file, result: undefined });
      continue;
    }
    const fileDiagnostics = [...entry.parsed.diagnostics, ...validated(ctx, entry)];
    diagnostics.push(...fileDiagnostics);
    if (fileDiagnostics.some((d) => d.severity === 'error')) {
      results.push({
        file,
        parsed: entry.parsed,
        result: { diagnostics: [], references: [], ...serviceNameOf(entry.parsed) },
      });
      continue;
    }
    const result = built(ctx, entry);
    diagnostics.push(...result.diagnostics);
    results.push({ file, parsed: entry.parsed, result });
  }
  cache.retain(new Set([...(fleetFile ? [fleetFile] : []), ...serverFiles]));

  const { specs, invalid } = checkDuplicates(results, diagnostics);
  const fleet: FleetRepository = { root: absoluteRoot, policy, specs, invalid, diagnostics };
  cache.last = listedCleanly
    ? {
        validator: ctx.validate,
        secrets: ctx.secrets,
        files: [...(fleetFile ? [fleetFile] : []), ...serverFiles],
        entries: [...(fleetFile ? [fleetEntry] : []), ...probes.map((p) => p.entry)],
        references: new Map(ctx.refSignatures),
        result: fleet,
      }
    : undefined;
  return copyOf(fleet);
}

/**
 * The previous read again (a copy) when nothing it depended on changed: same validator, same
 * files, each answered from the cache by its unchanged stat (the very same entry), every
 * referenced file's stat unchanged.
 */
function sameAsLast(
  ctx: FileContext,
  fleet: { file: string | undefined; entry: CacheEntry | undefined },
  probes: Probe[],
): FleetRepository | undefined {
  const last = ctx.cache.last;
  if (!last || last.validator !== ctx.validate || last.secrets !== ctx.secrets) return undefined;
  const offset = fleet.file === undefined ? 0 : 1;
  if (last.files.length !== offset + probes.length) return undefined;
  if (fleet.file !== undefined) {
    if (!fleet.entry || last.files[0] !== fleet.file || last.entries[0] !== fleet.entry) return undefined;
  }
  for (let i = 0; i < probes.length; i++) {
    const probe = probes[i]!;
    if (probe.pending || probe.early.length > 0 || !probe.entry) return undefined;
    if (last.files[offset + i] !== probe.file || last.entries[offset + i] !== probe.entry) return undefined;
  }
  for (const [ref, sig] of last.references) if (refSignature(ctx, ref) !== sig) return undefined;
  return copyOf(last.result);
}

/** A result the caller may change without changing the cached one (specs themselves are shared). */
function copyOf(fleet: FleetRepository): FleetRepository {
  return {
    ...fleet,
    policy: structuredClone(fleet.policy),
    specs: [...fleet.specs],
    invalid: [...fleet.invalid],
    diagnostics: [...fleet.diagnostics],
  };
}

interface FileContext extends LoadContext {
  repo: RepoFiles;
  /** Stat signatures of referenced files, computed once per read. */
  refSignatures: Map<string, StatSignature>;
  secrets: SecretRule;
}

function validated(ctx: FileContext, entry: CacheEntry): Diagnostic[] {
  if (!ctx.validate || entry.parsed.diagnostics.some((d) => d.severity === 'error')) return [];
  if (entry.validated?.validator === ctx.validate) return entry.validated.diagnostics;
  const diagnostics = ctx.validate(entry.parsed);
  entry.validated = { validator: ctx.validate, diagnostics };
  return diagnostics;
}

function refSignature(ctx: FileContext, ref: string): StatSignature {
  const known = ctx.refSignatures.get(ref);
  if (known !== undefined) return known;
  let sig = 'outside';
  if (normalizeRefPath(ref) !== undefined) {
    try {
      sig = signature(statSync(path.join(ctx.root, ref)));
    } catch (error) {
      sig = `absent:${(error as NodeJS.ErrnoException).code ?? ''}`;
    }
  }
  ctx.refSignatures.set(ref, sig);
  return sig;
}

const NO_REFERENCES: ReadonlyMap<string, StatSignature> = new Map();

function built(ctx: FileContext, entry: CacheEntry): BuildResult {
  if (
    entry.built &&
    entry.built.secrets === ctx.secrets &&
    [...entry.built.references].every(([ref, sig]) => refSignature(ctx, ref) === sig)
  ) {
    return entry.built.result;
  }
  const result = buildServerSpec(entry.parsed, ctx.repo, ctx.secrets);
  entry.built = {
    result,
    secrets: ctx.secrets,
    // Most specs reference no file: one shared empty map instead of one per cached file.
    references:
      result.references.length === 0
        ? NO_REFERENCES
        : new Map(result.references.map((ref) => [ref, refSignature(ctx, ref)])),
  };
  return result;
}

function serviceNameOf(parsed: ParsedFile): { serviceName?: string } {
  const data = parsed.data as Record<string, unknown> | undefined;
  const name = data && typeof data === 'object' ? data.serviceName : undefined;
  // An invalid spec's name is kept only when it is a service name: it names a status file.
  return isServiceName(name) ? { serviceName: name } : {};
}

/** A stand-in for a file that could not be read, so the policy falls back to its safe default. */
function unreadable(file: string): ParsedFile {
  return failedFile(file, fileDiagnostic(file, 'file-unreadable', `${file} cannot be read`));
}

interface FileResult {
  file: string;
  parsed?: ParsedFile;
  result: BuildResult | undefined;
}

function checkDuplicates(
  results: FileResult[],
  diagnostics: Diagnostic[],
): { specs: ServerSpec[]; invalid: InvalidSpec[] } {
  const byName = new Map<string, string[]>();
  for (const { file, result } of results) {
    const name = result?.serviceName;
    if (name === undefined) continue;
    const files = byName.get(name);
    if (files) files.push(file);
    else byName.set(name, [file]);
  }
  const specs: ServerSpec[] = [];
  const invalid: InvalidSpec[] = [];
  for (const { file, parsed, result } of results) {
    const files = result?.serviceName === undefined ? undefined : byName.get(result.serviceName);
    if (files && files.length > 1) {
      const others = files.filter((f) => f !== file);
      const pos = parsed?.positionOf('/serviceName') ?? { line: 1, column: 1 };
      diagnostics.push({
        file,
        line: pos.line,
        column: pos.column,
        severity: 'error',
        code: 'duplicate-service-name',
        message: `serviceName ${result!.serviceName} is also declared by ${others.join(', ')}; both files are invalid`,
      });
      invalid.push({ file, serviceName: result!.serviceName });
    } else if (result?.spec) {
      specs.push(result.spec);
    } else {
      invalid.push({ file, serviceName: result?.serviceName });
    }
  }
  return { specs, invalid };
}
