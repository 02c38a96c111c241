/**
 * The benchmark runner (`npm run bench` = build, then `node dist/bench/main.js`): runs each bench
 * of BENCHES in order; each prints its figures as plain lines. Add a bench by appending a module
 * to the list. `node dist/bench/main.js NAME...` runs only the named ones (NAMED_ONLY benches run only so).
 * `--baseline [REF]` runs them instead beside the code of REF, in the same run, and prints a
 * comparison table (src/bench/compare/); without REF, package.json's `config.benchBaseline`.
 */
import { fileURLToPath } from 'node:url';
import { adapterBench } from './adapter-bench.js';
import { applyBench } from './apply-bench.js';
import { daemonBench } from './daemon-bench.js';
import { dashboardBench } from './dashboard-bench.js';
import { daemonRssBench, daemonRssPlainBench } from './daemon-rss-bench.js';
import { planBench } from './plan-bench.js';
import { planObserveBench } from './plan-observe-bench.js';
import { steadyCycleBench } from './steady-cycle-bench.js';
import { validateBench } from './validate-bench.js';
import { verifyReadyBench } from './verify-ready-bench.js';
import { parseBenchArgs } from './compare/compare-args.js';
import { compareWithBaseline, readDefaultBaseline } from './compare/compare-with-baseline.js';

/** One benchmark: a name and a run that prints its figures. */
export interface Bench {
  name: string;
  run(): Promise<void>;
}

export const BENCHES: Bench[] = [
  adapterBench,
  validateBench,
  planBench,
  planObserveBench,
  applyBench,
  daemonBench,
  daemonRssBench,
  steadyCycleBench,
  verifyReadyBench,
  dashboardBench,
];

/** Benches run only when named. */
export const NAMED_ONLY: Bench[] = [daemonRssPlainBench];

const PACKAGE_ROOT = fileURLToPath(new URL('../../', import.meta.url));

async function main(argv: string[]): Promise<number> {
  const all = [...BENCHES, ...NAMED_ONLY];
  const args = parseBenchArgs(
    argv,
    all.map((b) => b.name),
    () => readDefaultBaseline(PACKAGE_ROOT),
  );
  const selected = args.names.length === 0 ? BENCHES : all.filter((b) => args.names.includes(b.name));
  if (args.baseline !== undefined) {
    return compareWithBaseline({
      repoRoot: PACKAGE_ROOT,
      baselineRef: args.baseline,
      benches: selected.map((b) => b.name),
      rounds: args.rounds,
      tolerance: args.tolerance,
      print: (line) => process.stdout.write(`${line}\n`),
    });
  }
  let failed = 0;
  for (const bench of selected) {
    process.stdout.write(`== ${bench.name}\n`);
    try {
      await bench.run();
    } catch (error) {
      failed++;
      process.stdout.write(
        `${bench.name}: FAILED: ${error instanceof Error ? error.message : String(error)}\n`,
      );
    }
  }
  return failed === 0 ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`bench: ${String(error)}\n`);
    process.exitCode = 1;
  },
);
