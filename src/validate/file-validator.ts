/**
 * The validator of one parsed file: the JSON Schema (ajv, compiled once per schema identity, see
 * compiled-schemas.ts), the storage rules the schema cannot express, and, when API facts are
 * given, the catalog checks. Results of the schema part are cached per content hash: a
 * long-running process re-validates an unchanged file with one map lookup. Each validator
 * carries a recipe that rebuilds it in a worker thread (readFleet's cold path on several cores).
 */
import type { ValidateFunction } from 'ajv';
import type { Diagnostic } from '../core/diagnostic.js';
import { builtModuleUrl } from '../specs/built-module.js';
import type { FileValidator, WorkerRecipe } from '../specs/types.js';
import type { CatalogFacts } from './catalog-facts.js';
import { compileSchemaSet } from './compiled-schemas.js';
import { SERVER_SCHEMA_FILE } from './generate-schemas.js';
import type { JsonSchema } from './input-schemas.js';
import { validatorFrom, windowsTemplates } from './validator-core.js';
import type { WorkerValidatorData } from './worker-validator.js';

/** Options of {@link createFileValidator}. */
export interface FileValidatorOptions {
  /** Milliseconds since the epoch, for endOfInstall checks; required when catalogFacts are given. */
  now?: number;
  /** Entries kept in the per-content-hash cache before it is cleared (default 100,000). */
  cacheLimit?: number;
  /** A folder that keeps the compiled schema code between processes (`<state dir>/schema-cache`). */
  compiledCacheDir?: string;
}

/** Compiles the server and fleet schemas once; throws FleetError 'schemas-invalid' when they do not compile. */
export function compileSchemas(schemas: Readonly<Record<string, JsonSchema>>): {
  server: ValidateFunction;
  fleet: ValidateFunction;
} {
  const { server, fleet } = compileSchemaSet(schemas);
  return { server, fleet };
}

/** What every validator over the same schema set shares: the Windows templates and the schema-part cache. */
interface SchemaState {
  windows: Set<string>;
  cache: Map<string, Diagnostic[]>;
  /**
   * The validator without facts, `now` or options (the daemon's load stage asks for it every
   * cycle): one function, so that readFleet's memo of a whole read (keyed by validator) holds.
   */
  plain?: FileValidator;
}

// Keyed by the compiled set (itself kept per schema identity): a daemon that builds a new
// validator every cycle (new catalog facts, new `now`) with the same schemas neither recompiles
// nor re-validates unchanged files.
const STATES = new WeakMap<object, SchemaState>();

const WORKER_MODULE = new URL('./worker-validator.js', import.meta.url);

/**
 * A FileValidator over the given schema files (`server.schema.json`, `fleet.schema.json`).
 * Returns only the validation problems; the reading problems stay in `parsed.diagnostics`.
 * Without `catalogFacts` (offline) only the schema and storage rules run. Validators made from
 * the same schemas share one compilation and one cache of schema results per content hash; the
 * catalog checks (cheap, dependent on facts and `now`) run on every call.
 */
export function createFileValidator(
  schemas: Readonly<Record<string, JsonSchema>>,
  catalogFacts?: CatalogFacts,
  options: FileValidatorOptions = {},
): FileValidator {
  const compiled = compileSchemaSet(
    schemas,
    options.compiledCacheDir ? { cacheDir: options.compiledCacheDir } : {},
  );
  let state = STATES.get(compiled.server);
  if (!state) {
    state = { windows: windowsTemplates(schemas[SERVER_SCHEMA_FILE]!), cache: new Map() };
    STATES.set(compiled.server, state);
  }
  const plain = !catalogFacts && options.now === undefined && options.cacheLimit === undefined;
  if (plain && state.plain) return state.plain;
  const made = makeValidator(compiled, state, catalogFacts, options);
  if (plain) state.plain = made;
  return made;
}

function makeValidator(
  compiled: ReturnType<typeof compileSchemaSet>,
  state: SchemaState,
  catalogFacts: CatalogFacts | undefined,
  options: FileValidatorOptions,
): FileValidator {
  const now = options.now;
  if (catalogFacts && now === undefined)
    throw new Error('createFileValidator: catalogFacts need options.now');
  const cacheLimit = options.cacheLimit ?? 100_000;
  const validate = validatorFrom({
    compiled,
    windows: state.windows,
    cache: state.cache,
    cacheLimit,
    ...(catalogFacts ? { catalogFacts } : {}),
    ...(now === undefined ? {} : { now }),
  });
  const module = builtModuleUrl(WORKER_MODULE);
  if (!module) return validate;
  const data: WorkerValidatorData = {
    source: compiled.source,
    windows: [...state.windows],
    cacheLimit,
    ...(catalogFacts ? { catalogFacts } : {}),
    ...(now === undefined ? {} : { now }),
  };
  const workerRecipe: WorkerRecipe = { module, data };
  return Object.assign(validate, { workerRecipe });
}
