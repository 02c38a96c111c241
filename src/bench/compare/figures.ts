/**
 * The figures that `node dist/bench/main.js --baseline REF` compares: for each bench, which of its
 * printed lines hold a figure, and whether lower or higher is better. The benches print plain
 * lines meant for people, not a format; each figure here is one regular expression over those
 * lines, so a line that changes its wording simply stops matching and the figure shows as missing
 * (never as a wrong number). Lines that no figure matches are ignored. Add an entry here when a
 * bench prints a new figure.
 */

/**
 * What a figure measures; it fixes which way is better and the verdict's words:
 * time, memory and count are better lower; rate and score are better higher.
 */
export type FigureKind = 'time' | 'memory' | 'count' | 'rate' | 'score';

/** One compared figure. */
export interface Figure {
  /** The bench whose output holds the figure (its name in src/bench/main.ts). */
  bench: string;
  /** The name printed in the comparison table; unique. */
  name: string;
  /** Matches one printed line; its first capture group is the value. */
  pattern: RegExp;
  /** The unit the bench prints the value in. */
  unit: string;
  kind: FigureKind;
  /**
   * 'control' for a figure of a program both sides share (ajv-cli): its ratio shows how much the
   * machine's load moved between the runs, not our code. Never counted as a regression.
   */
  role?: 'control';
}

/** The figures of one bench, written without repeating its name. */
function inBench(bench: string, figures: Omit<Figure, 'bench'>[]): Figure[] {
  return figures.map((figure) => ({ bench, ...figure }));
}

/** Which way a figure of this kind is better. */
export function betterWay(kind: FigureKind): 'lower' | 'higher' {
  return kind === 'rate' || kind === 'score' ? 'higher' : 'lower';
}

const adapterFigures: Figure[] = inBench(
  'adapter',
  (['sequential', 'concurrency 16'] as const).flatMap((mode) => [
    {
      name: `adapter GET, ${mode}: throughput`,
      pattern: new RegExp(`^adapter GET \\S+ ${mode}: \\d+ requests in [\\d.]+ s: ([\\d.]+) req/s`),
      unit: 'req/s',
      kind: 'rate',
    },
    {
      name: `adapter GET, ${mode}: p50`,
      pattern: new RegExp(`^adapter GET \\S+ ${mode}: .*, p50 ([\\d.]+) ms`),
      unit: 'ms',
      kind: 'time',
    },
    {
      name: `adapter GET, ${mode}: p99`,
      pattern: new RegExp(`^adapter GET \\S+ ${mode}: .*, p99 ([\\d.]+) ms`),
      unit: 'ms',
      kind: 'time',
    },
  ]),
);

const validateFigures: Figure[] = inBench('validate', [
  {
    name: 'validate: ajv-cli 5, whole process (control)',
    pattern: /^\s*ajv-cli 5 \(js-yaml, no positions\)\s*: (\d+) ms/,
    unit: 'ms',
    kind: 'time',
    role: 'control',
  },
  {
    name: 'validate --offline, empty state dir',
    pattern: /^\s*ovh-fleet validate, empty state dir \(compiles\): (\d+) ms/,
    unit: 'ms',
    kind: 'time',
  },
  {
    name: 'validate --offline, empty state dir: peak RSS',
    pattern: /^\s*ovh-fleet validate, empty state dir \(compiles\):.*peak RSS (\d+) MB/,
    unit: 'MB',
    kind: 'memory',
  },
  {
    name: 'validate --offline, compiled schemas kept',
    pattern: /^\s*ovh-fleet validate, compiled schemas kept\s*: (\d+) ms/,
    unit: 'ms',
    kind: 'time',
  },
  {
    name: 'validate --offline, compiled schemas kept: peak RSS',
    pattern: /^\s*ovh-fleet validate, compiled schemas kept\s*:.*peak RSS (\d+) MB/,
    unit: 'MB',
    kind: 'memory',
  },
  {
    name: 'validate: CLI start-up (--version)',
    pattern: /^\s*of which CLI start-up alone .*: (\d+) ms/,
    unit: 'ms',
    kind: 'time',
  },
  {
    name: 'validate in-process: schema compile',
    pattern: /^\s*in-process: compile (\d+) ms/,
    unit: 'ms',
    kind: 'time',
  },
  {
    name: 'validate in-process: compile + cold readFleet',
    pattern: /^\s*in-process: .*cold readFleet = (\d+) ms/,
    unit: 'ms',
    kind: 'time',
  },
  {
    name: 'validate in-process: first warm re-validation',
    pattern: /^\s*in-process: .*warm re-validation of the unchanged files: (\d+)/,
    unit: 'ms',
    kind: 'time',
  },
  {
    name: 'validate in-process: peak RSS',
    pattern: /^\s*in-process: .*peak RSS (\d+) MB/,
    unit: 'MB',
    kind: 'memory',
  },
  {
    name: 'validate: throughput / ajv-cli, compiling',
    pattern: /^\s*ratio ovh-fleet \/ ajv-cli throughput: ([\d.]+) compiling/,
    unit: 'x',
    kind: 'score',
  },
  {
    name: 'validate: throughput / ajv-cli, compiled kept',
    pattern: /^\s*ratio ovh-fleet \/ ajv-cli throughput: .*, ([\d.]+) with compiled schemas kept/,
    unit: 'x',
    kind: 'score',
  },
]);

const planFigures: Figure[] = inBench('plan', [
  {
    name: 'makePlan, 10,000 servers',
    pattern: /^makePlan, 10,000 servers: ([\d.]+) ms per plan/,
    unit: 'ms',
    kind: 'time',
  },
]);

const planObserveFigures: Figure[] = inBench(
  'plan-observe',
  (['cold', 'warm'] as const).flatMap((run) => [
    {
      name: `plan-observe ${run}: API calls`,
      pattern: new RegExp(`^plan-observe ${run}: .*?(\\d+) API calls`),
      unit: 'calls',
      kind: 'count',
    },
    {
      name: `plan-observe ${run}: duration`,
      pattern: new RegExp(`^plan-observe ${run}: .*, ([\\d.]+) s$`),
      unit: 's',
      kind: 'time',
    },
  ]),
);

const applyFigures: Figure[] = inBench('apply', [
  {
    name: 'apply: measured duration',
    pattern: /^apply: measured ([\d.]+) s/,
    unit: 's',
    kind: 'time',
  },
  {
    name: 'apply: efficiency (ideal / measured)',
    pattern: /^apply: measured .*efficiency ([\d.]+)/,
    unit: 'x',
    kind: 'score',
  },
  {
    name: 'apply: API calls per reinstall',
    pattern: /^apply: \d+ API calls, ([\d.]+) per reinstall/,
    unit: 'calls',
    kind: 'count',
  },
  {
    name: 'apply: TLS connections opened',
    pattern: /^apply: \d+ API calls, .*; (\d+) TLS connections opened/,
    unit: 'conns',
    kind: 'count',
  },
  {
    name: 'apply: peak RSS',
    pattern: /^apply: \d+ API calls, .*peak RSS (\d+) MiB/,
    unit: 'MiB',
    kind: 'memory',
  },
]);

const daemonFigures: Figure[] = inBench('daemon', [
  {
    name: 'daemon: push -> reinstall POST, median',
    pattern: /^daemon: push -> reinstall POST via webhook: median (\d+) ms/,
    unit: 'ms',
    kind: 'time',
  },
  {
    name: 'daemon: 10,000 records, heap growth',
    pattern: /^daemon: 10,000 status records .*heap \+([\d.]+) MiB/,
    unit: 'MiB',
    kind: 'memory',
  },
  {
    name: 'daemon: 10,000 records, process RSS',
    pattern: /^daemon: 10,000 status records .*, rss (\d+) MiB/,
    unit: 'MiB',
    kind: 'memory',
  },
  {
    name: 'daemon: serialize 1,000 status records',
    pattern: /^daemon: status for 1,000 changed servers: serialize (\d+) ms/,
    unit: 'ms',
    kind: 'time',
  },
  {
    name: 'daemon: commit + push 1,000 status records',
    pattern: /^daemon: status for 1,000 changed servers: .*commit \+ push (\d+) ms/,
    unit: 'ms',
    kind: 'time',
  },
]);

/** daemon-rss and daemon-rss-plain print the same lines (both prefixed `daemon-rss:`). */
function daemonRssFigures(bench: string): Figure[] {
  const cycles: Omit<Figure, 'bench'>[] = [1, 2].flatMap((n) => [
    {
      name: `${bench}: cycle ${n} duration`,
      pattern: new RegExp(`^daemon-rss: cycle ${n}: \\S+ in ([\\d.]+) s`),
      unit: 's',
      kind: 'time',
    },
    {
      name: `${bench}: VmRSS at the end of cycle ${n}`,
      pattern: new RegExp(`^daemon-rss: cycle ${n}: .*VmRSS at its end (\\d+) MiB`),
      unit: 'MiB',
      kind: 'memory',
    },
  ]);
  return inBench(bench, [
    ...cycles,
    {
      name: `${bench}: peak VmHWM`,
      pattern: /^daemon-rss: daemon peak: VmHWM (\d+) MiB/,
      unit: 'MiB',
      kind: 'memory',
    },
    {
      name: `${bench}: highest VmRSS sampled`,
      pattern: /^daemon-rss: daemon peak: .*highest VmRSS sampled every 200 ms (\d+) MiB/,
      unit: 'MiB',
      kind: 'memory',
    },
  ]);
}

/** steady-cycle: a 10,000-server cycle with nothing changed, and the steady state's calls per hour. */
const steadyCycleFigures: Figure[] = inBench('steady-cycle', [
  {
    name: 'steady cycle, nothing changed, 10,000 servers (median)',
    pattern: /^steady-cycle: steady cycle, nothing changed, \d+ servers: median (\d+) ms/,
    unit: 'ms',
    kind: 'time',
  },
  {
    name: 'steady state, API calls per hour',
    pattern: /^steady-cycle: steady state over .* = (\d+) calls\/hour/,
    unit: 'calls/h',
    kind: 'count',
  },
]);

/** verify-ready: a task's done to the server's ready with the default timings, and the API calls. */
const verifyReadyFigures: Figure[] = inBench('verify-ready', [
  ...(['median', 'p95'] as const).flatMap((q): Omit<Figure, 'bench'>[] => [
    {
      name: `verify: done -> ready (${q})`,
      pattern: new RegExp(`^verify-ready: done → ready \\(\\d+ servers\\): .*${q} ([\\d.]+) s`),
      unit: 's',
      kind: 'time',
    },
    {
      name: `verify: server answers -> ready (${q})`,
      pattern: new RegExp(`^verify-ready: server answers → ready: .*${q} ([\\d.]+) s`),
      unit: 's',
      kind: 'time',
    },
  ]),
  {
    name: 'verify: API calls during verification',
    pattern: /^verify-ready: allowance: .*: (\d+) calls \(/,
    unit: 'calls',
    kind: 'count',
  },
]);

/** dashboard: the page with 10,000 servers in Chromium, and the daemon's RSS with 5 dashboards open. */
const dashboardFigures: Figure[] = inBench('dashboard', [
  {
    name: 'dashboard: first render of 10,000 servers (median)',
    pattern: /^dashboard: first render of \d+ servers in Chromium .*: median (\d+) ms/,
    unit: 'ms',
    kind: 'time',
  },
  {
    name: 'dashboard: filter of 10,000 servers (slowest median)',
    pattern: /^dashboard: filter of \d+ servers in Chromium .*; slowest ([\d.]+) ms/,
    unit: 'ms',
    kind: 'time',
  },
  {
    name: 'dashboard: daemon VmRSS without dashboards',
    pattern: /^dashboard: daemon with .*: before ([\d.]+) MiB/,
    unit: 'MiB',
    kind: 'memory',
  },
  {
    name: 'dashboard: daemon extra VmRSS with 5 dashboards',
    pattern: /^dashboard: daemon with .*; extra (-?[\d.]+) MiB/,
    unit: 'MiB',
    kind: 'memory',
  },
]);

/** Every compared figure, in the order of the table. */
export const FIGURES: readonly Figure[] = [
  ...adapterFigures,
  ...validateFigures,
  ...planFigures,
  ...planObserveFigures,
  ...applyFigures,
  ...daemonFigures,
  ...steadyCycleFigures,
  ...verifyReadyFigures,
  ...dashboardFigures,
  ...daemonRssFigures('daemon-rss'),
  ...daemonRssFigures('daemon-rss-plain'),
];
