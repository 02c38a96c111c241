/**
^ * Review finding (review4): a state file written before `cameBack` existed is resumed with `cameBack` inferred true
 * (a passing probe in its last round) but with the OLD failStreak, which counted the rounds before
 * the server came back. The resumed verification then declares the server unhealthy after fewer
 * failing rounds since it came back than `failureLimit` — exactly what the new rule forbids
 * ("the streak counts from the round in which it came back"). docs/verification.md, Restarts,
 * promises the inference can only make a server late, never wrongly unhealthy.
 */
import { describe, expect, it } from 'vitest';
import type { VerifySettings } from '../../src/specs/verify-types.js';
import { readVerificationState } from '../../src/verify/read-state.js';
import { nextProbeAt, recordRound } from '../../src/verify/verdict-machine.js';
import type { VerificationState } from '../../src/verify/verification-state.js';

const T0 = Date.UTC(2026, 11, 3, 9, 0, 0);
const iso = (ms: number): string => new Date(ms).toISOString();
const SETTINGS: VerifySettings = {
  probes: [
    { name: 'ssh', type: 'ssh', port: 22 },
    { name: 'web', type: 'http', url: 'http://{address}/health', expectStatus: 200 },
  ] as VerifySettings['probes'],
  initialDelayMs: 60_000,
  intervalMs: 15_000,
  timeoutMs: 5_000,
  successes: 2,
  failureLimit: 5,
  deadlineMs: 1_800_000,
};

describe('resuming a state saved before cameBack existed', () => {
  it('counts toward failureLimit only the failing rounds since the server came back', () => {
    // Saved by the previous version: 3 rounds with nothing answering, then a round where ssh
    // answered but http did not. The old rule counted all 4 in failStreak (4 < 5: still verifying).
    const at4 = T0 + 60_000 + 3 * 15_000;
    const saved = {
      version: 1,
      facts: { serviceName: 'ns1001.ip-203-0-113.eu', ip: '203.0.113.10', reverse: null },
      endedAt: iso(T0),
      settings: SETTINGS,
      rounds: { total: 4, success: 0, failure: 4, inconclusive: 0 },
      passStreak: 0,
      failStreak: 4,
      last: {
        at: iso(at4),
        outcome: 'failure',
        results: [
          { probe: 'ssh', outcome: 'success' },
          { probe: 'web', outcome: 'failure', reason: 'status 503' },
        ],
      },
      verdict: 'verifying',
      reason: '4 of 5 failing round(s) in a row: web: status 503',
      nextAt: iso(at4 + 15_000),
      decidedAt: null,
    };
    const state = readVerificationState(JSON.parse(JSON.stringify(saved)));
    if (typeof state === 'string') throw new Error(state);
    expect(state.cameBack).toBe(true);

    // One more failing round after the restart: the server has failed 2 rounds since it came back.
    const at = nextProbeAt(state) as number;
    const after: VerificationState = recordRound(state, at, [
      { probe: 'ssh', outcome: 'success' },
      { probe: 'web', outcome: 'failure', reason: 'status 503' },
    ]);

    expect({ verdict: after.verdict, failStreak: after.failStreak, reason: after.reason }).toEqual({
      verdict: 'verifying',
      failStreak: 2,
      reason: expect.any(String) as string,
    });
  });
});
