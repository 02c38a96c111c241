import fc from 'fast-check';
import { parseDocument } from 'yaml';
import { describe, expect, it } from 'vitest';
import { fastParseYaml } from '../../src/specs/fast-yaml.js';

/**
 * Differential test of the fast YAML pass against the `yaml` package (issue 11, failure 7): for
 * any generated text, the fast pass either gives up or returns exactly what `yaml` returns, and
 * only for texts `yaml` accepts without error or warning (with the options of parseFleetFile).
 */

/** Characters that make scalars interesting: Unicode spaces, indicators, quotes, escapes. */
const CHARS = [
  'a',
  'b',
  'Z',
  '0',
  '1',
  '9',
  '.',
  '-',
  '_',
  '+',
  ':',
  '#',
  ' ',
  '/',
  '@',
  '%',
  '=',
  '~',
  '!',
  '&',
  '*',
  '|',
  '>',
  '?',
  ',',
  '[',
  ']',
  '{',
  '}',
  '"',
  "'",
  '\\',
  'é',
  '☃',
  '\u00a0',
  '\u2003',
  '\u3000',
  '\ufeff',
  '\u0085',
  '\u2028',
  '\u200b',
  '\t',
];
const word = fc.array(fc.constantFrom(...CHARS), { minLength: 1, maxLength: 8 }).map((c) => c.join(''));
const SPECIAL = [
  '.inf',
  '-.Inf',
  '+.INF',
  '.nan',
  '.NaN',
  '.NAN',
  '-.inf',
  '0o17',
  '0x1F',
  '0X1f',
  '017',
  '1e3',
  '1E-2',
  '1_000',
  '+1',
  '-0',
  '0.0',
  '1.',
  '.5',
  '-1.50',
  '12345678901234567890',
  '0.1e1',
  'yes',
  'no',
  'on',
  'off',
  'y',
  'n',
  'Yes',
  'OFF',
  '~',
  'null',
  'Null',
  'NULL',
  'true',
  'True',
  'TRUE',
  'false',
  'FALSE',
  '2026-01-01',
  '2026-01-01T10:00:00Z',
  '12:30',
  '1:30:00',
  '<<',
  '=',
  '1.2.3',
  '4h',
  'x y',
  'a:b',
  'a :b',
  'a# b',
  'caf\u00e9',
  '"x"',
  "'x'",
  '"a\\n\\t\\u00e9\\x41\\"b"',
  "'it''s'",
  '""',
  "''",
  '" lead"',
  '"trail "',
  '"#"',
  '"a: b"',
  '[]',
  '{}',
  '[a, b]',
  '{k: v}',
  '[a, [b, {c: d}]]',
  '{a: 1, b: [x]}',
  '[a,]',
  '{a: }',
  '- x',
  '|',
  '>',
  '&x v',
  '*x',
  '!!str 1',
  '!t x',
  '? k',
];
const ordinary = fc
  .array(fc.constantFrom('a', 'b', 'x', '1', '0', '.', '-', '_', '/', ' ', '@', 'é'), {
    minLength: 1,
    maxLength: 10,
  })
  .map((c) => c.join('').trim() || 'v');
const scalar = fc.oneof(
  { arbitrary: ordinary, weight: 12 },
  { arbitrary: fc.constantFrom(...SPECIAL), weight: 3 },
  { arbitrary: word, weight: 1 },
  fc
    .tuple(fc.constantFrom(...SPECIAL), fc.constantFrom('\u00a0', '\u2003', '\u3000', ' ', '  # c', '\t'))
    .map(([s, t]) => s + t),
);
const key = fc.oneof(
  { arbitrary: fc.constantFrom('a', 'b', 'c', 'name', 'k_1', 'x.y', 'a-b'), weight: 8 },
  fc.constantFrom(
    'a',
    'b',
    'key',
    'k_1',
    'a.b',
    'a-b',
    'true',
    'null',
    '1',
    '0x1',
    'on',
    '"q"',
    '__proto__',
    'a b',
    'é',
  ),
  word,
);

interface Gen {
  lines(indent: string): string[];
}
const leaf: fc.Arbitrary<Gen> = scalar.map((s) => ({ lines: () => [s] }));
const tree: fc.Arbitrary<Gen> = fc.letrec<{ node: Gen }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.array(fc.tuple(key, tie('node')), { minLength: 1, maxLength: 4 }).map((pairs) => ({
      lines: (indent: string) =>
        pairs.flatMap(([k, v]) => {
          const inner = v.lines(`${indent}  `);
          return inner.length === 1 && !inner[0]!.startsWith(' ')
            ? [`${indent}${k}: ${inner[0]}`]
            : [`${indent}${k}:`, ...inner.map((l) => (l.startsWith(' ') ? l : `${indent}  ${l}`))];
        }),
    })),
    fc.array(tie('node'), { minLength: 1, maxLength: 3 }).map((items) => ({
      lines: (indent: string) =>
        items.flatMap((v) => {
          const inner = v.lines(`${indent}  `);
          return inner.length === 1 && !inner[0]!.startsWith(' ')
            ? [`${indent}- ${inner[0]}`]
            : [`${indent}-`, ...inner.map((l) => (l.startsWith(' ') ? l : `${indent}  ${l}`))];
        }),
    })),
  ),
})).node;

const text = fc
  .tuple(
    fc.array(fc.tuple(key, tree), { minLength: 1, maxLength: 5 }),
    fc.constantFrom('\n', '\n', '\n', '\r\n'),
    fc.oneof(
      { arbitrary: fc.constant(''), weight: 10 },
      fc.constantFrom('\ufeff', '# c\n', '---\n', '%YAML 1.1\n---\n'),
    ),
    fc.oneof(
      { arbitrary: fc.constant('\n'), weight: 10 },
      fc.constantFrom('', '\n# end\n', '\n...\n', '\n---\nb: 1\n'),
    ),
  )
  .map(([pairs, eol, head, tail]) => {
    const lines = pairs.flatMap(([k, v]) => {
      const inner = v.lines('  ');
      return inner.length === 1 && !inner[0]!.startsWith(' ')
        ? [`${k}: ${inner[0]}`]
        : [`${k}:`, ...inner.map((l) => (l.startsWith(' ') ? l : `  ${l}`))];
    });
    return head + lines.join(eol) + tail;
  });

/** A JSON-like rendering that tells -0, NaN, Infinity and undefined apart. */
function exact(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => {
    if (typeof v === 'number' && (!Number.isFinite(v) || Object.is(v, -0)))
      return `#num:${Object.is(v, -0) ? '-0' : String(v)}`;
    if (v === undefined) return '#undefined';
    if (v instanceof Map) return { '#map': [...v.entries()] };
    return v;
  });
}

describe('fastParseYaml against yaml (differential)', () => {
  it('returns exactly what yaml returns, or gives up, on a large generated corpus', () => {
    let handled = 0;
    fc.assert(
      fc.property(text, (t) => {
        const fast = fastParseYaml(t);
        if (fast === undefined) return;
        handled++;
        const doc = parseDocument(t, { uniqueKeys: true, strict: true, prettyErrors: false });
        expect(doc.errors.map((e) => e.message)).toEqual([]);
        expect(doc.warnings.map((e) => e.message)).toEqual([]);
        expect(exact(fast)).toBe(exact(doc.toJS()));
      }),
      { numRuns: 20_000 },
    );
    // The corpus must exercise the fast path, not only its refusals.
    expect(handled).toBeGreaterThan(500);
  });

  it.each([
    ['no-break space', 'a: x\u00a0\n'],
    ['em space', 'a: x\u2003\n'],
    ['ideographic space', 'a: x\u3000\n'],
    ['leading no-break space', 'a: \u00a0x\n'],
    ['.inf', 'a: .inf\n'],
    ['-.Inf', 'a: -.Inf\n'],
    ['.nan', 'a: .nan\n'],
    ['flow .inf', 'a: [.inf, .NaN]\n'],
  ])('agrees with yaml on %s (issue 11, failure 7)', (_name, t) => {
    const fast = fastParseYaml(t);

    if (fast !== undefined) expect(exact(fast)).toBe(exact(parseDocument(t).toJS()));
  });
});
