import { describe, expect, it } from 'vitest';
import { fastRecordYaml } from '../../src/records/fast-record-yaml.js';
import {
  orderedRecord,
  parseStatusRecord,
  RECORD_HEADER,
  serializeStatusRecord,
  yamlOf,
} from '../../src/records/status-record.js';
import type { StatusRecord } from '../../src/records/types.js';
import { record, seeded, spec } from '../plan/helpers.js';

const PIECES = [
  'a',
  'Z',
  'ns1',
  '.eu',
  '0',
  '7',
  '12',
  '-',
  '?',
  ':',
  ': ',
  ' ',
  '  ',
  '#',
  ' #',
  '"',
  "'",
  '\\',
  '\n',
  '\t',
  'é',
  '.',
  'e',
  'E5',
  '0x',
  '0o',
  '@',
  '`',
  '%',
  '/',
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
  '_',
  '=',
  '(',
  ')',
  'true',
  'null',
  'No',
  '.inf',
  '.nan',
  'sha256:',
  '2026-11-27T10:00:00.000Z',
  'runs the applied spec (debian12_64)',
  '\u0085',
  '\u00a0',
];
const KEYS = [
  'id',
  'name',
  'layout',
  'mountPoint',
  'size',
  'x_1',
  'null',
  'True',
  '1a',
  'a-b',
  'a b',
  '',
  'é',
];

function randomString(rand: () => number): string {
  const n = Math.floor(rand() * 4);
  let s = '';
  for (let i = 0; i < n; i++) s += PIECES[Math.floor(rand() * PIECES.length)]!;
  return s;
}

function randomValue(rand: () => number, depth: number): unknown {
  const r = rand();
  if (depth > 0 && r < 0.15) {
    return Array.from({ length: Math.floor(rand() * 3) }, () => randomValue(rand, depth - 1));
  }
  if (depth > 0 && r < 0.35) return randomMap(rand, depth - 1);
  if (r < 0.4) return null;
  if (r < 0.45) return rand() < 0.5;
  if (r < 0.5) return [0, 5, -3, 1.5, -0, 2 ** 60, 1e21][Math.floor(rand() * 7)];
  if (r < 0.52) return undefined;
  return randomString(rand);
}

function randomMap(rand: () => number, depth: number): Record<string, unknown> {
  const map: Record<string, unknown> = {};
  const n = Math.floor(rand() * 4);
  for (let i = 0; i < n; i++) map[KEYS[Math.floor(rand() * KEYS.length)]!] = randomValue(rand, depth);
  return map;
}

describe('fastRecordYaml', () => {
  it('writes exactly what the yaml package writes whenever it does not give up (20,000 random maps)', () => {
    const rand = seeded(20261127);
    let taken = 0;
    for (let i = 0; i < 20_000; i++) {
      const value = { apiVersion: 'ovh-fleet/v1', ...randomMap(rand, 3) };
      const fast = fastRecordYaml(value, RECORD_HEADER);
      if (fast === undefined) continue;
      taken++;
      expect(fast, JSON.stringify(value)).toBe(yamlOf(value));
    }
    // The comparison is only worth something if the fast path is taken often.
    expect(taken).toBeGreaterThan(5_000);
  });

  it.each([
    ['2026-11-27T10:00:00.000Z', '2026-11-27T10:00:00.000Z'],
    ['sha256:0123abcd', 'sha256:0123abcd'],
    ['already runs debian12_64: recorded as applied', '"already runs debian12_64: recorded as applied"'],
    ['123', '"123"'],
    ['true', '"true"'],
    ['', '""'],
    ['- item', '"- item"'],
    ['ends with:', '"ends with:"'],
  ])('writes the string %j as %s', (input, written) => {
    expect(fastRecordYaml({ message: input }, RECORD_HEADER)).toBe(
      `#${RECORD_HEADER}\n\nmessage: ${written}\n`,
    );
    expect(yamlOf({ message: input })).toBe(`#${RECORD_HEADER}\n\nmessage: ${written}\n`);
  });

  it.each([
    ['a double quote', { message: 'say "hi"' }],
    ['a new line', { message: 'two\nlines' }],
    ['non-ASCII text', { message: 'café' }],
    ['a fraction', { size: 1.5 }],
    ['an unusual key', { 'a b': 1 }],
  ])('gives up on %s (the yaml package writes it)', (_name, value) => {
    expect(fastRecordYaml(value, RECORD_HEADER)).toBeUndefined();
  });

  it('takes the fast path for the records the daemon writes, and they read back equal', () => {
    const adopted: StatusRecord = {
      ...record(
        'ns1.eu',
        spec('ns1.eu', {
          storage: [
            { diskGroupId: 1, partitioning: { layout: [{ mountPoint: '/', fileSystem: 'ext4', size: 0 }] } },
          ],
        }),
      ),
      message: 'already runs debian12_64: recorded as applied, no reinstall',
      attempts: ['2026-11-27T11:00:00.000Z'],
    };
    const ordered = orderedRecord(adopted);

    const fast = fastRecordYaml(ordered, RECORD_HEADER);

    expect(fast).toBe(yamlOf(ordered));
    expect(serializeStatusRecord(adopted)).toBe(fast);
    expect(parseStatusRecord(fast!, 'status/ns1.eu.yaml')).toEqual({ record: adopted, diagnostics: [] });
  });
});
