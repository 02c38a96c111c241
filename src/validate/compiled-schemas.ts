/**
 * Compiling the schema set once per schema identity. Compiling the generated server schema costs
 * ajv 0.4–0.9 s; loading the same validators from ajv's standalone code costs ≈20 ms. So a schema
 * set is compiled to standalone code once, keyed by the sha256 of its content: kept in memory for
 * the life of the process (a daemon that re-reads identical schemas every cycle never recompiles),
 * optionally kept on disk (a CLI run reuses the code of the previous one), and handed to worker
 * threads as source text so that they do not compile either.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { ValidateFunction } from 'ajv';
import type * as Ajv2020Module from 'ajv/dist/2020.js';
import type standaloneModule from 'ajv/dist/standalone/index.js';
import type addFormatsModule from 'ajv-formats';
import { FleetError } from '../core/errors.js';
import { FLEET_SCHEMA_FILE, SERVER_SCHEMA_FILE } from './generate-schemas.js';
import type { JsonSchema } from './input-schemas.js';
import { loadCompiledSource } from './load-compiled.js';
import { stableStringify } from './stable-json.js';

/** The standalone code requires ajv's runtime and ajv-formats: resolved from this package. */
const requireFromHere = createRequire(import.meta.url);

/**
 * Part of the cache key besides the schemas: the ajv options and the versions of ajv and
 * ajv-formats, so that an upgrade or an option change never loads stale code.
 */
const CODE_VERSION = [
  'v1;allErrors;strict;verbose;2020',
  (requireFromHere('ajv/package.json') as { version: string }).version,
  (requireFromHere('ajv-formats/package.json') as { version: string }).version,
].join(';');

/** The validators of one schema set, with the standalone source they were loaded from. */
export interface CompiledSchemas {
  server: ValidateFunction;
  fleet: ValidateFunction;
  /** sha256 of the schema set (and of ajv's version and options): its identity. */
  key: string;
  /** ajv standalone code (CommonJS) exporting `server` and `fleet`; what workers load. */
  source: string;
  /** Where the code came from, for benchmarks and tests. */
  origin: 'compiled' | 'memory' | 'disk';
}

/** Options of {@link compileSchemaSet}. */
export interface CompileOptions {
  /** A folder that keeps compiled code between processes (e.g. `<state dir>/schema-cache`). */
  cacheDir?: string;
}

let BY_OBJECT = new WeakMap<object, CompiledSchemas>();
const BY_KEY = new Map<string, CompiledSchemas>();
/** Schema sets kept by key: a process sees one or two (a catalog change), rarely more. */
const MAX_KEYS = 4;

/** Forgets the compiled sets kept in memory (tests; the disk cache stays). */
export function forgetCompiledSchemas(): void {
  BY_OBJECT = new WeakMap();
  BY_KEY.clear();
}

/** The identity of a schema set: what the compiled code depends on. */
export function schemaSetKey(schemas: Readonly<Record<string, JsonSchema>>): string {
  const server = schemas[SERVER_SCHEMA_FILE];
  const fleet = schemas[FLEET_SCHEMA_FILE];
  return createHash('sha256')
    .update(CODE_VERSION)
    .update('\0')
    .update(stableStringify(server ?? null))
    .update('\0')
    .update(stableStringify(fleet ?? null))
    .digest('hex');
}

/**
 * The compiled server and fleet validators of `schemas`: from memory, from `cacheDir`, or compiled
 * (and then stored in both). Throws FleetError `schemas-not-found` / `schemas-invalid`. A cache
 * folder that cannot be read or written is ignored: it only ever saves time.
 */
export function compileSchemaSet(
  schemas: Readonly<Record<string, JsonSchema>>,
  options: CompileOptions = {},
): CompiledSchemas {
  const known = BY_OBJECT.get(schemas);
  if (known) return known;
  const server = schemas[SERVER_SCHEMA_FILE];
  const fleet = schemas[FLEET_SCHEMA_FILE];
  if (!server || !fleet) {
    throw new FleetError(
      'schemas-not-found',
      `the schema set lacks ${server ? FLEET_SCHEMA_FILE : SERVER_SCHEMA_FILE}`,
    );
  }
  const key = schemaSetKey(schemas);
  let compiled = BY_KEY.get(key);
  if (compiled) {
    compiled = { ...compiled, origin: 'memory' };
  } else {
    compiled = (options.cacheDir && readCached(options.cacheDir, key)) || compileNow(server, fleet, key);
    if (compiled.origin === 'compiled' && options.cacheDir)
      writeCached(options.cacheDir, key, compiled.source);
    if (BY_KEY.size >= MAX_KEYS) BY_KEY.delete(BY_KEY.keys().next().value!);
    BY_KEY.set(key, compiled);
  }
  BY_OBJECT.set(schemas, compiled);
  return compiled;
}

function compileNow(server: JsonSchema, fleet: JsonSchema, key: string): CompiledSchemas {
  // ajv's compiler is loaded only when something must be compiled: a run that finds the code in
  // memory or on disk never loads it.
  const { Ajv2020 } = requireFromHere('ajv/dist/2020.js') as typeof Ajv2020Module;
  const standaloneCode = (requireFromHere('ajv/dist/standalone/index.js') as typeof standaloneModule).default;
  const addFormats = (requireFromHere('ajv-formats') as typeof addFormatsModule).default;
  let source: string;
  try {
    // verbose: errors carry the failing data and parent schema, which the messages quote.
    const ajv = new Ajv2020({ allErrors: true, strict: true, verbose: true, code: { source: true } });
    addFormats(ajv);
    ajv.addSchema(server, 'server');
    ajv.addSchema(fleet, 'fleet');
    source = standaloneCode(ajv, { server: 'server', fleet: 'fleet' });
  } catch (cause) {
    throw new FleetError('schemas-invalid', `the schemas do not compile: ${(cause as Error).message}`, {
      cause,
    });
  }
  return { ...loadCompiledSource(source), key, source, origin: 'compiled' };
}

/** The first line of a cache file: the sha256 of the code below it (a torn write is not loaded). */
function header(source: string): string {
  return `// sha256:${createHash('sha256').update(source).digest('hex')}\n`;
}

function cacheFile(dir: string, key: string): string {
  return path.join(dir, `ajv-${key}.cjs`);
}

function readCached(dir: string, key: string): CompiledSchemas | undefined {
  try {
    const text = readFileSync(cacheFile(dir, key), 'utf8');
    const newline = text.indexOf('\n');
    const source = text.slice(newline + 1);
    if (text.slice(0, newline + 1) !== header(source)) return undefined;
    return { ...loadCompiledSource(source), key, source, origin: 'disk' };
  } catch {
    return undefined;
  }
}

function writeCached(dir: string, key: string, source: string): void {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const file = cacheFile(dir, key);
    const temp = `${file}.${process.pid}.tmp`;
    writeFileSync(temp, header(source) + source, { mode: 0o600 });
    renameSync(temp, file);
  } catch {
    // A read-only or full state directory costs a compile next time, nothing else.
  }
}
