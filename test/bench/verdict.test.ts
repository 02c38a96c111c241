import { describe, expect, it } from 'vitest';
import type { Figure } from '../../src/bench/compare/figures.js';
import { renderComparison } from '../../src/bench/compare/render-table.js';
import { compareFigures, judge, median, verdictWord } from '../../src/bench/compare/verdict.js';

const figure = (name: string, kind: Figure['kind'], role?: 'control'): Figure => ({
  bench: 'plan',
  name,
  pattern: /^$/,
  unit: kind === 'rate' ? 'req/s' : 'ms',
  kind,
  ...(role ? { role } : {}),
});

describe('median', () => {
  it.each([
    [[], undefined],
    [[5], 5],
    [[3, 1, 2], 2],
    [[4, 1, 3, 2], 2.5],
  ])('of %j is %s', (values, expected) => {
    expect(median(values)).toBe(expected);
  });
});

describe('judge', () => {
  it.each([
    // ratio = now / baseline
    [1.0, 'time', 'within'],
    [1.1, 'time', 'within'],
    [0.9, 'time', 'within'],
    [1.11, 'time', 'worse'],
    [0.89, 'time', 'better'],
    [1.5, 'memory', 'worse'],
    [1.5, 'count', 'worse'],
    [1.11, 'rate', 'better'],
    [0.89, 'rate', 'worse'],
    [0.5, 'score', 'worse'],
    [undefined, 'time', 'missing'],
  ] as const)('ratio %s of a %s figure is %s at ±10%%', (ratio, kind, verdict) => {
    expect(judge(ratio, kind, 0.1)).toBe(verdict);
  });

  it('takes the tolerance it is given', () => {
    expect(judge(1.15, 'time', 0.2)).toBe('within');
    expect(judge(1.15, 'time', 0.05)).toBe('worse');
  });
});

describe('verdictWord', () => {
  it.each([
    ['worse', 'time', 'slower'],
    ['better', 'time', 'faster'],
    ['worse', 'rate', 'slower'],
    ['better', 'rate', 'faster'],
    ['worse', 'memory', 'bigger'],
    ['better', 'count', 'fewer'],
    ['within', 'memory', 'within'],
    ['missing', 'rate', 'missing'],
  ] as const)('says %s of a %s figure as "%s"', (verdict, kind, word) => {
    expect(verdictWord(verdict, kind)).toBe(word);
  });
});

describe('compareFigures', () => {
  const figures = [
    figure('plan time', 'time'),
    figure('throughput', 'rate'),
    figure('not run', 'time'),
    figure('only before', 'time'),
    figure('zero both', 'time'),
  ];

  it('compares the medians of each side, now / baseline, and leaves out figures neither side read', () => {
    const baseline = new Map([
      ['plan time', [100, 300, 200]],
      ['throughput', [1000]],
      ['only before', [5]],
      ['zero both', [0]],
    ]);
    const now = new Map([
      ['plan time', [250, 230]],
      ['throughput', [800]],
      ['zero both', [0]],
    ]);

    const rows = compareFigures(figures, baseline, now, 0.1);

    expect(
      rows.map((r) => [
        r.figure.name,
        r.baseline,
        r.now,
        r.ratio,
        r.verdict,
        r.baselineSamples,
        r.nowSamples,
      ]),
    ).toEqual([
      ['plan time', 200, 240, 1.2, 'worse', 3, 2],
      ['throughput', 1000, 800, 0.8, 'worse', 1, 1],
      ['only before', 5, undefined, undefined, 'missing', 1, 0],
      ['zero both', 0, 0, 1, 'within', 1, 1],
    ]);
  });
});

describe('renderComparison', () => {
  it('prints one row per figure with its direction, values, ratio and verdict, then a summary', () => {
    const rows = compareFigures(
      [
        figure('makePlan', 'time'),
        figure('GET throughput', 'rate'),
        figure('ajv-cli', 'time', 'control'),
        figure('steady', 'time'),
      ],
      new Map([
        ['makePlan', [800]],
        ['GET throughput', [1000, 1000]],
        ['ajv-cli', [5000]],
        ['steady', [1000]],
      ]),
      new Map([
        ['makePlan', [1000]],
        ['GET throughput', [1050, 1050]],
        ['ajv-cli', [6000]],
        ['steady', [999]],
      ]),
      0.1,
    );

    const text = renderComparison(rows, {
      baselineRef: '2d6f355',
      baselineCommit: '2d6f355aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
      nowCommit: 'fedcba987654',
      rounds: 2,
      tolerance: 0.1,
    });

    const lines = text.split('\n');
    expect(lines[0]).toContain('baseline 2d6f355 (2d6f355aaaaa) vs now (fedcba987654), 2 round(s) each');
    expect(lines[1]).toMatch(/^\| figure +\| better \| baseline +\| now +\| ratio \| verdict \(±10%\) +\|$/);
    expect(lines[3]).toMatch(
      /^\| makePlan +\| lower +\| 800 ms +\| 1000 ms +\| 1\.25 +\| slower \(\+25%\) +\|$/,
    );
    expect(lines[4]).toMatch(
      /^\| GET throughput +\| higher +\| 1000 req\/s \(n=2\) +\| 1050 req\/s \(n=2\) +\| 1\.05 +\| within \(\+5%\) +\|$/,
    );
    expect(lines[5]).toMatch(
      /^\| ajv-cli \* +\| lower +\| 5000 ms +\| 6000 ms +\| 1\.20 +\| slower \(\+20%\) +\|$/,
    );
    expect(lines[6]).toMatch(
      /^\| steady +\| lower +\| 1000 ms +\| 999 ms +\| 1\.00 +\| within \(\+0%\) +\|$/,
    );
    expect(text).toContain('* control: the same program on both sides');
    expect(text).not.toContain('-0%');
    expect(text).toContain('verdict: 3 figures: 2 within ±10%, 1 worse (makePlan), 0 better, 0 missing\n');
  });
});
