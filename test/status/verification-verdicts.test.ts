/**
 * The status builder's part in the daemon's verification (docs/verification.md, "How the daemon
 * runs it"): a reinstall task that ends `done` for a server fleet.yaml verifies makes it
 * `verifying` with a running verification (and nothing changes for a server it does not verify);
 * a verdict from the verification watch becomes the record's verification and its phase.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalizeSpec } from '../../src/plan/digest.js';
import { makePlan } from '../../src/plan/make-plan.js';
import type { ApplyOutcome } from '../../src/records/outcomes.js';
import { buildStatusRecords, type VerificationVerdict } from '../../src/status/build-records.js';
import { buildServer, digestOf, fleetOf } from '../plan/cohort-fixtures.js';
import { NOW } from '../plan/helpers.js';

const ENDED = '2026-11-27T11:50:00.000Z';

function doneOutcome(name: string, digest: string, planHash: string): ApplyOutcome {
  return {
    serviceName: name,
    digest,
    taskId: 9,
    revision: 'c0ffee',
    planHash,
    result: 'done',
    code: 'reinstall-done',
    message: 'done',
    posted: true,
    adopted: false,
    startedAt: '2026-11-27T11:30:00.000Z',
    endedAt: ENDED,
    observedOs: 'debian12_64',
    steps: [],
    stuck: false,
  };
}

function recordsAfterDone(
  verifies: ReadonlySet<string> | undefined,
  kind: 'candidate' | 'verifying' | 'in-sync' = 'candidate',
  result: ApplyOutcome['result'] = 'done',
) {
  const input = fleetOf([{ name: 'ns1', kind }]);
  const plan = makePlan(input);
  const s = buildServer({ name: 'ns1', kind: 'candidate' }).spec;
  const digest = digestOf(s);
  const outcome = { ...doneOutcome('ns1', digest, plan.planHash), result };
  return buildStatusRecords({
    plan,
    outcomes: [outcome],
    progress: new Map(),
    previous: input.applied,
    observed: input.observed,
    canonical: new Map([[digest, canonicalizeSpec(s)]]),
    specCommits: new Map(),
    now: NOW,
    ...(verifies ? { verifies } : {}),
  }).get('ns1');
}

function recordsWithVerdict(kind: 'verifying' | 'in-sync', verdict: VerificationVerdict | null) {
  const input = fleetOf([{ name: 'ns1', kind }]);
  return buildStatusRecords({
    plan: makePlan(input),
    outcomes: [],
    progress: new Map(),
    previous: input.applied,
    observed: input.observed,
    canonical: new Map(),
    specCommits: new Map(),
    now: NOW,
    verdicts: new Map(verdict ? [['ns1', verdict]] : []),
  }).get('ns1');
}

const digest = digestOf(buildServer({ name: 'ns1', kind: 'verifying' }).spec);
const verdict = (result: VerificationVerdict['result'], over: Partial<VerificationVerdict> = {}) => ({
  digest,
  result,
  finishedAt: '2026-11-27T11:59:00.000Z',
  message: `rounds said ${result}`,
  ...over,
});

describe('a reinstall that ends done', () => {
  it('makes a verified server verifying, with its verification running from the task end', () => {
    const r = recordsAfterDone(new Set(['ns1']));

    expect(r).toMatchObject({
      phase: 'verifying',
      reason: 'in-sync',
      lastApplied: { result: 'done', taskId: 9 },
      verification: { result: 'running', startedAt: ENDED, finishedAt: null },
    });
    expect(r?.verification?.digest).toBe(r?.lastApplied?.digest);
  });

  it('makes a server fleet.yaml does not verify ready, as before, with no verification', () => {
    for (const verifies of [undefined, new Set<string>(), new Set(['another'])]) {
      const r = recordsAfterDone(verifies);

      expect(r).toMatchObject({ phase: 'ready', reason: 'in-sync', lastApplied: { result: 'done' } });
      expect(r?.verification).toBeUndefined();
    }
  });
});

describe('a verdict of the verification watch', () => {
  it('healthy: ready (in-sync), the verification healthy with its end and message', () => {
    const r = recordsWithVerdict('verifying', verdict('healthy'));

    expect(r).toMatchObject({ phase: 'ready', reason: 'in-sync' });
    expect(r?.verification).toMatchObject({
      digest,
      result: 'healthy',
      finishedAt: '2026-11-27T11:59:00.000Z',
      message: 'rounds said healthy',
    });
  });

  it('unhealthy: unhealthy with the reason the next plan gives (last-attempt-failed)', () => {
    const r = recordsWithVerdict('verifying', verdict('unhealthy'));

    expect(r).toMatchObject({ phase: 'unhealthy', reason: 'last-attempt-failed' });
    expect(r?.verification?.result).toBe('unhealthy');
  });

  it('inconclusive: stays verifying (the planner pauses the cohort)', () => {
    const r = recordsWithVerdict('verifying', verdict('inconclusive'));

    expect(r).toMatchObject({ phase: 'verifying', verification: { result: 'inconclusive' } });
  });

  it('of another digest, or for a record not verifying, changes nothing', () => {
    expect(recordsWithVerdict('verifying', verdict('healthy', { digest: 'sha256:other' }))).toEqual(
      recordsWithVerdict('verifying', null),
    );
    expect(recordsWithVerdict('in-sync', verdict('unhealthy'))).toEqual(recordsWithVerdict('in-sync', null));
  });
});

describe('a new reinstall while a verification runs', () => {
  it('drops the verification of the other digest from the record', () => {
    const input = fleetOf([{ name: 'ns1', kind: 'verifying' }]);
    const plan = makePlan(input);
    const previous = new Map(input.applied);
    const prev = previous.get('ns1')!;
    previous.set('ns1', { ...prev, verification: { ...prev.verification!, digest: 'sha256:older' } });

    const r = buildStatusRecords({
      plan,
      outcomes: [{ ...doneOutcome('ns1', digest, plan.planHash), result: 'running', endedAt: null }],
      progress: new Map(),
      previous,
      observed: input.observed,
      canonical: new Map(),
      specCommits: new Map(),
      now: NOW,
    }).get('ns1');

    expect(r?.phase).toBe('reinstalling');
    expect(r?.verification).toBeUndefined();
  });
});

describe('properties', () => {
  const results = fc.constantFrom<ApplyOutcome['result']>('done', 'failed', 'running', 'not-started');
  const kinds = fc.constantFrom<'candidate' | 'verifying' | 'in-sync'>('candidate', 'verifying', 'in-sync');

  it('without verify in fleet.yaml (no server verified), records are exactly those of before', () => {
    fc.assert(
      fc.property(kinds, results, (kind, result) => {
        const before = recordsAfterDone(undefined, kind, result);
        expect(recordsAfterDone(new Set(), kind, result)).toEqual(before);
        expect(recordsAfterDone(new Set(['another']), kind, result)).toEqual(before);
      }),
    );
  });

  it('a verdict changes only a record whose verification runs at its digest', () => {
    const verdicts = fc.record({
      digest: fc.constantFrom(digest, 'sha256:other'),
      result: fc.constantFrom<VerificationVerdict['result']>('healthy', 'unhealthy', 'inconclusive'),
      finishedAt: fc.constant('2026-11-27T11:59:00.000Z'),
      message: fc.string({ maxLength: 20 }),
    });
    fc.assert(
      fc.property(fc.constantFrom<'verifying' | 'in-sync'>('verifying', 'in-sync'), verdicts, (kind, v) => {
        const without = recordsWithVerdict(kind, null);
        const withVerdict = recordsWithVerdict(kind, v);
        if (kind === 'verifying' && v.digest === digest) {
          expect(withVerdict?.verification).toMatchObject({ result: v.result, message: v.message });
          expect(withVerdict?.lastApplied).toEqual(without?.lastApplied);
        } else expect(withVerdict).toEqual(without);
      }),
    );
  });
});
