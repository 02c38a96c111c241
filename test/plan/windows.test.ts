import { describe, expect, it } from 'vitest';
import { evaluateWindows, nextWindowStart } from '../../src/plan/policy/windows.js';

const H = 3_600_000;
const paris = (cron: string, hours = 4) => ({ cron, durationMs: hours * H, timezone: 'Europe/Paris' });

describe('maintenance windows', () => {
  it.each([
    ['before spring DST (CET)', '0 2 * * 6', '2027-03-20T00:00:00Z', '2027-03-20T01:00:00.000Z'],
    ['after spring DST (CEST)', '0 2 * * 6', '2027-03-27T02:00:00Z', '2027-04-03T00:00:00.000Z'],
    [
      'start in the spring gap opens when the clocks jump',
      '30 2 * * 0',
      '2027-03-27T12:00:00Z',
      '2027-03-28T01:00:00.000Z',
    ],
    [
      'start that occurs twice in autumn opens at the first',
      '30 2 * * 0',
      '2027-10-30T12:00:00Z',
      '2027-10-31T00:30:00.000Z',
    ],
    ['after autumn DST (CET again)', '30 2 * * 0', '2027-10-31T01:00:00Z', '2027-11-07T01:30:00.000Z'],
  ])('%s', (_name, cron, from, expected) => {
    expect(new Date(nextWindowStart(paris(cron), Date.parse(from)) ?? 0).toISOString()).toBe(expected);
  });

  it.each([
    ['opening exactly at now is open', '2026-11-28T01:00:00Z', true],
    ['one second before the opening is closed', '2026-11-28T00:59:59Z', false],
    ['inside the window is open', '2026-11-28T04:59:59Z', true],
    ['at the end of the window is closed', '2026-11-28T05:00:00Z', false],
  ])('%s', (_name, now, open) => {
    expect(evaluateWindows([paris('0 2 * * 6')], Date.parse(now)).open).toBe(open);
  });

  it('reports the next opening of the earliest window', () => {
    const state = evaluateWindows(
      [paris('0 2 * * 6'), paris('0 23 * * *', 1)],
      Date.parse('2026-11-27T12:00:00Z'),
    );

    expect(state).toEqual({ open: false, nextOpening: Date.parse('2026-11-27T22:00:00Z'), problems: [] });
  });

  it('reports a window it cannot evaluate and never opens it', () => {
    const state = evaluateWindows([{ cron: '0 2 * * 6', durationMs: H, timezone: 'Mars/Olympus' }], 0);

    expect(state.open).toBe(false);
    expect(state.problems).toHaveLength(1);
  });

  it('no windows means always open', () => {
    expect(evaluateWindows([], 0).open).toBe(true);
  });
});
