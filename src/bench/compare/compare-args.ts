/**
 * The bench runner's command line: `[--baseline [REF]] [--rounds N] [--tolerance PCT] [NAME...]`.
 * `--baseline` without a REF (followed by nothing, an option, or a bench name) means the default
 * baseline recorded in package.json (`config.benchBaseline`); a ref spelled like a bench name must
 * be given as `--baseline=REF`. Pure.
 */

/** What the runner was asked for. */
export interface BenchArgs {
  /** The benches named; empty for the default list. */
  names: string[];
  /** The ref to compare against; undefined for a plain run without comparison. */
  baseline: string | undefined;
  /** Runs of each side per bench, alternating (baseline first in odd rounds, now first in even). */
  rounds: number;
  /** A fraction: 0.1 = ±10%. */
  tolerance: number;
}

export const DEFAULT_ROUNDS = 2;
export const DEFAULT_TOLERANCE = 0.1;

/** Parses argv (without node and the script); throws an Error with a usage hint on a bad option. */
export function parseBenchArgs(
  argv: readonly string[],
  benchNames: readonly string[],
  defaultBaseline: () => string,
): BenchArgs {
  const args: BenchArgs = {
    names: [],
    baseline: undefined,
    rounds: DEFAULT_ROUNDS,
    tolerance: DEFAULT_TOLERANCE,
  };
  let rounds: string | undefined;
  let tolerance: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, inline] = arg.startsWith('--') ? splitOption(arg) : [arg, undefined];
    const next = argv[i + 1];
    const takeValue = (): string => {
      if (inline !== undefined) return inline;
      if (next === undefined || next.startsWith('--')) throw usage(`${flag} needs a value`);
      i++;
      return next;
    };
    if (flag === '--baseline') {
      if (inline !== undefined) args.baseline = inline;
      else if (next === undefined || next.startsWith('--') || benchNames.includes(next))
        args.baseline = defaultBaseline();
      else args.baseline = takeValue();
    } else if (flag === '--rounds') rounds = takeValue();
    else if (flag === '--tolerance') tolerance = takeValue();
    else if (flag.startsWith('--')) throw usage(`unknown option ${flag}`);
    else args.names.push(arg);
  }
  if ((rounds !== undefined || tolerance !== undefined) && args.baseline === undefined)
    throw usage('--rounds and --tolerance only apply with --baseline');
  if (rounds !== undefined) {
    args.rounds = Number(rounds);
    if (!Number.isInteger(args.rounds) || args.rounds < 1)
      throw usage(`--rounds ${rounds}: a whole number >= 1`);
  }
  if (tolerance !== undefined) {
    const pct = Number(tolerance.replace(/%$/, ''));
    if (!Number.isFinite(pct) || pct <= 0 || pct >= 100)
      throw usage(`--tolerance ${tolerance}: a percentage between 0 and 100`);
    args.tolerance = pct / 100;
  }
  return args;
}

function splitOption(arg: string): [string, string | undefined] {
  const eq = arg.indexOf('=');
  return eq < 0 ? [arg, undefined] : [arg.slice(0, eq), arg.slice(eq + 1)];
}

function usage(problem: string): Error {
  return new Error(
    `${problem}; usage: node dist/bench/main.js [--baseline [REF]] [--rounds N] [--tolerance PCT] [NAME...]`,
  );
}
