/**
 * What one readFleet holds while it goes through the files, and the memoised steps per file:
 * the validator's diagnostics and the built spec are kept in the file's cache entry and reused
 * while the validator, the secret rule and every referenced file's stat are unchanged.
 */
import { statSync } from 'node:fs';
import path from 'node:path';
import type { Diagnostic } from '../core/diagnostic.js';
import type { SecretRule } from '../core/secret-rule.js';
import { buildServerSpec, type BuildResult } from './build-spec.js';
import { signature, type LoadContext } from './load-file.js';
import type { CacheEntry, StatSignature } from './read-cache.js';
import { normalizeRefPath, type RepoFiles } from './repo-files.js';

/** The state of one read of the repository. */
export interface FileContext extends LoadContext {
  repo: RepoFiles;
  /** Stat signatures of referenced files, computed once per read. */
  refSignatures: Map<string, StatSignature>;
  secrets: SecretRule;
}

/** The validator's diagnostics of a parsed file (none when it did not parse cleanly). */
export function validated(ctx: FileContext, entry: CacheEntry): Diagnostic[] {
  if (!ctx.validate || entry.parsed.diagnostics.some((d) => d.severity === 'error')) return [];
  if (entry.validated?.validator === ctx.validate) return entry.validated.diagnostics;
  const diagnostics = ctx.validate(entry.parsed);
  entry.validated = { validator: ctx.validate, diagnostics };
  return diagnostics;
}

/** The stat signature of a referenced file, once per read (`outside` for a path out of the root). */
export function refSignature(ctx: FileContext, ref: string): StatSignature {
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

/** The spec built from a valid file, reused while its secrets rule and references are unchanged. */
export function built(ctx: FileContext, entry: CacheEntry): BuildResult {
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
