/**
 * Renders a baseline comparison as a table a person reads in a terminal and can paste into a
 * pull request (a Markdown pipe table), followed by one summary line. Pure.
 */
import { betterWay } from './figures.js';
import { verdictWord, type ComparisonRow } from './verdict.js';

/** The heading of the comparison: which commits were compared, how often, and the tolerance. */
export interface ComparisonHeading {
  baselineRef: string;
  baselineCommit: string;
  /** How the current code is named: a short commit id, maybe "+ uncommitted changes". */
  nowCommit: string;
  rounds: number;
  /** A fraction: 0.1 = ±10%. */
  tolerance: number;
}

/** The table and its summary line, ending with a newline. */
export function renderComparison(rows: readonly ComparisonRow[], heading: ComparisonHeading): string {
  const pct = formatPercent(heading.tolerance);
  const header = ['figure', 'better', 'baseline', 'now', 'ratio', `verdict (±${pct})`];
  const body = rows.map((row) => [
    row.figure.role === 'control' ? `${row.figure.name} *` : row.figure.name,
    betterWay(row.figure.kind),
    formatValue(row.baseline, row.figure.unit, row.baselineSamples),
    formatValue(row.now, row.figure.unit, row.nowSamples),
    row.ratio === undefined ? '-' : row.ratio.toFixed(2),
    formatVerdict(row),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((cells) => cells[i]!.length)));
  const line = (cells: readonly string[]): string =>
    `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [
    `baseline ${heading.baselineRef} (${heading.baselineCommit.slice(0, 12)}) vs now (${heading.nowCommit}), ` +
      `${heading.rounds} round(s) each, alternating; values are medians of every sample, ratio = now / baseline`,
    line(header),
    line(widths.map((w) => '-'.repeat(w))),
    ...body.map(line),
    ...(rows.some((r) => r.figure.role === 'control')
      ? ['* control: the same program on both sides; its ratio shows how the machine moved, not our code']
      : []),
    summarize(rows, pct),
    '',
  ].join('\n');
}

/** "N figures: a within ±10%, b worse (names), c better, d missing", control figures left out. */
export function summarize(rows: readonly ComparisonRow[], pct: string): string {
  const counted = rows.filter((r) => r.figure.role !== 'control');
  const of = (v: ComparisonRow['verdict']): ComparisonRow[] => counted.filter((r) => r.verdict === v);
  const worse = of('worse');
  const parts = [
    `${of('within').length} within ±${pct}`,
    `${worse.length} worse${worse.length > 0 ? ` (${worse.map((r) => r.figure.name).join('; ')})` : ''}`,
    `${of('better').length} better`,
    `${of('missing').length} missing`,
  ];
  return `verdict: ${counted.length} figures: ${parts.join(', ')}`;
}

function formatVerdict(row: ComparisonRow): string {
  const word = verdictWord(row.verdict, row.figure.kind);
  if (row.ratio === undefined || row.verdict === 'missing') return word;
  const change = Math.round((row.ratio - 1) * 100);
  return `${word} (${change < 0 ? '' : '+'}${change}%)`;
}

function formatValue(value: number | undefined, unit: string, samples: number): string {
  if (value === undefined) return '-';
  const digits = Math.abs(value) < 10 ? 2 : Math.abs(value) < 100 ? 1 : 0;
  return `${value.toFixed(digits)} ${unit}${samples > 1 ? ` (n=${samples})` : ''}`;
}

function formatPercent(fraction: number): string {
  return `${Number((fraction * 100).toFixed(1))}%`;
}
