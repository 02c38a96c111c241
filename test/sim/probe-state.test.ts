import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  PROBE_FAULTS,
  probeStateAt,
  type ProbeFaultSettings,
  type ReinstallFacts,
} from '../../src/sim/probe-state.js';

const NONE: ProbeFaultSettings = { probeFault: 'none', probeLateSec: 60, probeFlapSec: 10 };
const DONE: ReinstallFacts = { createdAt: 1_000_000, endsAt: 1_665_000, outcome: 'done' };
const END = DONE.endsAt;

describe('probeStateAt', () => {
  it.each([
    ['never reinstalled', undefined, NONE, 0, 'up', 'up', 'never-reinstalled', null],
    ['installing', DONE, NONE, END - 1, 'down', 'down', 'installing', END],
    ['done', DONE, NONE, END, 'up', 'up', 'up', null],
    ['failed', { ...DONE, outcome: 'ovhError' }, NONE, END, 'down', 'down', 'install-failed', null],
    [
      'never comes back',
      DONE,
      { ...NONE, probeFault: 'never-comes-back' },
      END + 1e9,
      'down',
      'down',
      'never-comes-back',
      null,
    ],
    [
      'late, before',
      DONE,
      { ...NONE, probeFault: 'late' },
      END + 59_999,
      'down',
      'down',
      'late',
      END + 60_000,
    ],
    ['late, after', DONE, { ...NONE, probeFault: 'late' }, END + 60_000, 'up', 'up', 'up', null],
    [
      'ssh up, http down',
      DONE,
      { ...NONE, probeFault: 'ssh-up-http-down' },
      END,
      'up',
      'down',
      'ssh-up-http-down',
      null,
    ],
    [
      'flapping, first phase',
      DONE,
      { ...NONE, probeFault: 'flapping' },
      END + 9_999,
      'up',
      'up',
      'flapping-up',
      END + 10_000,
    ],
    [
      'flapping, second phase',
      DONE,
      { ...NONE, probeFault: 'flapping' },
      END + 10_000,
      'down',
      'down',
      'flapping-down',
      END + 20_000,
    ],
    [
      'flapping, third phase',
      DONE,
      { ...NONE, probeFault: 'flapping' },
      END + 25_000,
      'up',
      'up',
      'flapping-up',
      END + 30_000,
    ],
  ] as const)('%s', (_, reinstall, settings, now, ssh, http, condition, changesAt) => {
    expect(probeStateAt(reinstall, settings, now)).toEqual({ ssh, http, condition, changesAt });
  });

  it('never answers while a reinstall runs, whatever the fault, and says when that ends', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...PROBE_FAULTS),
        fc.nat(10_000),
        fc.integer({ min: 1, max: 10_000 }),
        fc.integer({ min: 1, max: 10_000_000 }),
        fc.nat(),
        (probeFault, probeLateSec, probeFlapSec, durationMs, into) => {
          const reinstall: ReinstallFacts = { createdAt: 0, endsAt: durationMs, outcome: 'done' };
          const now = into % durationMs;

          const state = probeStateAt(reinstall, { probeFault, probeLateSec, probeFlapSec }, now);

          expect(state).toEqual({
            ssh: 'down',
            http: 'down',
            condition: 'installing',
            changesAt: durationMs,
          });
        },
      ),
    );
  });

  it('stays the same until changesAt', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...PROBE_FAULTS),
        fc.nat(1_000),
        fc.integer({ min: 1, max: 1_000 }),
        fc.nat(3_000_000),
        fc.nat(3_000_000),
        (probeFault, probeLateSec, probeFlapSec, at, step) => {
          const settings = { probeFault, probeLateSec, probeFlapSec };
          const state = probeStateAt(DONE, settings, DONE.createdAt + at);
          const later = DONE.createdAt + at + step;

          if (state.changesAt === null || later < state.changesAt)
            expect(probeStateAt(DONE, settings, later)).toEqual(state);
          else expect(state.changesAt).toBeGreaterThan(DONE.createdAt + at);
        },
      ),
    );
  });
});
