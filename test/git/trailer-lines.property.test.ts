/**
 * parseTrailerLines splits at the first colon by hand instead of `^(key):\s*(.*)$`, which
 * backtracked quadratically (test/core/regex-safety.test.ts). On short lines the old regex is
 * harmless, so it serves as the oracle: both must read every text the same.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseTrailerLines } from '../../src/git/commit-message.js';

/** The former implementation, kept here as the reference. */
function oracle(text: string): { key: string; value: string }[] {
  const out: { key: string; value: string }[] = [];
  for (const line of text.split('\n')) {
    const m = /^([A-Za-z0-9][A-Za-z0-9-]*):\s*(.*)$/.exec(line.trim());
    if (m) out.push({ key: m[1]!, value: m[2]!.trim() });
  }
  return out;
}

const PIECES = [
  'Fleet-Server',
  'a',
  '-',
  ':',
  ': ',
  ' ',
  '\t',
  '\r',
  '\n',
  '\u2028',
  '\u2029',
  '\u00a0',
  'x y',
  '#',
  'é',
];

describe('parseTrailerLines', () => {
  it('reads every text as the former regex did', () => {
    const text = fc.array(fc.constantFrom(...PIECES), { maxLength: 24 }).map((p) => p.join(''));
    fc.assert(
      fc.property(fc.oneof(text, fc.string({ maxLength: 40 })), (t) => {
        expect(parseTrailerLines(t)).toEqual(oracle(t));
      }),
      { numRuns: 5_000 },
    );
  });

  it('reads a line of 256 KiB of spaces before a line separator as no trailer', () => {
    const line = `Fleet-Server:${' '.repeat(256 * 1024)}y\u2028x`;
    expect(parseTrailerLines(line)).toEqual([]);
    expect(parseTrailerLines(`Fleet-Server:${' '.repeat(256 * 1024)}x`)).toEqual([
      { key: 'Fleet-Server', value: 'x' },
    ]);
  });
});
