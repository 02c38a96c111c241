import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CODE_AREAS, NEXT_STEPS, type ErrorCode, type NextStep } from '../../src/core/codes/registry.js';
import {
  admit,
  afterCycle,
  apiNextStep,
  backoffMs,
  isReady,
  NOTHING_WAITS,
  retryAt,
  type CycleOutcome,
  type RetryPolicy,
  type WhatNext,
} from '../../src/daemon/retry-schedule.js';
import type { TriggerKind } from '../../src/daemon/types.js';

const POLICY: RetryPolicy = { baseMs: 15_000, capMs: 120_000 };
const AUTOMATIC: readonly TriggerKind[] = ['schedule', 'webhook', 'watch', 'task-ended'];
const HEAD = 'a'.repeat(40);

const failed = (next: NextStep, head: string | null = HEAD, code = `code-${next}`): CycleOutcome => ({
  result: 'error',
  head,
  error: { code, message: `failed with ${code}`, next },
});
const succeeded: CycleOutcome = { result: 'success', head: HEAD, error: null };
const skipped: CycleOutcome = { result: 'skipped', head: HEAD, error: null };

const arbPolicy = fc
  .record({ baseMs: fc.integer({ min: 1, max: 600_000 }), capMs: fc.integer({ min: 1, max: 86_400_000 }) })
  .map((p): RetryPolicy => p);
const arbHead = fc.option(fc.stringMatching(/^[0-9a-f]{40}$/), { nil: null });
const arbOutcome: fc.Arbitrary<CycleOutcome> = fc.oneof(
  fc.constant(succeeded),
  fc.constant(skipped),
  fc
    .tuple(fc.constantFrom(...NEXT_STEPS.filter((n) => n !== 'none')), arbHead)
    .map(([next, head]) => failed(next, head)),
);
/** A state reached by any sequence of cycles. */
const arbState: fc.Arbitrary<WhatNext> = fc
  .array(fc.tuple(arbOutcome, fc.integer({ min: 0, max: 1_000_000 })), { maxLength: 12 })
  .map((steps) => {
    let state = NOTHING_WAITS;
    let now = Date.UTC(2026, 10, 27);
    for (const [outcome, dt] of steps) state = afterCycle(state, outcome, (now += dt));
    return state;
  });

describe('the retry schedule', () => {
  it('backs off 15 s, 30 s, 60 s, then leaves retries to the 2-minute schedule', () => {
    let state = NOTHING_WAITS;
    const delays: (number | null)[] = [];

    for (let i = 0; i < 5; i++) {
      state = afterCycle(state, failed('retry'), 1_000);
      const at = retryAt(state, POLICY, 1_000);
      delays.push(at === null ? null : at - 1_000);
    }

    expect(delays).toEqual([15_000, 30_000, 60_000, null, null]);
  });

  it('never waits longer than the cap, nor less than the base (when both allow)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000 }), arbPolicy, (failures, policy) => {
        const delay = backoffMs(failures, policy);

        expect(delay).toBeLessThanOrEqual(policy.capMs);
        expect(delay).toBeGreaterThanOrEqual(Math.min(policy.baseMs, policy.capMs));
      }),
    );
  });

  it('never shortens the delay as failures add up', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000 }), arbPolicy, (failures, policy) => {
        expect(backoffMs(failures + 1, policy)).toBeGreaterThanOrEqual(backoffMs(failures, policy));
      }),
    );
  });

  it('arms an extra cycle only after a transient failure, within (0, cap) of its end', () => {
    fc.assert(
      fc.property(arbState, arbPolicy, fc.integer({ min: 0, max: 2 ** 40 }), (state, policy, endedAt) => {
        const at = retryAt(state, policy, endedAt);

        if (state.next !== 'retry') expect(at).toBeNull();
        if (at !== null) {
          expect(at - endedAt).toBeGreaterThan(0);
          expect(at - endedAt).toBeLessThan(policy.capMs);
        }
      }),
    );
  });

  it('lets no automatic trigger run a cycle while waiting for a commit: they only probe', () => {
    fc.assert(
      fc.property(arbState, fc.constantFrom(...AUTOMATIC), (state, trigger) => {
        const admitted = admit(state, trigger);

        if (state.next === 'wait-for-commit') expect(admitted).toBe('probe');
        else expect(admitted).toBe('run');
      }),
    );
  });

  it('runs every trigger while waiting for an operator, whose fix lies outside git', () => {
    fc.assert(
      fc.property(arbState, fc.constantFrom(...AUTOMATIC), (state, trigger) => {
        fc.pre(state.next === 'operator');
        expect(admit(state, trigger)).toBe('run');
      }),
    );
  });

  it.each(['start', 'manual'] as const)('always runs a %s cycle (an operator acts)', (trigger) => {
    fc.assert(
      fc.property(arbState, (state) => {
        expect(admit(state, trigger)).toBe('run');
      }),
    );
  });

  it('counts consecutive failures, keeps them across skipped cycles, and forgets them after a success', () => {
    fc.assert(
      fc.property(fc.array(arbOutcome, { maxLength: 20 }), (outcomes) => {
        let state = NOTHING_WAITS;
        let expected = 0;

        for (const outcome of outcomes) {
          const before = state.next;
          state = afterCycle(state, outcome, 0);
          // A failure of another class starts its own count.
          if (outcome.result === 'error') expected = outcome.error?.next === before ? expected + 1 : 1;
          if (outcome.result === 'success') expected = 0;
        }

        expect(state.failures).toBe(expected);
        expect(state.next === 'none').toBe(expected === 0);
      }),
    );
  });

  it('keeps the head and the class of the last failure, and when that class began', () => {
    const first = afterCycle(NOTHING_WAITS, failed('wait-for-commit', 'b'.repeat(40)), 100);
    const second = afterCycle(first, failed('wait-for-commit', HEAD), 200);
    const third = afterCycle(second, failed('operator', HEAD, 'api-auth-invalid-credential'), 300);

    expect(second).toMatchObject({ next: 'wait-for-commit', head: HEAD, since: 100, failures: 2 });
    expect(third).toMatchObject({
      next: 'operator',
      code: 'api-auth-invalid-credential',
      head: HEAD,
      since: 300,
      failures: 1,
    });
  });

  it('starts the backoff again at the base delay when a retry follows another class', () => {
    let state = NOTHING_WAITS;
    for (let i = 0; i < 5; i++) state = afterCycle(state, failed('operator'), i);
    state = afterCycle(state, failed('retry'), 10);

    expect(retryAt(state, POLICY, 10)).toBe(10 + POLICY.baseMs);
  });
});

describe('the class of an API failure that ends a cycle', () => {
  const API_CODES = Object.keys(CODE_AREAS.api);
  const DISPOSITIONS = ['terminal', 'busy', 'waiting', 'transient', 'auth', 'not-found'] as const;

  it('retries every transient, busy or waiting answer, and never waits for a commit', () => {
    fc.assert(
      fc.property(fc.constantFrom(...API_CODES), fc.constantFrom(...DISPOSITIONS), (code, disposition) => {
        const next = apiNextStep({ code: code as ErrorCode, disposition });

        expect(next).not.toBe('wait-for-commit');
        expect(next).not.toBe('none');
        if (disposition === 'transient' || disposition === 'busy' || disposition === 'waiting') {
          expect(next).toBe('retry');
        }
      }),
    );
  });

  it.each([
    ['a 5xx of the OAuth2 token endpoint', 'api-auth-oauth2', 'transient', 'retry'],
    ['a refused credential', 'api-auth-invalid-credential', 'auth', 'operator'],
    ['a 408 read as a bad request', 'api-bad-request', 'terminal', 'operator'],
  ] as const)('%s: %s (%s) is %s', (_what, code, disposition, expected) => {
    expect(apiNextStep({ code, disposition })).toBe(expected);
  });
});

describe('readiness', () => {
  const at = Date.UTC(2026, 10, 27, 12);
  const interval = 120_000;

  it.each([
    ['nothing waits, a recent good cycle', 'none', at - 1_000, true],
    ['retrying, a recent good cycle', 'retry', at - 1_000, true],
    ['waiting for a commit, a recent good cycle', 'wait-for-commit', at - 1_000, true],
    ['waiting for a commit, no good cycle for 3 intervals', 'wait-for-commit', at - 3 * interval - 1, false],
    ['waiting for an operator, a recent good cycle', 'operator', at - 1_000, false],
    ['no good cycle yet', 'none', null, false],
  ] as const)('%s: ready %s', (_what, next, lastGood, ready) => {
    const state: WhatNext = { ...NOTHING_WAITS, next, failures: next === 'none' ? 0 : 1 };

    expect(isReady(state, lastGood, at, interval)).toBe(ready);
  });
});
