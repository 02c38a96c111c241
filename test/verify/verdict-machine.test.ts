/**
 * The verdict machine: examples of each verdict, then properties over any settings and any
 * sequence of rounds (each a safety rule of docs/verification.md): never `ready` without
 * `successes` passing rounds in a row, never `unhealthy` without a failing round, never
 * `unhealthy` before the deadline while no probe ever passed (a late server), a round at or
 * past the deadline always ends verification, a verdict is final, and the state round-trips
 * through JSON and YAML so that a restarted daemon resumes exactly where it was.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import type { VerifySettings } from '../../src/specs/verify-types.js';
import { readVerificationState } from '../../src/verify/read-state.js';
import { deadlineOf, nextProbeAt, recordRound, startVerification } from '../../src/verify/verdict-machine.js';
import type { ProbeOutcome, ProbeResult, VerificationState } from '../../src/verify/verification-state.js';

const T0 = Date.UTC(2026, 11, 3, 9, 0, 0);
const FACTS = { serviceName: 'ns1001.ip-203-0-113.eu', ip: '203.0.113.10', reverse: 'ns1001.example.' };
const SETTINGS: VerifySettings = {
  probes: [{ name: 'ssh', type: 'ssh', port: 22 }],
  initialDelayMs: 60_000,
  intervalMs: 15_000,
  timeoutMs: 5_000,
  successes: 2,
  failureLimit: 3,
  deadlineMs: 1_800_000,
};

const result = (outcome: ProbeOutcome): ProbeResult =>
  outcome === 'success' ? { probe: 'ssh', outcome } : { probe: 'ssh', outcome, reason: `it was ${outcome}` };

/** Plays rounds at their due times: `outcomes` one per round. */
function play(settings: VerifySettings, outcomes: ProbeOutcome[]): VerificationState {
  let state = startVerification(settings, FACTS, T0);
  for (const outcome of outcomes) {
    const at = nextProbeAt(state);
    if (at === undefined) break;
    state = recordRound(state, at, [result(outcome)]);
  }
  return state;
}

describe('the verdict machine', () => {
  it('waits initialDelay for the first round', () => {
    const state = startVerification(SETTINGS, FACTS, T0);

    expect(state.verdict).toBe('verifying');
    expect(nextProbeAt(state)).toBe(T0 + 60_000);
  });

  it.each<[string, string, number, ProbeOutcome[]]>([
    ['two passes', 'ready', 2, ['success', 'success']],
    ['a failure, then two passes', 'ready', 3, ['failure', 'success', 'success']],
    ['flapping restarts the pass streak', 'ready', 4, ['success', 'failure', 'success', 'success']],
    ['an inconclusive round neither counts nor breaks', 'ready', 3, ['success', 'inconclusive', 'success']],
    ['a pass, then three failures', 'unhealthy', 4, ['success', 'failure', 'failure', 'failure']],
    [
      'an inconclusive round does not break a failure streak',
      'unhealthy',
      5,
      ['success', 'failure', 'inconclusive', 'failure', 'failure'],
    ],
  ])('%s → %s after %i rounds', (_, verdict, rounds, outcomes) => {
    const state = play(SETTINGS, outcomes);

    expect(state.verdict).toBe(verdict);
    expect(state.rounds.total).toBe(rounds);
    expect(state.nextAt).toBeNull();
  });

  it('turns a late server ready when it answers after failureLimit failing rounds', () => {
    // Not answering for 5 rounds (failureLimit is 3): those rounds count only toward the deadline.
    const state = play(SETTINGS, [...Array<ProbeOutcome>(5).fill('failure'), 'success', 'success']);

    expect(state.verdict).toBe('ready');
    expect(state.rounds).toEqual({ total: 7, success: 2, failure: 5, inconclusive: 0 });
  });

  it('says a server that has not answered yet is not answering yet, and keeps verifying', () => {
    const state = play(SETTINGS, Array<ProbeOutcome>(10).fill('failure'));

    expect(state.verdict).toBe('verifying');
    expect(state.cameBack).toBe(false);
    expect(state.reason).toMatch(/^not answering yet: 10 failing round\(s\)/);
  });

  it('counts failureLimit from the round the server came back in (ssh up, http down)', () => {
    const sshUpWebDown: ProbeResult[] = [
      { probe: 'ssh', outcome: 'success' },
      { probe: 'web', outcome: 'failure', reason: 'status 502' },
    ];
    let state = play(SETTINGS, Array<ProbeOutcome>(4).fill('failure'));
    for (let i = 0; i < 3; i++) state = recordRound(state, nextProbeAt(state)!, sshUpWebDown);

    expect(state.verdict).toBe('unhealthy');
    expect(state.rounds.total).toBe(7);
    expect(state.reason).toBe('3 failing round(s) in a row: web: status 502');
  });

  it('ends unhealthy at the deadline a server that never answered', () => {
    const state = play(SETTINGS, Array<ProbeOutcome>(200).fill('failure'));

    expect(state.verdict).toBe('unhealthy');
    expect(state.cameBack).toBe(false);
    expect(state.reason).toMatch(
      /^never answered by the deadline \(1800s\): (\d+) of \1 round\(s\) failed: ssh: it was failure$/,
    );
    expect(Date.parse(state.decidedAt!)).toBe(deadlineOf(state));
  });

  it('ends unhealthy at the deadline after a server that flaps', () => {
    const outcomes = Array.from({ length: 200 }, (_, i): ProbeOutcome =>
      i % 2 === 0 ? 'success' : 'failure',
    );

    const state = play(SETTINGS, outcomes);

    expect(state.verdict).toBe('unhealthy');
    expect(state.reason).toContain('not healthy by the deadline');
    expect(Date.parse(state.decidedAt!)).toBe(deadlineOf(state));
  });

  it('ends inconclusive at the deadline when no probe could run on our side', () => {
    const state = play(SETTINGS, Array<ProbeOutcome>(200).fill('inconclusive'));

    expect(state.verdict).toBe('inconclusive');
    expect(state.reason).toContain('could not run on our side');
  });

  it('runs the last round at the deadline, not after it', () => {
    const settings = { ...SETTINGS, intervalMs: 700_000, timeoutMs: 5_000 };

    const state = play({ ...settings, failureLimit: 5 }, ['failure', 'failure', 'failure']);

    expect(state.last?.at).toBe(new Date(T0 + 1_460_000).toISOString());
    expect(nextProbeAt(state)).toBe(T0 + 1_800_000);
  });
});

const settingsArb = fc
  .record({
    initialDelayMs: fc.integer({ min: 0, max: 120 }).map((s) => s * 1000),
    intervalMs: fc.integer({ min: 1, max: 60 }).map((s) => s * 1000),
    successes: fc.integer({ min: 1, max: 5 }),
    failureLimit: fc.integer({ min: 1, max: 5 }),
    slack: fc.integer({ min: 0, max: 600 }).map((s) => s * 1000),
  })
  .map(({ slack, ...s }): VerifySettings => ({
    ...s,
    probes: [{ name: 'ssh', type: 'ssh', port: 22 }],
    timeoutMs: s.intervalMs,
    deadlineMs: Math.max(1000, s.initialDelayMs + (s.successes - 1) * s.intervalMs + slack),
  }));
const outcomeArb = fc.constantFrom<ProbeOutcome>('success', 'failure', 'inconclusive');
/** A round: its probes' outcomes, and how late it runs after it is due (a busy or restarted daemon). */
const roundArb = fc.record({
  outcomes: fc.array(outcomeArb, { minLength: 1, maxLength: 3 }),
  lateMs: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 3_600_000 })),
});

/** Rounds of a server not answering yet (no probe passes), on time. */
const notAnsweringArb = fc.array(
  fc.record({
    outcomes: fc.array(fc.constantFrom<ProbeOutcome>('failure', 'inconclusive'), {
      minLength: 1,
      maxLength: 3,
    }),
    lateMs: fc.constant(0),
  }),
  { maxLength: 8 },
);
/** A late server: rounds where nothing answers, then any mix. */
const lateThenAnyArb = fc
  .tuple(notAnsweringArb, fc.array(roundArb, { maxLength: 30 }))
  .map(([late, rest]) => [...late, ...rest]);
/** A late server up to the round in which it comes back, on time (that round may fail). */
const lateThenBackArb = fc
  .tuple(
    notAnsweringArb,
    fc.constantFrom<ProbeOutcome[]>(['success', 'failure'], ['success', 'inconclusive'], ['success']),
  )
  .map(([late, back]) => [...late, { outcomes: back, lateMs: 0 }]);

/** Plays `rounds` and returns every state on the way (the first is the start). */
function trace(
  settings: VerifySettings,
  rounds: { outcomes: ProbeOutcome[]; lateMs: number }[],
): VerificationState[] {
  const states = [startVerification(settings, FACTS, T0)];
  for (const round of rounds) {
    const state = states.at(-1)!;
    const due = nextProbeAt(state);
    if (due === undefined) break;
    states.push(
      recordRound(
        state,
        due + round.lateMs,
        round.outcomes.map((o, i) => ({ ...result(o), probe: `p${i}` })),
      ),
    );
  }
  return states;
}

/** The round outcomes of a trace, in order. */
const outcomesOf = (states: VerificationState[]) => states.slice(1).map((s) => s.last!.outcome);

describe('verdict machine properties', () => {
  it('is never ready without `successes` passing rounds in a row (inconclusive rounds skipped)', () => {
    fc.assert(
      fc.property(settingsArb, fc.array(roundArb, { maxLength: 40 }), (settings, rounds) => {
        const states = trace(settings, rounds);
        const final = states.at(-1)!;
        if (final.verdict !== 'ready') return;
        const conclusive = outcomesOf(states).filter((o) => o !== 'inconclusive');

        expect(conclusive.length).toBeGreaterThanOrEqual(settings.successes);
        expect(conclusive.slice(-settings.successes).every((o) => o === 'success')).toBe(true);
        expect(final.last!.outcome).toBe('success');
      }),
    );
  });

  it('under any flap pattern, turns ready exactly at the round that completes `successes` passes in a row', () => {
    // A flapping server: up for some rounds, down for some, again and again, with rounds that
    // could not run (inconclusive) anywhere. failureLimit and the deadline are out of reach, so
    // only the pass streak decides: a lone pass, or any run shorter than `successes`, never does.
    const flapArb = fc.array(
      fc.record({
        up: fc.integer({ min: 0, max: 6 }),
        down: fc.integer({ min: 1, max: 3 }),
        inconclusiveAt: fc.integer({ min: -1, max: 6 }),
      }),
      { minLength: 1, maxLength: 12 },
    );
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5 }), flapArb, (successes, flaps) => {
        const outcomes = flaps.flatMap(({ up, down, inconclusiveAt }) => {
          const run: ProbeOutcome[] = [
            ...Array<ProbeOutcome>(up).fill('success'),
            ...Array<ProbeOutcome>(down).fill('failure'),
          ];
          if (inconclusiveAt >= 0) run.splice(Math.min(inconclusiveAt, run.length), 0, 'inconclusive');
          return run;
        });
        const settings = { ...SETTINGS, initialDelayMs: 0, successes, failureLimit: 100 };
        settings.deadlineMs = (outcomes.length + 1) * settings.intervalMs;
        // The model: the first round at which the passes in a row (inconclusive skipped) reach `successes`.
        let streak = 0;
        const readyAt = outcomes.findIndex((o) => {
          if (o === 'success') streak += 1;
          else if (o === 'failure') streak = 0;
          return streak >= successes;
        });

        const state = play(settings, outcomes);

        if (readyAt === -1) {
          expect(state.verdict).toBe('verifying');
          expect(state.rounds.total).toBe(outcomes.length);
        } else {
          expect(state.verdict).toBe('ready');
          expect(state.rounds.total).toBe(readyAt + 1);
          expect(state.passStreak).toBe(successes);
        }
      }),
    );
  });

  it('is never unhealthy without a failing round', () => {
    fc.assert(
      fc.property(settingsArb, fc.array(roundArb, { maxLength: 40 }), (settings, rounds) => {
        const states = trace(settings, rounds);

        if (states.at(-1)!.verdict === 'unhealthy') expect(outcomesOf(states)).toContain('failure');
      }),
    );
  });

  it('is never unhealthy before the deadline while no probe ever passed (a late server is not unhealthy for being late)', () => {
    const notPassingArb = fc.record({
      outcomes: fc.array(fc.constantFrom<ProbeOutcome>('failure', 'inconclusive'), {
        minLength: 1,
        maxLength: 3,
      }),
      lateMs: roundArb.map((r) => r.lateMs),
    });
    fc.assert(
      fc.property(settingsArb, fc.array(notPassingArb, { maxLength: 60 }), (settings, rounds) => {
        const states = trace(settings, rounds);
        const deadline = T0 + settings.deadlineMs;

        for (const state of states) {
          expect(state.cameBack).toBe(false);
          if (state.verdict === 'unhealthy')
            expect(Date.parse(state.decidedAt!)).toBeGreaterThanOrEqual(deadline);
        }
      }),
    );
  });

  it('is unhealthy by failureLimit only after failureLimit failing rounds in a row, all at or after the come-back round', () => {
    fc.assert(
      fc.property(settingsArb, lateThenAnyArb, (settings, rounds) => {
        const states = trace(settings, rounds);
        const final = states.at(-1)!;
        const deadline = T0 + settings.deadlineMs;
        const byLimit =
          final.verdict === 'unhealthy' &&
          (Date.parse(final.decidedAt!) < deadline || /failing round\(s\) in a row/.test(final.reason));
        if (!byLimit) return;
        const played = states.slice(1).map((s) => s.last!);
        const cameBackAt = played.findIndex((r) => r.results.some((p) => p.outcome === 'success'));

        expect(cameBackAt).toBeGreaterThanOrEqual(0);
        const conclusive = played
          .slice(cameBackAt)
          .map((r) => r.outcome)
          .filter((o) => o !== 'inconclusive');
        expect(conclusive.length).toBeGreaterThanOrEqual(settings.failureLimit);
        expect(conclusive.slice(-settings.failureLimit).every((o) => o === 'failure')).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('ends verification at any round at or past the deadline, and never schedules one after it', () => {
    fc.assert(
      fc.property(settingsArb, fc.array(roundArb, { maxLength: 40 }), (settings, rounds) => {
        const states = trace(settings, rounds);
        const deadline = T0 + settings.deadlineMs;

        for (const state of states) {
          const next = nextProbeAt(state);
          if (next !== undefined) expect(next).toBeLessThanOrEqual(deadline);
          if (state.last && Date.parse(state.last.at) >= deadline)
            expect(state.verdict).not.toBe('verifying');
        }
      }),
    );
  });

  it('keeps a verdict once reached', () => {
    fc.assert(
      fc.property(
        settingsArb,
        fc.array(roundArb, { maxLength: 40 }),
        outcomeArb,
        (settings, rounds, extra) => {
          const final = trace(settings, rounds).at(-1)!;
          if (final.verdict === 'verifying') return;

          expect(recordRound(final, Date.parse(final.decidedAt!) + 1000, [result(extra)])).toBe(final);
        },
      ),
    );
  });

  it('resuming a state saved before `cameBack` existed never makes a server unhealthy by failureLimit sooner than failureLimit failing rounds in a row since it came back', () => {
    fc.assert(
      fc.property(
        settingsArb,
        fc.oneof(fc.array(roundArb, { maxLength: 20 }), lateThenBackArb),
        fc.array(roundArb, { maxLength: 20 }),
        (settings, before, after) => {
          const states = trace(settings, before);
          const saved = states.at(-1)!;
          if (saved.verdict !== 'verifying') return;
          // What that version wrote: no cameBack, and a fail streak that counted every failing
          // round since the last passing one (the rounds before the server came back too).
          let oldStreak = 0;
          for (const o of outcomesOf(states))
            if (o === 'success') oldStreak = 0;
            else if (o === 'failure') oldStreak += 1;
          const { cameBack: _, ...rest } = saved;
          const resumed = readVerificationState({ ...rest, failStreak: oldStreak });
          if (typeof resumed === 'string') throw new Error(resumed);

          const played = states.slice(1).map((s) => s.last!);
          let state = resumed;
          for (const round of after) {
            const due = nextProbeAt(state);
            if (due === undefined) break;
            state = recordRound(
              state,
              due + round.lateMs,
              round.outcomes.map((o, i) => ({ ...result(o), probe: `p${i}` })),
            );
            played.push(state.last!);
          }
          if (state.verdict !== 'unhealthy' || !/failing round\(s\) in a row/.test(state.reason)) return;
          const cameBackAt = played.findIndex((r) => r.results.some((p) => p.outcome === 'success'));

          expect(cameBackAt).toBeGreaterThanOrEqual(0);
          const conclusive = played
            .slice(cameBackAt)
            .map((r) => r.outcome)
            .filter((o) => o !== 'inconclusive');
          expect(conclusive.slice(-settings.failureLimit)).toEqual(
            Array<ProbeOutcome>(settings.failureLimit).fill('failure'),
          );
        },
      ),
      { numRuns: 500 },
    );
  });

  it('round-trips through JSON and YAML, and resumes from the copy exactly as from the original', () => {
    fc.assert(
      fc.property(
        settingsArb,
        fc.array(roundArb, { maxLength: 20 }),
        fc.array(roundArb, { maxLength: 20 }),
        (settings, before, after) => {
          const state = trace(settings, before).at(-1)!;
          const viaJson = readVerificationState(JSON.parse(JSON.stringify(state)));
          const viaYaml = readVerificationState(parse(stringify(state)));

          expect(viaJson).toEqual(state);
          expect(viaYaml).toEqual(state);
          const resume = (s: VerificationState) =>
            after.reduce((acc, round) => {
              const due = nextProbeAt(acc);
              return due === undefined
                ? acc
                : recordRound(acc, due + round.lateMs, round.outcomes.map(result));
            }, s);
          expect(resume(viaYaml as VerificationState)).toEqual(resume(state));
        },
      ),
    );
  });

  it('reads a state saved before `cameBack` existed: come back only when a probe was seen passing', () => {
    const legacy = (state: VerificationState): Record<string, unknown> => {
      const { cameBack: _, ...rest } = state;
      return JSON.parse(JSON.stringify(rest)) as Record<string, unknown>;
    };
    const late = play(SETTINGS, ['failure', 'failure', 'failure', 'failure']);
    const seen = play(SETTINGS, ['failure', 'success', 'failure']);
    const inLastRound = recordRound(late, nextProbeAt(late)!, [
      { probe: 'ssh', outcome: 'success' },
      { probe: 'web', outcome: 'failure', reason: 'status 502' },
    ]);

    expect(readVerificationState(legacy(late))).toEqual(late);
    expect(readVerificationState(legacy(seen))).toEqual(seen);
    expect(readVerificationState(legacy(inLastRound))).toEqual(inLastRound);
    expect([late.cameBack, seen.cameBack, inLastRound.cameBack]).toEqual([false, true, true]);
    expect(readVerificationState({ ...late, cameBack: 'yes' })).toContain('cameBack');
  });

  it('refuses a state that is not one', () => {
    const state = play(SETTINGS, ['success']);

    expect(readVerificationState({ ...state, version: 2 })).toContain('version');
    expect(readVerificationState({ ...state, verdict: 'ready' })).toContain('nextAt');
    expect(readVerificationState({ ...state, rounds: { total: -1 } })).toContain('rounds');
    expect(readVerificationState('x')).toBe('verification: not a mapping');
  });
});
