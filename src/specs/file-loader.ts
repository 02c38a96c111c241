/**
 * The loader of readFleet: reads and parses the files whose stat changed. One interface, two
 * implementations: in this thread, or with worker threads for a big cold read (parse-pool.ts),
 * started before the files are even statted so that they load their modules meanwhile.
 */
import type { LoadContext, Probe } from './load-file.js';
import { loadPending, startPool, type ParallelOptions, type StartedPool } from './load-pending.js';
import type { ReadCache } from './read-cache.js';

/** Loads the pending probes of one read; `close` ends whatever it started (after load, or instead of it). */
export interface FileLoader {
  load(probes: Probe[]): Promise<void>;
  close(): void;
}

/** Everything in this thread. */
export function inThreadLoader(ctx: LoadContext): FileLoader {
  return { load: (probes) => loadPending(ctx, probes, undefined), close: () => {} };
}

/** Worker threads already started; a read with fewer pending files than `minFiles` stays in this thread. */
export function poolLoader(ctx: LoadContext, started: StartedPool): FileLoader {
  return { load: (probes) => loadPending(ctx, probes, started), close: () => started.pool.close() };
}

/**
 * The loader for a read of `files`: worker threads when many of them (those without a cache
 * entry) will likely need parsing and `parallel` allows it (see startPool), else in this thread.
 */
export function openFileLoader(
  ctx: LoadContext,
  files: readonly string[],
  parallel: ParallelOptions | false | undefined,
): FileLoader {
  const started = startPool(ctx, uncachedCount(ctx.cache, files), parallel);
  return started ? poolLoader(ctx, started) : inThreadLoader(ctx);
}

function uncachedCount(cache: ReadCache, files: readonly string[]): number {
  return files.reduce((n, file) => (cache.get(file) ? n : n + 1), 0);
}
