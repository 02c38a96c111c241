/** Helpers of the YAML-hazard tests: run texts through the built entry points in a child process. */
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const CHILD = path.resolve(import.meta.dirname, 'yaml-hazard-child.mjs');
export const ENTRIES = ['fleet', 'status', 'config', 'ack', 'history'] as const;
export type Entry = (typeof ENTRIES)[number];

/** Runs the inputs through the built entry points in one child process. */
export function runChild(inputs: { entry: Entry; text: string }[]): {
  status: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
  results: Record<string, unknown>[];
} {
  const child = spawnSync(process.execPath, [CHILD], {
    input: JSON.stringify(inputs),
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const results = child.stdout
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  return { status: child.status, signal: child.signal, stderr: child.stderr, results };
}

export const nestings = {
  flowSeq: (n: number) => `a: ${'['.repeat(n)}${']'.repeat(n)}\n`,
  flowMap: (n: number) => `a: ${'{a: '.repeat(n)}1${'}'.repeat(n)}\n`,
  compactSeq: (n: number) => `a:\n${'- '.repeat(n)}x\n`,
  unclosed: (n: number) => `a: ${'['.repeat(n)}\n`,
};
