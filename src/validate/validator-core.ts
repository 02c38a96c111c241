/**
 * The body of a FileValidator, shared by the main thread (file-validator.ts) and worker threads
 * (worker-validator.ts): the compiled schema, the storage rules the schema cannot express, and,
 * when API facts are given, the catalog checks. Schema results are cached per content hash.
 */
import type { Diagnostic } from '../core/diagnostic.js';
import type { FileValidator, ParsedFile } from '../specs/types.js';
import { diagnosticsFromAjv } from './ajv-diagnostics.js';
import { checkAgainstCatalog } from './catalog-checks.js';
import type { CatalogFacts } from './catalog-facts.js';
import type { JsonSchema } from './input-schemas.js';
import type { SchemaValidators } from './load-compiled.js';
import { checkStorage } from './storage-checks.js';

/** What the validator body needs. */
export interface ValidatorParts {
  compiled: SchemaValidators;
  /** Templates whose storage follows the Windows rules. */
  windows: ReadonlySet<string>;
  /** Schema and storage diagnostics by `kind:contentHash` (they depend on nothing else). */
  cache: Map<string, Diagnostic[]>;
  cacheLimit: number;
  catalogFacts?: CatalogFacts;
  now?: number;
}

/** Names of the Windows templates, read from the storage definitions of the server schema. */
export function windowsTemplates(server: JsonSchema): Set<string> {
  const defs = (server.$defs ?? {}) as Record<string, JsonSchema>;
  const out = new Set<string>();
  for (const key of Object.keys(defs)) {
    if (!key.startsWith('storage-')) continue;
    // Follow a shared definition (`{$ref: '#/$defs/storage-OTHER'}`) to the rules themselves.
    let def = defs[key];
    for (
      let hops = 0;
      typeof def?.$ref === 'string' && def.$ref.startsWith('#/$defs/storage-') && hops < 8;
      hops++
    ) {
      def = defs[def.$ref.slice('#/$defs/'.length)];
    }
    if (JSON.stringify(def ?? {}).includes('#/$defs/mount-point-windows'))
      out.add(key.slice('storage-'.length));
  }
  return out;
}

/** Builds the validator function from its parts. */
export function validatorFrom(parts: ValidatorParts): FileValidator {
  const { compiled, windows, cache, cacheLimit, catalogFacts, now } = parts;

  const schemaPart = (parsed: ParsedFile): Diagnostic[] => {
    const key = `${parsed.kind}:${parsed.contentHash}`;
    const hit = cache.get(key);
    if (hit)
      return hit[0]?.file === parsed.file || hit.length === 0
        ? hit
        : hit.map((d) => ({ ...d, file: parsed.file }));
    const validate = parsed.kind === 'server' ? compiled.server : compiled.fleet;
    const out = validate(parsed.data) ? [] : diagnosticsFromAjv(validate.errors ?? [], parsed);
    if (parsed.kind === 'server' && out.length === 0) {
      const os = (parsed.data as { operatingSystem: string }).operatingSystem;
      for (const p of checkStorage((parsed.data as { storage?: unknown }).storage, {
        windows: windows.has(os),
      })) {
        const pos = parsed.positionOf(p.pointer);
        out.push({
          file: parsed.file,
          line: pos.line,
          column: pos.column,
          severity: 'error',
          code: p.code,
          message: p.message,
        });
      }
    }
    if (cache.size >= cacheLimit) cache.clear();
    cache.set(key, out);
    return out;
  };

  return (parsed) => {
    if (parsed.data === undefined) return [];
    const own = schemaPart(parsed);
    if (!catalogFacts || parsed.kind !== 'server' || parsed.data === null || typeof parsed.data !== 'object')
      return own;
    const already = new Set(own.map((d) => d.code));
    const extra: Diagnostic[] = [];
    for (const p of checkAgainstCatalog(parsed.data, catalogFacts, now!)) {
      if (already.has(p.code)) continue;
      const pos = parsed.positionOf(p.pointer);
      extra.push({
        file: parsed.file,
        line: pos.line,
        column: pos.column,
        severity: p.severity,
        code: p.code,
        message: p.message,
      });
    }
    return extra.length === 0 ? own : [...own, ...extra];
  };
}
