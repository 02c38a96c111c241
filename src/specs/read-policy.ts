/**
 * Reading fleet.yaml into the fleet policy: the file's reading problems and the validator's, then
 * buildPolicy's own. Any error suspends reinstalls; no fleet.yaml gives the default policy, and
 * an unreadable one the safe default of a file that cannot be read.
 */
import type { Diagnostic } from '../core/diagnostic.js';
import { buildPolicy, defaultPolicy, suspendedPolicy } from './build-policy.js';
import { validated, type FileContext } from './file-context.js';
import { fileDiagnostic, probeFile, readProbed } from './load-file.js';
import { failedFile } from './parse-file.js';
import type { CacheEntry } from './read-cache.js';
import type { FleetPolicy, ParsedFile } from './types.js';

/** The policy read from fleet.yaml, with its cache entry (for the memo of the whole read). */
export interface PolicyRead {
  policy: FleetPolicy;
  /** fleet.yaml's cache entry; undefined without a fleet.yaml or when it cannot be read. */
  entry: CacheEntry | undefined;
  /** Problems of fleet.yaml, in the order they are reported. */
  diagnostics: Diagnostic[];
}

/** Reads `fleetFile` (a path relative to the root, or undefined when the repository has none). */
export function readPolicy(ctx: FileContext, fleetFile: string | undefined): PolicyRead {
  if (!fleetFile) return { policy: defaultPolicy(), entry: undefined, diagnostics: [] };
  const probe = probeFile(ctx, fleetFile);
  if (probe.pending) readProbed(ctx, probe);
  const diagnostics: Diagnostic[] = [...probe.early];
  const entry = probe.entry;
  if (!entry) return { policy: buildPolicy(unreadable(fleetFile)).policy, entry, diagnostics };
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
  const policy = fileDiagnostics.some((d) => d.severity === 'error')
    ? suspendedPolicy(built.policy)
    : built.policy;
  return { policy, entry, diagnostics };
}

/** A stand-in for a file that could not be read, so the policy falls back to its safe default. */
function unreadable(file: string): ParsedFile {
  return failedFile(file, fileDiagnostic(file, 'file-unreadable', `${file} cannot be read`));
}
