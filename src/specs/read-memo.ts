/**
 * The memo of a whole read, kept in the ReadCache (`cache.lastReads`): when the same validator and
 * secret rule find the same files with the very same cache entries (every stat unchanged) and
 * every referenced file unchanged, the result is the same, and readFleet answers with a copy of
 * the previous one without going through the files again.
 */
import { refSignature, type FileContext } from './file-context.js';
import type { Probe } from './load-file.js';
import { LAST_READS, type CacheEntry } from './read-cache.js';
import type { FleetRepository } from './types.js';

/** fleet.yaml of this read: its path (undefined without one) and cache entry. */
export interface FleetFileRead {
  file: string | undefined;
  entry: CacheEntry | undefined;
}

/** The previous read again (a copy) when nothing it depended on changed, else undefined. */
export function recallLastRead(
  ctx: FileContext,
  fleet: FleetFileRead,
  probes: readonly Probe[],
): FleetRepository | undefined {
  const last = ctx.cache.lastReads.find((r) => r.validator === ctx.validate && r.secrets === ctx.secrets);
  if (!last) return undefined;
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

/**
 * Keeps `result` as the memo of this read, or forgets the memo when the files were not listed
 * cleanly (a listing problem may hide files). Returns a copy for the caller.
 */
export function rememberRead(
  ctx: FileContext,
  listedCleanly: boolean,
  fleet: FleetFileRead,
  probes: readonly Probe[],
  result: FleetRepository,
): FleetRepository {
  const others = ctx.cache.lastReads.filter((r) => r.validator !== ctx.validate);
  ctx.cache.lastReads = listedCleanly
    ? [
        {
          validator: ctx.validate,
          secrets: ctx.secrets,
          files: [...(fleet.file ? [fleet.file] : []), ...probes.map((p) => p.file)],
          entries: [...(fleet.file ? [fleet.entry] : []), ...probes.map((p) => p.entry)],
          references: new Map(ctx.refSignatures),
          result,
        },
        ...others,
      ].slice(0, LAST_READS)
    : [];
  return copyOf(result);
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
