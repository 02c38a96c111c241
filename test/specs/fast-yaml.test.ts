import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { parseDocument } from 'yaml';
import { describe, expect, it } from 'vitest';
import { fastParseYaml } from '../../src/specs/fast-yaml.js';

const GOOD = path.resolve(import.meta.dirname, '../fixtures/specs/good');

/** Snippets near the edges of the subset: the fast pass must equal `yaml` or give up. */
const EDGES = [
  'a: 1\nb: -2\nc: 1.5\nd: 010\ne: 0x1F\nf: 1e3\ng: .inf\nh: 1.2.3\n',
  'a: true\nb: False\nc: yes\nd: on\ne: ~\nf: null\ng: NULL\nh:\n',
  "a: \"x # y\"\nb: 'single'\nc: x # comment\nd: x#y\ne: \"esc\\n\"\nf: 'it''s'\n",
  'a: {b: 1, c: [x, y, {d: e}], f: {}}\ng: []\nh: [a, ]\n',
  'a:\n- 1\n- 2\nb:\n  - c: 1\n    d: 2\n  - - x\n    - y\n',
  'key: value: more\n',
  'url: https://example.com/a?b=c\nflow: {u: https://x}\n',
  'a: multi\n  line\n',
  'a: |\n  block\n',
  'a: &x 1\nb: *x\n',
  'a: !tag x\n',
  '---\na: 1\n',
  'a: 1\na: 2\n',
  '"quoted key": 1\n',
  '? complex\n: value\n',
  'a: @at\nb: `tick\n',
  'a: x@y\nb: ssh-ed25519 AAAA+/= ops@example\n',
  'a:\n  b:\n    c:\n      d: deep\n',
  'a: 2026-11-27\nb: 12:30\n',
  '  a: 1\n',
  'a: 1\n b: 2\n',
  'a: "unterminated\n',
  'a: {b: 1\n',
  '- a\n- b\n',
  'plain scalar\n',
  'a: -\nb: - x\n',
  'a: caf\u00e9 \u2603\n',
  '__proto__: {polluted: true}\n',
  'a: x  \nb: "y"  # c\n',
  'a:    spaced\nb:\n\n  c: 1\n',
] as const;

describe('fastParseYaml', () => {
  it.each(EDGES.map((text) => [JSON.stringify(text), text]))('%s equals yaml or gives up', (_name, text) => {
    const fast = fastParseYaml(text);

    if (fast !== undefined) expect(fast).toStrictEqual(parseDocument(text).toJS());
  });

  it.each(['servers/web/web-1.yaml', 'servers/web/web-2.yml', 'servers/db/db-1.yaml', 'fleet.yaml'])(
    'handles the ordinary file %s itself, with the same result as yaml',
    (file) => {
      const text = readFileSync(path.join(GOOD, file), 'utf8');

      const fast = fastParseYaml(text);

      expect(fast).toBeDefined();
      expect(fast).toStrictEqual(parseDocument(text).toJS());
    },
  );

  it.each([
    ['tabs', 'a:\n\tb: 1\n'],
    ['anchors', 'a: &x 1\nb: *x\n'],
    ['duplicate keys', 'a: 1\na: 2\n'],
    ['several documents', 'a: 1\n---\nb: 2\n'],
    ['octal-looking numbers', 'a: 010\n'],
    ['multi-line scalars', 'a: multi\n  line\n'],
  ])('gives up on %s', (_name, text) => {
    expect(fastParseYaml(text)).toBeUndefined();
  });

  it('is used for every fixture in test/fixtures/specs/good', () => {
    const files = readdirSync(GOOD, { recursive: true, encoding: 'utf8' }).filter(
      (f) => /\.ya?ml$/.test(f) && !f.startsWith('scripts'),
    );

    expect(
      files.filter((f) => fastParseYaml(readFileSync(path.join(GOOD, f), 'utf8')) === undefined),
    ).toEqual([]);
  });
});

describe('fastParseYaml on number-like strings', () => {
  it.each(['a: 4h\nb: 1h30m\nc: 90m\nd: 5000abc\ne: 1.x\n', 'a: 0b101\nb: 1_000\nc: +5\nd: .5\ne: 5.\n'])(
    '%j equals yaml or gives up',
    (text) => {
      const fast = fastParseYaml(text);

      if (fast !== undefined) expect(fast).toStrictEqual(parseDocument(text).toJS());
    },
  );
});
