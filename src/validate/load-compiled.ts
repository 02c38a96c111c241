/**
 * Loading ajv standalone code (made by compiled-schemas.ts) into validator functions. Kept apart
 * from the compiler so that a worker thread loads the validators without loading ajv's compiler.
 */
import type { ValidateFunction } from 'ajv';
import { createRequire } from 'node:module';

/** The code requires ajv's runtime helpers and ajv-formats: resolved from this package. */
const requireFromHere = createRequire(import.meta.url);

/** The server and fleet validators of one schema set. */
export interface SchemaValidators {
  server: ValidateFunction;
  fleet: ValidateFunction;
}

/** Evaluates standalone code that exports `server` and `fleet`; throws when it does not. */
export function loadCompiledSource(source: string): SchemaValidators {
  const module = { exports: {} as Record<string, ValidateFunction> };
  // The code is ajv's own output for our schemas, made in this process or read back from the
  // state directory (as trusted as the intent journal next to it), never from the repository.
  new Function('require', 'module', 'exports', source)(requireFromHere, module, module.exports);
  const { server, fleet } = module.exports;
  if (typeof server !== 'function' || typeof fleet !== 'function') {
    throw new Error('the compiled schema code does not export server and fleet validators');
  }
  return { server, fleet };
}
