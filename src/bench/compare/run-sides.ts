/**
 * Runs the same benches with two builds, alternating so that the machine's load hits both alike:
 * for each bench, round 1 runs the baseline then the current code, round 2 the current code then
 * the baseline (over two rounds a steady drift cancels out), and so on. Each run is a child
 * process `node dist/bench/main.js NAME` started in its side's root, so each side uses its own
 * dist/, schemas/ and systemd/ files. The children's lines are echoed as they come, prefixed.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { Figure } from './figures.js';
import { mergeSamples, parseBenchOutput } from './parse-output.js';

/** One of the two builds compared. */
export interface Side {
  label: 'baseline' | 'now';
  /** A checkout with a built dist/. */
  root: string;
}

/** What one child run printed. */
export interface BenchRun {
  stdout: string;
  stderr: string;
  exitCode: number;
}

/** The samples of both sides, and every run that failed. */
export interface SideSamples {
  baseline: Map<string, number[]>;
  now: Map<string, number[]>;
  failures: { side: Side['label']; bench: string; round: number; message: string }[];
}

/** Runs `node dist/bench/main.js bench` in `side.root`, echoing each stdout line through `print`. */
export function runBench(side: Side, bench: string, print: (line: string) => void): Promise<BenchRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(side.root, 'dist', 'bench', 'main.js'), bench], {
      cwd: side.root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    createInterface({ input: child.stdout }).on('line', (line) => {
      stdout += `${line}\n`;
      print(`  [${side.label}] ${line}`);
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.once('error', reject);
    // 'close' (not 'exit'): every line of stdout has been read by then.
    child.once('close', (code, signal) => resolve({ stdout, stderr, exitCode: code ?? (signal ? 128 : 1) }));
  });
}

/** Runs every bench `rounds` times on each side, alternating, and collects the figures' samples. */
export async function runSides(
  sides: { baseline: Side; now: Side },
  benches: readonly string[],
  rounds: number,
  figures: readonly Figure[],
  print: (line: string) => void,
): Promise<SideSamples> {
  const result: SideSamples = { baseline: new Map(), now: new Map(), failures: [] };
  for (const bench of benches) {
    for (let round = 1; round <= rounds; round++) {
      const order = round % 2 === 1 ? [sides.baseline, sides.now] : [sides.now, sides.baseline];
      for (const side of order) {
        print(`-- ${bench}, round ${round}/${rounds}, ${side.label}`);
        const run = await runBench(side, bench, print);
        const parsed = parseBenchOutput(run.stdout, figures);
        mergeSamples(result[side.label], parsed.samples);
        for (const f of parsed.failures)
          result.failures.push({ side: side.label, bench: f.bench, round, message: f.message });
        if (run.exitCode !== 0 && parsed.failures.length === 0) {
          const message = `exit ${run.exitCode}: ${run.stderr.trim().slice(-1000) || 'no output on stderr'}`;
          result.failures.push({ side: side.label, bench, round, message });
        }
      }
    }
  }
  return result;
}
