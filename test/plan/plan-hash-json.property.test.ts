/**
 * planHashOf writes its rows with JSON.stringify when they hold only scalars: the text, and so
 * every plan hash an operator acknowledged, must stay exactly canonicalJson's.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson, sha256Tag } from '../../src/plan/digest.js';
import { planHashOf } from '../../src/plan/make-plan.js';
import type { PlanServer } from '../../src/plan/types.js';

const scalar = fc.oneof(
  fc.string(),
  fc.constantFrom(null, undefined, 0, -0, Number.NaN, 1.5, 'invalid-spec', 'é"\\\n\u2028'),
  fc.integer(),
);

const server = fc.record({
  serviceName: scalar,
  file: scalar,
  action: scalar,
  reason: fc.oneof(scalar, fc.constant('invalid-spec')),
  digest: scalar,
  batch: scalar,
});

describe('planHashOf', () => {
  it('property: the same hash as canonicalJson of the rows', () => {
    fc.assert(
      fc.property(fc.array(server, { maxLength: 8 }), (servers) => {
        const rows = servers.map((s) => [
          s.serviceName,
          s.reason === 'invalid-spec' ? s.file : null,
          s.action,
          s.reason,
          s.digest,
          s.batch,
        ]);
        expect(planHashOf(servers as unknown as PlanServer[])).toBe(sha256Tag(canonicalJson(rows)));
      }),
      { numRuns: 1000 },
    );
  });
});
