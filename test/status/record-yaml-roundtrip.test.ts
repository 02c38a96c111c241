import fc from 'fast-check';
import { parse, parseDocument } from 'yaml';
import { describe, expect, it } from 'vitest';
import { fastParseYaml } from '../../src/specs/fast-yaml.js';
import { fastRecordYaml } from '../../src/records/fast-record-yaml.js';
import { RECORD_HEADER, yamlOf } from '../../src/records/status-record.js';

/**
 * Status records round-trip (issue 11, failure 7): what the writer writes (fast or `yaml`), the
 * `yaml` package reads back as the same value, and the fast reader reads exactly as `yaml` does.
 */
const PIECES = [
  'a',
  'Z',
  'ns1',
  '.eu',
  '0',
  '7',
  '-',
  '?',
  ':',
  ': ',
  ' ',
  '#',
  ' #',
  '"',
  "'",
  '\\',
  '\n',
  '\t',
  '\r',
  'é',
  '.',
  'e',
  'E5',
  '0x',
  '0o',
  '@',
  '`',
  '%',
  '[',
  ']',
  '{',
  '}',
  ',',
  '!',
  '&',
  '*',
  '|',
  '>',
  '~',
  '+',
  'true',
  'null',
  'No',
  'yes',
  '.inf',
  '-.Inf',
  '.nan',
  '2026-11-27',
  '12:30',
  '\u0085',
  '\u00a0',
  '\u2003',
  '\u3000',
  '\ufeff',
  '\u2028',
  '\u0000',
  '\u007f',
];
const str = fc.array(fc.constantFrom(...PIECES), { maxLength: 5 }).map((p) => p.join(''));
const num = fc.oneof(
  fc.integer(),
  fc.constantFrom(0, -0, 1.5, 2 ** 60, 1e21, -3),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);
const key = fc.oneof(
  { arbitrary: fc.constantFrom('id', 'name', 'layout', 'mountPoint', 'size', 'x_1'), weight: 5 },
  fc.constantFrom('null', 'True', '1a', 'a-b', 'a b', '', 'é', '0x1', '.inf', 'yes'),
);
const value = fc.letrec<{ v: unknown }>((tie) => ({
  v: fc.oneof(
    { depthSize: 'small' },
    str,
    num,
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('v'), { maxLength: 3 }),
    fc.dictionary(key, tie('v'), { maxKeys: 4 }),
  ),
})).v;
const record = fc.dictionary(key, value, { maxKeys: 6 }).map((m) => ({ apiVersion: 'ovh-fleet/v1', ...m }));

/** JSON that tells -0 apart (YAML writes it as -0 and reads it back as -0). */
const exact = (v: unknown): string =>
  JSON.stringify(v, (_k, x: unknown) => (typeof x === 'number' && Object.is(x, -0) ? '#-0' : x));

describe('status record YAML round trip', () => {
  it('the writer output reads back as the same value, and the fast reader agrees with yaml', () => {
    let fastWrites = 0;
    let fastReads = 0;
    fc.assert(
      fc.property(record, (value) => {
        const fast = fastRecordYaml(value, RECORD_HEADER);
        const text = yamlOf(value);
        if (fast !== undefined) {
          fastWrites++;
          expect(fast).toBe(text);
        }
        const doc = parseDocument(text, { uniqueKeys: true, strict: true });
        expect(doc.errors).toEqual([]);
        expect(exact(doc.toJS())).toBe(exact(value));
        const read = fastParseYaml(text);
        if (read !== undefined) {
          fastReads++;
          expect(exact(read)).toBe(exact(parse(text)));
        }
      }),
      { numRuns: 5_000 },
    );
    expect(fastWrites).toBeGreaterThan(500);
    expect(fastReads).toBeGreaterThan(500);
  });
});
