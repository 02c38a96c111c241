/**
 * The record phases and fields of issue 15: `verifying` and `unhealthy`, the `verification`
 * block and the canary mark (`rollout`) read back as written; records without them are written
 * exactly as before; the status builder keeps the verification and the phase it implies, and
 * writes the plan's canary mark.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { makePlan } from '../../src/plan/make-plan.js';
import { fastRecordYaml } from '../../src/records/fast-record-yaml.js';
import {
  orderedRecord,
  parseStatusRecord,
  RECORD_HEADER,
  serializeStatusRecord,
  yamlOf,
} from '../../src/records/status-record.js';
import type { StatusRecord } from '../../src/records/types.js';
import { renderFleetMd } from '../../src/status/fleet-md.js';
import { buildStatusRecords } from '../../src/status/build-records.js';
import { fleetOf, many } from '../plan/cohort-fixtures.js';
import { NOW, record, spec, verifiedRecord } from '../plan/helpers.js';

const S = spec('ns1.eu');

describe('verification phases in status records', () => {
  it.each(['running', 'healthy', 'unhealthy', 'inconclusive'] as const)(
    'a record with a %s verification and a canary mark reads back equal',
    (result) => {
      const r: StatusRecord = {
        ...verifiedRecord('ns1.eu', S, result),
        rollout: { cohort: 'debian12_64/advance/role=web', canary: true },
      };

      const text = serializeStatusRecord(r);
      const back = parseStatusRecord(text, 'status/ns1.eu.yaml');

      expect(back.diagnostics).toEqual([]);
      expect(back.record).toEqual(r);
      expect(text).toContain(`  result: ${result}\n`);
    },
  );

  it('is written by the fast writer byte for byte as the yaml package writes it', () => {
    const r: StatusRecord = {
      ...verifiedRecord('ns1.eu', S, 'unhealthy'),
      rollout: { cohort: 'debian12_64/advance/role=web', canary: true },
    };
    const ordered = orderedRecord(r);

    expect(fastRecordYaml(ordered, RECORD_HEADER)).toBe(yamlOf(ordered));
  });

  it("keeps the deciding round's probe results and the round counts, read back equal and written fast", () => {
    const base = verifiedRecord('ns1.eu', S, 'healthy');
    const r: StatusRecord = {
      ...base,
      verification: {
        ...base.verification!,
        rounds: { total: 5, success: 2, failure: 3, inconclusive: 0 },
        probes: [
          { probe: 'ssh', outcome: 'success' },
          { probe: 'web', outcome: 'failure', reason: '203.0.113.10:80: connection refused' },
        ],
      },
    };
    const ordered = orderedRecord(r);

    const back = parseStatusRecord(serializeStatusRecord(r), 'status/ns1.eu.yaml');

    expect(back.diagnostics).toEqual([]);
    expect(back.record).toEqual(r);
    expect(fastRecordYaml(ordered, RECORD_HEADER)).toBe(yamlOf(ordered));
  });

  it("reads back any deciding round's results and round counts exactly as written", () => {
    const base = verifiedRecord('ns1.eu', S, 'unhealthy');
    const probeArb = fc.record(
      {
        probe: fc.stringMatching(/^[a-z0-9-]{1,12}$/),
        outcome: fc.constantFrom('success', 'failure', 'inconclusive' as const),
        reason: fc.string({ unit: 'binary', maxLength: 40 }),
      },
      { requiredKeys: ['probe', 'outcome'] },
    );
    const count = fc.nat({ max: 10_000 });
    fc.assert(
      fc.property(
        fc.array(probeArb, { maxLength: 16 }),
        fc.record({ total: count, success: count, failure: count, inconclusive: count }),
        (probes, rounds) => {
          const r: StatusRecord = { ...base, verification: { ...base.verification!, rounds, probes } };

          const back = parseStatusRecord(serializeStatusRecord(r), 'status/ns1.eu.yaml');

          expect(back.diagnostics).toEqual([]);
          expect(back.record).toEqual(r);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('refuses a probe result with an unknown outcome, naming the field', () => {
    const base = verifiedRecord('ns1.eu', S, 'healthy');
    const text = serializeStatusRecord({
      ...base,
      verification: { ...base.verification!, probes: [{ probe: 'ssh', outcome: 'success' }] },
    }).replace('outcome: success', 'outcome: fine');

    const parsed = parseStatusRecord(text, 'status/ns1.eu.yaml');

    expect(parsed.record).toBeUndefined();
    expect(parsed.diagnostics[0]?.message).toContain('/verification/probes/0/outcome');
  });

  it('writes a record without them as before: no verification or rollout key at all', () => {
    const text = serializeStatusRecord(record('ns1.eu', S));

    expect(text).not.toMatch(/^(verification|rollout):/m);
    expect(parseStatusRecord(text, 'status/ns1.eu.yaml').record).toEqual(record('ns1.eu', S));
  });

  it('refuses an unknown verification result, naming the field', () => {
    const text = serializeStatusRecord(verifiedRecord('ns1.eu', S, 'running')).replace(
      'result: running',
      'result: maybe',
    );

    const parsed = parseStatusRecord(text, 'status/ns1.eu.yaml');

    expect(parsed.record).toBeUndefined();
    expect(parsed.diagnostics[0]?.message).toContain('/verification/result');
  });

  it('keeps the verification, derives the phase from it, and writes the canary mark of the plan', () => {
    const input = fleetOf(
      [
        { name: 'a00', kind: 'verifying' },
        { name: 'b00', kind: 'unhealthy', range: 'scale' },
        ...many('a', 2, 'candidate'),
      ],
      { canary: { count: 1 } },
    );
    const plan = makePlan(input);

    const records = buildStatusRecords({
      plan,
      outcomes: [],
      progress: new Map(),
      previous: input.applied,
      observed: input.observed,
      canonical: new Map(),
      specCommits: new Map(),
      now: NOW,
    });

    expect(records.get('a00')).toMatchObject({
      phase: 'verifying',
      verification: { result: 'running' },
      rollout: { cohort: 'debian12_64/advance', canary: true },
    });
    expect(records.get('b00')).toMatchObject({ phase: 'unhealthy', reason: 'last-attempt-failed' });
    expect(records.get('a01')).toMatchObject({ phase: 'pending', reason: 'canary-pending' });
    // Not a canary: only its cohort is recorded (kept for a cycle it is not observed).
    expect(records.get('a01')?.rollout).toEqual({
      cohort: 'debian12_64/advance',
      canary: false,
      profile: 'advance',
    });
    const md = renderFleetMd(records.values());
    expect(md).toContain('1 verifying, 1 unhealthy');
    expect(md).toContain("2 server(s) wait for their cohort's canaries (`canary-pending`).");
  });
});
