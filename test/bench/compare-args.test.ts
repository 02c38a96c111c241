import { describe, expect, it } from 'vitest';
import { parseBenchArgs } from '../../src/bench/compare/compare-args.js';

const NAMES = ['adapter', 'validate', 'plan'];
const parse = (argv: string[]): ReturnType<typeof parseBenchArgs> =>
  parseBenchArgs(argv, NAMES, () => 'default-ref');

describe('parseBenchArgs', () => {
  it.each([
    [[], { names: [], baseline: undefined, rounds: 2, tolerance: 0.1 }],
    [['plan', 'validate'], { names: ['plan', 'validate'], baseline: undefined, rounds: 2, tolerance: 0.1 }],
    [['--baseline', 'v1.2', 'plan'], { names: ['plan'], baseline: 'v1.2', rounds: 2, tolerance: 0.1 }],
    [['--baseline=plan', 'plan'], { names: ['plan'], baseline: 'plan', rounds: 2, tolerance: 0.1 }],
    [['--baseline'], { names: [], baseline: 'default-ref', rounds: 2, tolerance: 0.1 }],
    [['--baseline', 'plan'], { names: ['plan'], baseline: 'default-ref', rounds: 2, tolerance: 0.1 }],
    [['--baseline', '--rounds', '3'], { names: [], baseline: 'default-ref', rounds: 3, tolerance: 0.1 }],
    [
      ['plan', '--baseline', 'HEAD~1', '--tolerance', '5%', '--rounds=1'],
      { names: ['plan'], baseline: 'HEAD~1', rounds: 1, tolerance: 0.05 },
    ],
    [['--baseline', 'x', '--tolerance=15'], { names: [], baseline: 'x', rounds: 2, tolerance: 0.15 }],
  ])('reads %j', (argv, expected) => {
    expect(parse(argv)).toEqual(expected);
  });

  it.each([
    [['--rounds', '2'], /only apply with --baseline/],
    [['--baseline', 'x', '--rounds', '0'], /--rounds 0: a whole number >= 1/],
    [['--baseline', 'x', '--rounds', '1.5'], /--rounds 1.5/],
    [['--baseline', 'x', '--tolerance', '0'], /--tolerance 0: a percentage/],
    [['--baseline', 'x', '--rounds'], /--rounds needs a value/],
    [['--fast'], /unknown option --fast; usage: /],
  ])('refuses %j', (argv, message) => {
    expect(() => parse(argv)).toThrow(message);
  });

  it('reads the default baseline only when it is asked for', () => {
    let reads = 0;
    const read = (): string => {
      reads++;
      return 'default-ref';
    };

    parseBenchArgs(['plan'], NAMES, read);
    parseBenchArgs(['--baseline', 'v1', 'plan'], NAMES, read);

    expect(reads).toBe(0);
  });
});
