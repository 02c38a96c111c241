/**
 * The cold path of readFleet across cores. Reading, hashing, parsing and validating a file is
 * pure per file, so worker threads take chunks of files from a shared queue while the main thread
 * takes chunks too; the main thread then builds the specs (they read `{file}` references through
 * one memoised RepoFiles). Chunks are handed out on demand, so a worker that starts slowly or
 * finds no free core simply takes fewer; a worker that fails gives its chunks back.
 */
import { Worker } from 'node:worker_threads';
import type { Diagnostic } from '../core/diagnostic.js';
import type { WorkerRecipe } from './types.js';
import { builtModuleUrl } from './built-module.js';

/** What a worker receives at start. */
export interface ParseTask {
  root: string;
  recipe?: WorkerRecipe;
}

/** The result for one file: plain data, positioned diagnostics. */
export type ParseOutcome =
  | {
      file: string;
      ok: true;
      contentHash: string;
      /** The decoded text, for positions the main thread may still need. */
      text: string;
      data: unknown;
      /** Reading problems (parseFleetFile's diagnostics). */
      diagnostics: Diagnostic[];
      /** The validator's diagnostics, when a recipe was given and the file parsed cleanly. */
      validation?: Diagnostic[];
    }
  | { file: string; ok: false; errorCode: string };

/** Messages of the protocol: main → worker a chunk of files (or null: stop), worker → main results. */
export type ToWorker = { files: string[] } | null;
export type FromWorker = { ready: true } | { outcomes: ParseOutcome[] };

/** Files per chunk: big enough to amortise a message, small enough to balance the load. */
export const CHUNK_FILES = 100;

const WORKER_MODULE = new URL('./parse-worker.js', import.meta.url);

/** The built worker module, or undefined (TypeScript sources without a build): stay in-thread. */
export function parseWorkerUrl(): string | undefined {
  return builtModuleUrl(WORKER_MODULE);
}

/** What a run of the pool needs from its caller. */
export interface PoolJob<T> {
  /** Items (files) to load, in chunks. */
  chunks: T[][];
  fileOf(item: T): string;
  /** Handles a chunk in this thread. */
  loadHere(chunk: T[]): void;
  /** Takes a worker's results for a chunk. */
  accept(chunk: T[], outcomes: ParseOutcome[]): void;
  /** Whether this thread takes chunks too (default true); it always does once no worker is left. */
  helpHere?: boolean;
}

/** Worker threads started ahead of the work (they load their modules meanwhile), run once. */
export interface ParsePool {
  run<T>(job: PoolJob<T>): Promise<void>;
  /** Stops the workers (after run, or instead of it when nothing needs parsing). */
  close(): void;
}

const yieldToLoop = (): Promise<void> => new Promise<void>((resolve) => setImmediate(resolve));

/** Starts `workers` worker threads that wait for the chunks of {@link ParsePool.run}. */
export function startParsePool(workerUrl: string, task: ParseTask, workers: number): ParsePool {
  // The job's items are opaque here: chunks travel as file lists and come back by position.
  let job: PoolJob<unknown> | undefined;
  const queue: unknown[][] = [];
  const inFlight = new Set<unknown[]>();
  const started: { feed(): void }[] = [];
  const threads: Worker[] = [];
  let settle: () => void = () => {};
  let alive = 0;

  const start = (): void => {
    let worker: Worker;
    try {
      worker = new Worker(new URL(workerUrl), { workerData: task });
    } catch {
      return;
    }
    threads.push(worker);
    alive++;
    let gone = false;
    let ready = false;
    // Two chunks in flight per worker: it starts the next one while this thread, busy with a
    // chunk of its own, has not yet read the results of the previous one.
    const mine: unknown[][] = [];
    const feed = (): void => {
      if (!job || !ready || gone) return;
      while (mine.length < 2) {
        const chunk = queue.shift();
        if (!chunk) break;
        mine.push(chunk);
        inFlight.add(chunk);
        worker.postMessage({ files: chunk.map(job.fileOf) } satisfies ToWorker);
      }
      if (mine.length === 0) worker.postMessage(null satisfies ToWorker);
    };
    started.push({ feed });
    worker.on('message', (message: FromWorker) => {
      ready = true;
      if ('outcomes' in message) {
        const chunk = mine.shift();
        if (chunk && job) {
          job.accept(chunk, message.outcomes);
          inFlight.delete(chunk);
        }
      }
      feed();
      settle();
    });
    const fail = (): void => {
      // Its chunks go back to the queue; this thread will take them.
      for (const chunk of mine.splice(0)) if (inFlight.delete(chunk)) queue.push(chunk);
      if (!gone) {
        gone = true;
        alive--;
      }
      settle();
    };
    worker.once('error', fail);
    worker.once('exit', fail);
  };
  for (let i = 0; i < workers; i++) start();

  const close = (): void => {
    for (const worker of threads) void worker.terminate();
  };
  return {
    close,
    async run<T>(current: PoolJob<T>): Promise<void> {
      job = current as PoolJob<unknown>;
      queue.push(...current.chunks);
      for (const worker of started) worker.feed();
      try {
        for (;;) {
          const chunk = current.helpHere === false && alive > 0 ? undefined : queue.shift();
          if (chunk) {
            current.loadHere(chunk as T[]);
            await yieldToLoop();
            continue;
          }
          if (inFlight.size === 0 && (queue.length === 0 || alive === 0)) {
            if (queue.length === 0) break;
            continue;
          }
          await new Promise<void>((resolve) => {
            settle = resolve;
          });
        }
      } finally {
        close();
      }
    },
  };
}
