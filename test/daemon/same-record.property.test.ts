/**
 * The record step compares each built record with the one in the tree by sameRecord (field by
 * field, the same value not walked) instead of isDeepStrictEqual: a record it takes as equal is
 * not written, so the two must agree on every pair, or a changed record would be lost.
 */
import fc from 'fast-check';
import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import { sameRecord } from '../../src/daemon/record-status.js';
import type { StatusRecord } from '../../src/records/types.js';

/** A record-like object: any fields, nested values, 0 and -0, undefined values. */
const value = fc.oneof(
  fc.constantFrom(0, -0, Number.NaN, null, undefined, '', 'ready'),
  fc.integer(),
  fc.string({ maxLength: 4 }),
  fc.array(fc.constantFrom('a', 'b', 0, -0), { maxLength: 3 }),
  fc.dictionary(fc.constantFrom('id', 'step', 'at'), fc.constantFrom(0, -0, 1, 'x', null, undefined)),
);
const recordLike = fc.dictionary(
  fc.constantFrom('serviceName', 'phase', 'reason', 'task', 'lastApplied', 'attempts', 'since'),
  value,
);

/** The pair `a`, and a copy of it sharing some parts, with a few fields changed or removed. */
const pair = recordLike.chain((a) =>
  fc
    .tuple(
      fc.subarray(Object.keys(a)),
      fc.dictionary(fc.constantFrom('phase', 'task', 'attempts', 'extra'), value, { maxKeys: 2 }),
      fc.boolean(),
    )
    .map(([removed, changed, clone]) => {
      const base: Record<string, unknown> = clone ? structuredClone(a) : { ...a };
      for (const key of removed.slice(0, 1)) delete base[key];
      return [a, { ...base, ...changed }] as const;
    }),
);

describe('sameRecord', () => {
  it('property: agrees with isDeepStrictEqual on every pair', () => {
    fc.assert(
      fc.property(fc.oneof(pair, fc.tuple(recordLike, recordLike)), ([a, b]) => {
        const x = a as unknown as StatusRecord;
        const y = b as unknown as StatusRecord;
        expect(sameRecord(x, y)).toBe(isDeepStrictEqual(x, y));
        expect(sameRecord(y, x)).toBe(isDeepStrictEqual(y, x));
      }),
      { numRuns: 2000 },
    );
  });
});
