/**
 * The validator as a worker thread rebuilds it from a {@link WorkerRecipe}: the standalone code
 * of the compiled schemas (no compilation in the worker), the Windows templates, the catalog
 * facts and `now`. readFleet's parse worker imports this module by the URL in the recipe.
 */
import type { FileValidator } from '../specs/types.js';
import type { CatalogFacts } from './catalog-facts.js';
import { loadCompiledSource } from './load-compiled.js';
import { validatorFrom } from './validator-core.js';

/** The recipe data of a validator made by createFileValidator. */
export interface WorkerValidatorData {
  source: string;
  windows: string[];
  cacheLimit: number;
  catalogFacts?: CatalogFacts;
  now?: number;
}

/** Rebuilds the validator described by `data`. */
export function createWorkerValidator(data: WorkerValidatorData): FileValidator {
  return validatorFrom({
    compiled: loadCompiledSource(data.source),
    windows: new Set(data.windows),
    cache: new Map(),
    cacheLimit: data.cacheLimit,
    ...(data.catalogFacts ? { catalogFacts: data.catalogFacts } : {}),
    ...(data.now === undefined ? {} : { now: data.now }),
  });
}
