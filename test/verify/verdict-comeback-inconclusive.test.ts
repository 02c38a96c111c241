/**
^ * Review finding (review4): a late server is declared `unhealthy` in the very round it comes back, when that round
 * is inconclusive (one probe passes, another cannot run on our side: a command probe not allowed,
 * a DNS failure for `{reverse}`). The failing rounds before it came back were accumulated in
 * failStreak, and the reset to the "streak counts from the round in which it came back" rule only
 * happens on a *failing* come-back round. docs/verification.md: "a late server is not unhealthy for
 * being late"; an inconclusive round "neither counts nor breaks".
 */
import { describe, expect, it } from 'vitest';
import type { VerifySettings } from '../../src/specs/verify-types.js';
import { nextProbeAt, recordRound, startVerification } from '../../src/verify/verdict-machine.js';
import type { ProbeResult, VerificationState } from '../../src/verify/verification-state.js';

const T0 = Date.UTC(2026, 11, 3, 9, 0, 0);
const FACTS = { serviceName: 'ns1001.ip-203-0-113.eu', ip: '203.0.113.10', reverse: 'ns1001.example.' };
// The documented defaults: initialDelay 0s, interval 15s, timeout 5s, successes 1, failureLimit 3.
const SETTINGS: VerifySettings = {
  probes: [
    { name: 'ssh', type: 'ssh', port: 22 },
    { name: 'web', type: 'http', url: 'http://{reverse}/health', expectStatus: 200 },
  ] as VerifySettings['probes'],
  initialDelayMs: 0,
  intervalMs: 15_000,
  timeoutMs: 5_000,
  successes: 1,
  failureLimit: 3,
  deadlineMs: 1_800_000,
};

const down: ProbeResult[] = [
  { probe: 'ssh', outcome: 'failure', reason: 'connection refused' },
  { probe: 'web', outcome: 'failure', reason: 'connection refused' },
];
const upButDnsHiccup: ProbeResult[] = [
  { probe: 'ssh', outcome: 'success' },
  { probe: 'web', outcome: 'inconclusive', reason: 'DNS lookup failed on our side' },
];

function round(state: VerificationState, results: ProbeResult[]): VerificationState {
  const at = nextProbeAt(state);
  if (at === undefined) return state;
  return recordRound(state, at, results);
}

describe('a late server coming back in an inconclusive round', () => {
  it('is not unhealthy in the round it comes back (no failing round since it came back)', () => {
    let state = startVerification(SETTINGS, FACTS, T0);
    // Booting for 4 rounds (60 s): not answering yet, counted only toward the deadline.
    for (let i = 0; i < 4; i++) state = round(state, down);
    expect(state.verdict).toBe('verifying');
    // It answers: ssh passes; the http probe could not run on our side.
    state = round(state, upButDnsHiccup);

    expect(state.cameBack).toBe(true);
    expect({ verdict: state.verdict, reason: state.reason }).toEqual({
      verdict: 'verifying',
      reason: expect.any(String) as string,
    });
  });

  it('with a command probe the daemon does not allow (inconclusive every round), a server that boots in 60 s is not unhealthy', () => {
    const withCommand: VerifySettings = {
      ...SETTINGS,
      probes: [
        { name: 'ssh', type: 'ssh', port: 22 },
        { name: 'app', type: 'command', command: ['scripts/check.sh'] },
      ] as VerifySettings['probes'],
    };
    let state = startVerification(withCommand, FACTS, T0);
    const booting: ProbeResult[] = [
      { probe: 'ssh', outcome: 'failure', reason: 'connection refused' },
      {
        probe: 'app',
        outcome: 'inconclusive',
        reason: 'scripts/check.sh is not allowed by the daemon configuration (probes.allowCommands)',
      },
    ];
    const up: ProbeResult[] = [
      { probe: 'ssh', outcome: 'success' },
      {
        probe: 'app',
        outcome: 'inconclusive',
        reason: 'scripts/check.sh is not allowed by the daemon configuration (probes.allowCommands)',
      },
    ];
    for (let i = 0; i < 4; i++) state = round(state, booting);
    state = round(state, up);

    // Never a failing round since it answered: at worst inconclusive at the deadline, not unhealthy.
    expect({ verdict: state.verdict, reason: state.reason }).toEqual({
      verdict: 'verifying',
      reason: expect.any(String) as string,
    });
  });
});
