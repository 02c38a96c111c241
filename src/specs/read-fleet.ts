/**
 * `readFleet`: the I/O shell of reading the repository. Lists fleet.yaml and servers/**, reads and
 * parses each file, runs the validator, builds specs and the policy, then checks across files
 * (duplicate serviceNames). One bad file never stops the others; problems reading a file are
 * diagnostics of that file. With a ReadCache, unchanged files cost one stat each.
 */
import { readFileSync, realpathSync, statSync, type Stats } from 'node:fs';
import path from 'node:path';
import type { Diagnostic } from '../core/diagnostic.js';
import type { ErrorCode } from '../core/codes/registry.js';
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
import { failedFile, hashBytes, MAX_YAML_BYTES, parseFleetFile } from './parse-file.js';
import { ReadCache, type CacheEntry, type StatSignature } from './read-cache.js';
import { createRepoFiles, normalizeRefPath, type RepoFiles } from './repo-files.js';

/** Options of {@link readFleet}. */
export interface ReadFleetOptions {
  /** Schema and catalog checks of each parsed file (from src/validate). */
  validate?: FileValidator;
  /** Keeps results of unchanged files between reads (long-running processes). */
  cache?: ReadCache;
}

/** Files handled between two yields to the event loop, so a big fleet does not block it. */
const CHUNK = 500;

/** Reads the fleet repository at `root`. */
export async function readFleet(root: string, options: ReadFleetOptions = {}): Promise<FleetRepository> {
  const absoluteRoot = path.resolve(root);
  const cache = options.cache ?? new ReadCache();
  cache.useRoot(absoluteRoot);
  const repo = createRepoFiles(absoluteRoot);
  const diagnostics: Diagnostic[] = [];
  const { fleetFile, serverFiles, symlinks } = await listFleetFiles(absoluteRoot, diagnostics);
  const refSignatures = new Map<string, StatSignature>();
  const ctx: FileContext = {
    root: absoluteRoot,
    cache,
    repo,
    validate: options.validate,
    refSignatures,
    symlinks,
  };

  let policy: FleetPolicy = defaultPolicy();
  if (fleetFile) {
    const entry = loadFile(ctx, fleetFile, diagnostics);
    if (entry) {
      const fileDiagnostics = [...entry.parsed.diagnostics, ...validated(ctx, entry)];
      const built = buildPolicy(entry.parsed);
      diagnostics.push(...fileDiagnostics, ...built.diagnostics);
      // The validator's errors (schema) suspend reinstalls just as buildPolicy's own do.
      policy = fileDiagnostics.some((d) => d.severity === 'error')
        ? suspendedPolicy(built.policy)
        : built.policy;
    } else {
      policy = buildPolicy(unreadable(fleetFile)).policy;
    }
  }

  const results: FileResult[] = [];
  for (let i = 0; i < serverFiles.length; i++) {
    if (i > 0 && i % CHUNK === 0) await new Promise<void>((resolve) => setImmediate(resolve));
    const file = serverFiles[i]!;
    const entry = loadFile(ctx, file, diagnostics);
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
  return { root: absoluteRoot, policy, specs, invalid, diagnostics };
}

interface FileContext {
  root: string;
  cache: ReadCache;
  repo: RepoFiles;
  validate: FileValidator | undefined;
  /** Stat signatures of referenced files, computed once per read. */
  refSignatures: Map<string, StatSignature>;
  realRoot?: string;
  symlinks: ReadonlySet<string>;
}

function signature(stat: Stats): StatSignature {
  return `${stat.mtimeMs}:${stat.ctimeMs}:${stat.size}:${stat.ino}`;
}

function fileDiagnostic(file: string, code: ErrorCode, message: string): Diagnostic {
  return { file, line: 1, column: 1, severity: 'error', code, message };
}

/** Stats, reads and parses one file, reusing the cache when it is unchanged. */
function loadFile(ctx: FileContext, file: string, diagnostics: Diagnostic[]): CacheEntry | undefined {
  const absolute = path.join(ctx.root, file);
  try {
    const stat = statSync(absolute);
    const sig = signature(stat);
    const cached = ctx.cache.get(file);
    if (cached && cached.stat === sig) {
      ctx.cache.stats.statHits++;
      return cached;
    }
    if (stat.size > MAX_YAML_BYTES) {
      // Not even read: the size alone refuses it.
      const entry: CacheEntry = { stat: sig, parsed: failedFile(file, sizeDiagnostic(file, stat.size)) };
      ctx.cache.set(file, entry);
      return entry;
    }
    if (ctx.symlinks.has(file) && !isInside(ctx, absolute)) {
      diagnostics.push(
        fileDiagnostic(
          file,
          'file-outside-repo',
          `${file} is a symbolic link that leads outside the repository`,
        ),
      );
      return undefined;
    }
    const bytes = readFileSync(absolute);
    if (cached && cached.parsed.contentHash === hashBytes(bytes)) {
      ctx.cache.stats.hashHits++;
      const entry = { ...cached, stat: sig };
      ctx.cache.set(file, entry);
      return entry;
    }
    ctx.cache.stats.misses++;
    const entry: CacheEntry = { stat: sig, parsed: parseFleetFile(file, bytes) };
    ctx.cache.set(file, entry);
    return entry;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    diagnostics.push(fileDiagnostic(file, 'file-unreadable', `${file} cannot be read (${code})`));
    return undefined;
  }
}

function sizeDiagnostic(file: string, size: number): Diagnostic {
  return fileDiagnostic(
    file,
    'file-too-large',
    `the file is ${size} bytes, more than the limit of ${MAX_YAML_BYTES}`,
  );
}

/** A file reached through a symbolic link must still resolve inside the repository. */
function isInside(ctx: FileContext, absolute: string): boolean {
  const real = realpathSync(absolute);
  if (real === absolute) return true;
  ctx.realRoot ??= realpathSync(ctx.root);
  return real.startsWith(ctx.realRoot + path.sep);
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

function built(ctx: FileContext, entry: CacheEntry): BuildResult {
  if (entry.built && [...entry.built.references].every(([ref, sig]) => refSignature(ctx, ref) === sig)) {
    return entry.built.result;
  }
  const result = buildServerSpec(entry.parsed, ctx.repo);
  entry.built = {
    result,
    references: new Map(result.references.map((ref) => [ref, refSignature(ctx, ref)])),
  };
  return result;
}

function serviceNameOf(parsed: ParsedFile): { serviceName?: string } {
  const data = parsed.data as Record<string, unknown> | undefined;
  const name = data && typeof data === 'object' ? data.serviceName : undefined;
  return typeof name === 'string' && name !== '' ? { serviceName: name } : {};
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
