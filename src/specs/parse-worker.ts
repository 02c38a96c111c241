/**
 * Worker-thread body of the parse pool (parse-pool.ts): for each chunk of files it receives, it
 * reads, hashes, parses and (with a validator recipe) validates them, and posts back plain
 * results. Pure per file, like parseFleetFile; the main thread builds the specs.
 */
import { readFileSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import type { FileValidator } from './types.js';
import { decodeText, parseFleetFile } from './parse-file.js';
import type { FromWorker, ParseOutcome, ParseTask, ToWorker } from './parse-pool.js';

const task = workerData as ParseTask;
let validate: FileValidator | undefined;
if (task.recipe) {
  const module = (await import(task.recipe.module)) as {
    createWorkerValidator(data: unknown): FileValidator;
  };
  validate = module.createWorkerValidator(task.recipe.data);
}

function load(file: string): ParseOutcome {
  let bytes: Buffer;
  try {
    bytes = readFileSync(`${task.root}/${file}`);
  } catch (error) {
    return { file, ok: false, errorCode: (error as NodeJS.ErrnoException).code ?? 'error' };
  }
  const parsed = parseFleetFile(file, bytes);
  const clean = !parsed.diagnostics.some((d) => d.severity === 'error');
  return {
    file,
    ok: true,
    contentHash: parsed.contentHash,
    text: decodeText(bytes),
    data: parsed.data,
    diagnostics: parsed.diagnostics,
    ...(validate && clean ? { validation: validate(parsed) } : {}),
  };
}

const port = parentPort!;
port.on('message', (message: ToWorker) => {
  if (message === null) {
    port.close();
    return;
  }
  port.postMessage({ outcomes: message.files.map(load) } satisfies FromWorker);
});
port.postMessage({ ready: true } satisfies FromWorker);
