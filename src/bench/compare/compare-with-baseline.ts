/**
 * `node dist/bench/main.js --baseline REF [NAME...]`: builds REF in a temporary worktree, runs the
 * named benches with it and with the current build in the same run, alternating, and prints the
 * table figure | baseline | now | ratio | verdict. The worktree is removed at the end, on error
 * and on Ctrl-C.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { checkoutBaseline, resolveCommit, type BuildCheckout } from './baseline-checkout.js';
import { FIGURES } from './figures.js';
import { renderComparison } from './render-table.js';
import { runSides } from './run-sides.js';
import { compareFigures } from './verdict.js';

/** What to compare, and where the output goes. */
export interface CompareRequest {
  /** The current checkout: a git repository with a built dist/ and node_modules. */
  repoRoot: string;
  baselineRef: string;
  benches: readonly string[];
  rounds: number;
  /** A fraction: 0.1 = ±10%. */
  tolerance: number;
  print: (line: string) => void;
  /** How the baseline's worktree is built; the default runs its own tsc. */
  build?: BuildCheckout;
}

/** The default baseline ref, recorded once as package.json's `config.benchBaseline`. */
export function readDefaultBaseline(repoRoot: string): string {
  const pkg = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as {
    config?: { benchBaseline?: unknown };
  };
  const ref = pkg.config?.benchBaseline;
  if (typeof ref !== 'string' || ref === '') throw new Error('package.json has no config.benchBaseline');
  return ref;
}

/** Runs the comparison; resolves to the exit code: 1 when a bench failed on either side, else 0. */
export async function compareWithBaseline(request: CompareRequest): Promise<number> {
  const { repoRoot, print } = request;
  const nowCommit = describeNow(repoRoot);
  print(`bench: building baseline ${request.baselineRef} in a temporary worktree`);
  const checkout = checkoutBaseline(repoRoot, request.baselineRef, request.build);
  const interrupted = (signal: NodeJS.Signals): void => {
    checkout.remove();
    process.kill(process.pid, signal);
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  let samples;
  try {
    print(`bench: baseline built in ${checkout.dir}`);
    samples = await runSides(
      { baseline: { label: 'baseline', root: checkout.dir }, now: { label: 'now', root: repoRoot } },
      request.benches,
      request.rounds,
      FIGURES,
      print,
    );
  } finally {
    process.off('SIGINT', interrupted);
    process.off('SIGTERM', interrupted);
    checkout.remove();
  }
  const rows = compareFigures(FIGURES, samples.baseline, samples.now, request.tolerance);
  print('');
  print(
    renderComparison(rows, {
      baselineRef: request.baselineRef,
      baselineCommit: checkout.commit,
      nowCommit,
      rounds: request.rounds,
      tolerance: request.tolerance,
    }).trimEnd(),
  );
  const unknown = request.benches.filter((b) => !FIGURES.some((f) => f.bench === b));
  if (unknown.length > 0)
    print(`bench: no figure of ${unknown.join(', ')} is known (src/bench/compare/figures.ts)`);
  for (const f of samples.failures)
    print(`bench: ${f.bench} FAILED on the ${f.side} side, round ${f.round}: ${f.message}`);
  return samples.failures.length > 0 ? 1 : 0;
}

/** HEAD's short commit id, marked when the working tree has uncommitted changes (they are measured too). */
function describeNow(repoRoot: string): string {
  const head = resolveCommit(repoRoot, 'HEAD');
  const status = spawnSync('git', ['status', '--porcelain', '--untracked-files=no'], {
    cwd: repoRoot,
    encoding: 'utf8',
  });
  return `${head.slice(0, 12)}${status.stdout.trim() === '' ? '' : ' + uncommitted changes'}`;
}
