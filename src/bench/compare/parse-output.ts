/**
 * Reads the figures out of what `node dist/bench/main.js NAME...` printed: the runner opens each
 * bench's section with `== NAME` and reports a failure as `NAME: FAILED: message`; inside a
 * section, every line that a figure of that bench (figures.ts) matches gives one sample. Pure.
 */
import type { Figure } from './figures.js';

/** The samples read from one bench run's output. */
export interface BenchOutput {
  /** Figure name → every value read, in output order (a bench printing rounds gives several). */
  samples: Map<string, number[]>;
  /** The benches whose section reported `FAILED`, with the message. */
  failures: { bench: string; message: string }[];
}

/** Parses one run's stdout; lines that match no figure are ignored. */
export function parseBenchOutput(output: string, figures: readonly Figure[]): BenchOutput {
  const samples = new Map<string, number[]>();
  const failures: BenchOutput['failures'] = [];
  let bench: string | undefined;
  for (const line of output.split(/\r?\n/)) {
    const header = /^== (\S+)\s*$/.exec(line);
    if (header) {
      bench = header[1];
      continue;
    }
    if (bench === undefined) continue;
    if (line.startsWith(`${bench}: FAILED: `)) {
      failures.push({ bench, message: line.slice(`${bench}: FAILED: `.length) });
      continue;
    }
    for (const figure of figures) {
      if (figure.bench !== bench) continue;
      const value = readValue(figure.pattern.exec(line)?.[1]);
      if (value === undefined) continue;
      samples.set(figure.name, [...(samples.get(figure.name) ?? []), value]);
    }
  }
  return { samples, failures };
}

/** Adds the samples of `more` to `into` (several rounds of one side). */
export function mergeSamples(into: Map<string, number[]>, more: ReadonlyMap<string, number[]>): void {
  for (const [name, values] of more) into.set(name, [...(into.get(name) ?? []), ...values]);
}

function readValue(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  return Number.isFinite(value) ? value : undefined;
}
