/**
 * The validator of one parsed file: the JSON Schema (ajv, compiled once), the storage rules the
 * schema cannot express, and, when API facts are given, the catalog checks. Results of the
 * schema part are cached per content hash: a long-running process re-validates an unchanged
 * file with one map lookup.
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { Diagnostic } from '../core/diagnostic.js';
import { FleetError } from '../core/errors.js';
import type { FileValidator, ParsedFile } from '../specs/types.js';
import { diagnosticsFromAjv } from './ajv-diagnostics.js';
import { checkAgainstCatalog } from './catalog-checks.js';
import type { CatalogFacts } from './catalog-facts.js';
import { FLEET_SCHEMA_FILE, SERVER_SCHEMA_FILE } from './generate-schemas.js';
import type { JsonSchema } from './input-schemas.js';
import { checkStorage } from './storage-checks.js';

const addFormats = addFormatsModule.default;

/** Options of {@link createFileValidator}. */
export interface FileValidatorOptions {
  /** Milliseconds since the epoch, for endOfInstall checks; required when catalogFacts are given. */
  now?: number;
  /** Entries kept in the per-content-hash cache before it is cleared (default 100,000). */
  cacheLimit?: number;
}

/** Compiles the server and fleet schemas once; throws FleetError 'schemas-invalid' when they do not compile. */
export function compileSchemas(schemas: Readonly<Record<string, JsonSchema>>): {
  server: ValidateFunction;
  fleet: ValidateFunction;
} {
  const server = schemas[SERVER_SCHEMA_FILE];
  const fleet = schemas[FLEET_SCHEMA_FILE];
  if (!server || !fleet) {
    throw new FleetError(
      'schemas-not-found',
      `the schema set lacks ${server ? FLEET_SCHEMA_FILE : SERVER_SCHEMA_FILE}`,
    );
  }
  try {
    // verbose: errors carry the failing data and parent schema, which the messages quote.
    const ajv = new Ajv2020({ allErrors: true, strict: true, verbose: true });
    addFormats(ajv);
    return { server: ajv.compile(server), fleet: ajv.compile(fleet) };
  } catch (cause) {
    throw new FleetError('schemas-invalid', `the schemas do not compile: ${(cause as Error).message}`, {
      cause,
    });
  }
}

/** Names of the Windows templates, read from the storage definitions of the server schema. */
function windowsTemplates(server: JsonSchema): Set<string> {
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

/** What every validator over the same schema set shares: the compiled code and the schema-part cache. */
interface SchemaState {
  compiled: ReturnType<typeof compileSchemas>;
  windows: Set<string>;
  /** Schema and storage diagnostics by `kind:contentHash`; they depend on nothing else. */
  cache: Map<string, Diagnostic[]>;
}

// Keyed by the schema set object: a daemon that builds a new validator every cycle (new catalog
// facts, new `now`) with the same schemas neither recompiles nor re-validates unchanged files.
const STATES = new WeakMap<object, SchemaState>();

function sharedState(schemas: Readonly<Record<string, JsonSchema>>): SchemaState {
  let state = STATES.get(schemas);
  if (!state) {
    state = {
      compiled: compileSchemas(schemas),
      windows: windowsTemplates(schemas[SERVER_SCHEMA_FILE]!),
      cache: new Map(),
    };
    STATES.set(schemas, state);
  }
  return state;
}

/**
 * A FileValidator over the given schema files (`server.schema.json`, `fleet.schema.json`).
 * Returns only the validation problems; the reading problems stay in `parsed.diagnostics`.
 * Without `catalogFacts` (offline) only the schema and storage rules run. Validators made from
 * the same `schemas` object share one compilation and one cache of schema results per content
 * hash; the catalog checks (cheap, dependent on facts and `now`) run on every call.
 */
export function createFileValidator(
  schemas: Readonly<Record<string, JsonSchema>>,
  catalogFacts?: CatalogFacts,
  options: FileValidatorOptions = {},
): FileValidator {
  const { compiled, windows, cache } = sharedState(schemas);
  const now = options.now;
  if (catalogFacts && now === undefined)
    throw new Error('createFileValidator: catalogFacts need options.now');
  const limit = options.cacheLimit ?? 100_000;

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
    if (cache.size >= limit) cache.clear();
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
