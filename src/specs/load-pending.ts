/**
 * The part of readFleet that parses the files whose stat changed: in this thread, or, for a big
 * cold read, shared with worker threads (parse-pool.ts) started before the files are even
 * statted, so that they load their modules meanwhile.
 */
import { availableParallelism } from 'node:os';
import { acceptOutcome, readProbed, type LoadContext, type Probe } from './load-file.js';
import { CHUNK_FILES, parseWorkerUrl, startParsePool, type ParsePool } from './parse-pool.js';
import { forEachYielding } from './yield-loop.js';

const DEFAULT_MIN_PARALLEL_FILES = 500;

/** How readFleet spreads a big cold read over worker threads. */
export interface ParallelOptions {
  /** Fewest files to parse for workers to be worth their start-up (default 500). */
  minFiles?: number;
  /** Threads in all, the main thread included (default: the machine's parallelism). */
  threads?: number;
  /** Files per chunk handed to a thread (default 100). */
  chunkFiles?: number;
  /** Whether the main thread parses chunks too while workers run (default true). */
  helpHere?: boolean;
}

/** A started pool and how to use it. */
export interface StartedPool {
  pool: ParsePool;
  minFiles: number;
  chunkFiles: number;
  helpHere: boolean | undefined;
}

/**
 * Starts worker threads when `likely` files will need parsing: at least `minFiles` (default 500),
 * more than one thread, a built worker module, and a validator that can be rebuilt in a worker
 * (or none).
 */
export function startPool(
  ctx: LoadContext,
  likely: number,
  parallel: ParallelOptions | false | undefined,
): StartedPool | undefined {
  if (parallel === false) return undefined;
  const threads = parallel?.threads ?? availableParallelism();
  const minFiles = parallel?.minFiles ?? DEFAULT_MIN_PARALLEL_FILES;
  const recipe = ctx.validate?.workerRecipe;
  if (threads < 2 || likely < minFiles || (ctx.validate && !recipe)) return undefined;
  const workerUrl = parseWorkerUrl();
  if (!workerUrl) return undefined;
  return {
    pool: startParsePool(workerUrl, { root: ctx.root, ...(recipe ? { recipe } : {}) }, threads - 1),
    minFiles,
    chunkFiles: parallel?.chunkFiles ?? CHUNK_FILES,
    helpHere: parallel?.helpHere,
  };
}

/**
 * Reads and parses the files whose stat changed: with the started pool when there are at least
 * `minFiles` of them (see parse-pool.ts), otherwise all in this thread.
 */
export async function loadPending(
  ctx: LoadContext,
  probes: Probe[],
  started: StartedPool | undefined,
): Promise<void> {
  const pending = probes.filter((p) => p.pending);
  if (!started || pending.length < started.minFiles) {
    await forEachYielding(pending, (probe) => readProbed(ctx, probe));
    return;
  }
  const chunks: Probe[][] = [];
  for (let i = 0; i < pending.length; i += started.chunkFiles)
    chunks.push(pending.slice(i, i + started.chunkFiles));
  await started.pool.run<Probe>({
    chunks,
    fileOf: (probe) => probe.file,
    loadHere: (chunk) => {
      for (const probe of chunk) readProbed(ctx, probe);
    },
    accept: (chunk, outcomes) => {
      chunk.forEach((probe, i) => {
        const outcome = outcomes[i];
        if (outcome && outcome.file === probe.file) acceptOutcome(ctx, probe, outcome);
        else readProbed(ctx, probe);
      });
    },
    ...(started.helpHere === undefined ? {} : { helpHere: started.helpHere }),
  });
}
