/**
 * Worker-thread body of the parse pool (parse-pool.ts): for each chunk of files it receives, it
 * reads, hashes, parses and (with a validator recipe) validates them, and posts back plain
 * results. Pure per file, like parseFleetFile; the main thread builds the specs.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { readConfined } from '../core/confined-file.js';
import type { FileValidator } from './types.js';
import { decodeText, MAX_YAML_BYTES, parseFleetFile } from './parse-file.js';
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
  // The same confined read as in the main thread (no link followed, O_NOFOLLOW, fstat).
  const read = readConfined(task.root, file, MAX_YAML_BYTES);
  if (!read.ok)
    return {
      file,
      ok: false,
      errorCode: read.problem === 'link' ? 'ELINK' : (/\(([A-Z]+)\)$/.exec(read.detail)?.[1] ?? read.problem),
    };
  const bytes = read.bytes;
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
