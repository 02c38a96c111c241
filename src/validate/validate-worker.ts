/**
 * Worker-thread body of {@link validateFilesInWorkers}: reads, parses and validates its share
 * of the files and posts back plain results (data, content hash, positioned diagnostics).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { parseFleetFile } from '../specs/parse-file.js';
import type { FileOutcome, WorkerInput } from './parallel-validate.js';
import { createFileValidator } from './file-validator.js';

const input = workerData as WorkerInput;
const validate = createFileValidator(
  input.schemas,
  input.facts,
  input.now === undefined ? {} : { now: input.now },
);
const out: FileOutcome[] = [];
for (const file of input.files) {
  const parsed = parseFleetFile(file, readFileSync(path.join(input.root, file)));
  out.push({
    file,
    contentHash: parsed.contentHash,
    data: parsed.data,
    diagnostics: [...parsed.diagnostics, ...validate(parsed)],
  });
}
parentPort?.postMessage(out);
