/**
 * Compares the figures of the baseline and of the current code, read in the same run: the median
 * of each side's samples, their ratio (now / baseline) and a verdict against a tolerance, in the
 * figure's own direction (a time is better lower, a throughput higher). Pure.
 */
import { betterWay, type Figure, type FigureKind } from './figures.js';

/** How a figure moved: inside the tolerance, the wrong way, the good way, or not read on a side. */
export type Verdict = 'within' | 'worse' | 'better' | 'missing';

/** One line of the comparison table. */
export interface ComparisonRow {
  figure: Figure;
  /** Median of the baseline's samples; undefined when none was read. */
  baseline: number | undefined;
  /** Median of the current code's samples; undefined when none was read. */
  now: number | undefined;
  baselineSamples: number;
  nowSamples: number;
  /** now / baseline; undefined when a side is missing or the baseline is 0 (unless both are 0). */
  ratio: number | undefined;
  verdict: Verdict;
}

/** The median (mean of the two middle values for an even count); undefined for no values. */
export function median(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** The verdict of a ratio now / baseline for a figure of `kind`, `tolerance` a fraction (0.1 = ±10%). */
export function judge(ratio: number | undefined, kind: FigureKind, tolerance: number): Verdict {
  if (ratio === undefined) return 'missing';
  if (ratio >= 1 - tolerance && ratio <= 1 + tolerance) return 'within';
  const higher = ratio > 1;
  return higher === (betterWay(kind) === 'higher') ? 'better' : 'worse';
}

/** The words a verdict takes for a figure of `kind` ("slower" for a time, "bigger" for memory). */
export function verdictWord(verdict: Verdict, kind: FigureKind): string {
  if (verdict === 'within' || verdict === 'missing') return verdict;
  const words: Record<FigureKind, { worse: string; better: string }> = {
    time: { worse: 'slower', better: 'faster' },
    rate: { worse: 'slower', better: 'faster' },
    memory: { worse: 'bigger', better: 'smaller' },
    count: { worse: 'more', better: 'fewer' },
    score: { worse: 'worse', better: 'better' },
  };
  return words[kind][verdict];
}

/**
 * One row per figure that either side read a sample of (figures of benches that did not run are
 * left out), in the order of `figures`.
 */
export function compareFigures(
  figures: readonly Figure[],
  baseline: ReadonlyMap<string, readonly number[]>,
  now: ReadonlyMap<string, readonly number[]>,
  tolerance: number,
): ComparisonRow[] {
  const rows: ComparisonRow[] = [];
  for (const figure of figures) {
    const before = baseline.get(figure.name) ?? [];
    const after = now.get(figure.name) ?? [];
    if (before.length === 0 && after.length === 0) continue;
    const b = median(before);
    const n = median(after);
    const ratio = ratioOf(b, n);
    rows.push({
      figure,
      baseline: b,
      now: n,
      baselineSamples: before.length,
      nowSamples: after.length,
      ratio,
      verdict: judge(ratio, figure.kind, tolerance),
    });
  }
  return rows;
}

function ratioOf(baseline: number | undefined, now: number | undefined): number | undefined {
  if (baseline === undefined || now === undefined) return undefined;
  if (baseline === 0) return now === 0 ? 1 : undefined;
  return now / baseline;
}
