/**
 * The cold path across cores: reading, parsing and validating files is pure per file, so it can
 * be split over worker threads. Each worker compiles the schemas once and handles a contiguous
 * share of the files; results are plain data (no positionOf: diagnostics come positioned).
 * Meant for a reader that prefetches a whole repository (see src/bench/validate-bench.ts).
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { Diagnostic } from '../core/diagnostic.js';
import type { CatalogFacts } from './catalog-facts.js';
import type { JsonSchema } from './input-schemas.js';

/** What one worker receives. */
export interface WorkerInput {
  root: string;
  files: string[];
  schemas: Record<string, JsonSchema>;
  facts?: CatalogFacts;
  now?: number;
}

/** The result for one file. */
export interface FileOutcome {
  file: string;
  contentHash: string;
  /** The parsed value; undefined when the file could not be parsed. */
  data: unknown;
  /** Reading and validation problems, positioned. */
  diagnostics: Diagnostic[];
}

/**
 * Parses and validates `files` (repository-relative) in `threads` workers (default: the
 * machine's parallelism). Runs from the built dist/ (the worker is a .js module).
 */
export async function validateFilesInWorkers(
  input: Omit<WorkerInput, 'files'> & { files: readonly string[] },
  threads = availableParallelism(),
): Promise<FileOutcome[]> {
  const n = Math.max(1, Math.min(threads, Math.ceil(input.files.length / 500)));
  const size = Math.ceil(input.files.length / n);
  const shares = Array.from({ length: n }, (_, i) => input.files.slice(i * size, (i + 1) * size));
  const results = await Promise.all(
    shares.map(
      (files) =>
        new Promise<FileOutcome[]>((resolve, reject) => {
          const worker = new Worker(new URL('./validate-worker.js', import.meta.url), {
            workerData: { ...input, files } satisfies WorkerInput,
          });
          worker.once('message', (out: FileOutcome[]) => resolve(out));
          worker.once('error', reject);
          worker.once('exit', (code) => {
            if (code !== 0) reject(new Error(`validation worker exited with code ${code}`));
          });
        }),
    ),
  );
  return results.flat();
}
