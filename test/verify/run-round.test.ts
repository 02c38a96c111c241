/**
 * runRound, the shell around the verdict machine: rounds at the due times of a virtual clock
 * against real listeners on 127.0.0.1 (mapped from the server's public-looking address), a
 * server that comes back late turning `ready`, and a restart between rounds (the state through
 * YAML) resuming without starting over.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { VirtualClock } from '../../src/core/virtual-clock.js';
import type { VerifySettings } from '../../src/specs/verify-types.js';
import { readVerificationState } from '../../src/verify/read-state.js';
import { runRound, type ProbeEnvironment } from '../../src/verify/run-round.js';
import type { MapTarget } from '../../src/verify/targets.js';
import { netTransport } from '../../src/verify/transport.js';
import { nextProbeAt, startVerification } from '../../src/verify/verdict-machine.js';
import type { VerificationState } from '../../src/verify/verification-state.js';
import { startListeners, type Listeners } from './probe-servers.js';

const FACTS = { serviceName: 'ns1001.ip-203-0-113.eu', ip: '203.0.113.10', reverse: null };
const SETTINGS: VerifySettings = {
  probes: [
    { name: 'ssh', type: 'ssh', port: 22 },
    { name: 'web', type: 'http', url: 'http://{address}/health', expectStatus: 200, bodyContains: 'ok' },
  ],
  initialDelayMs: 60_000,
  intervalMs: 15_000,
  timeoutMs: 5_000,
  successes: 2,
  failureLimit: 3,
  deadlineMs: 600_000,
};
let listeners: Listeners;

beforeAll(async () => {
  listeners = await startListeners();
});
afterAll(async () => {
  await listeners.close();
});

/** The server is "up" once `up` is true: until then its ports map to a closed one. */
function environment(clock: VirtualClock, isUp: () => boolean): ProbeEnvironment {
  const mapTarget: MapTarget = (_sn, _address, port) => ({
    host: '127.0.0.1',
    port: !isUp() ? listeners.closed : port === 22 ? listeners.ssh : listeners.http,
  });
  return { targets: { simulator: true, mapTarget }, transport: netTransport, commands: undefined, clock };
}

/** Runs the round due next, at its time. */
async function due(state: VerificationState, clock: VirtualClock, env: ProbeEnvironment) {
  await clock.advance(nextProbeAt(state)! - clock.now());
  return runRound(state, env);
}

describe('runRound', () => {
  it('turns a server that comes back late ready after two passing rounds', async () => {
    const clock = new VirtualClock();
    let up = false;
    const env = environment(clock, () => up);
    let state = startVerification(SETTINGS, FACTS, clock.now());

    state = await due(state, clock, env);
    state = await due(state, clock, env);
    up = true;
    state = await due(state, clock, env);
    expect(state.verdict).toBe('verifying');
    state = await due(state, clock, env);

    expect(state).toMatchObject({ verdict: 'ready', rounds: { total: 4, success: 2, failure: 2 } });
    expect(state.decidedAt).toBe(new Date(clock.now()).toISOString());
    expect(clock.now() - Date.parse(state.endedAt)).toBe(60_000 + 3 * 15_000);
  });

  it('resumes after a restart from the state it recorded, not from the start', async () => {
    const clock = new VirtualClock();
    const env = environment(clock, () => true);
    let state = startVerification(SETTINGS, FACTS, clock.now());
    state = await due(state, clock, env);
    expect(state.passStreak).toBe(1);

    const restored = readVerificationState(parse(stringify(state)));
    if (typeof restored === 'string') throw new Error(restored);
    await clock.advance(120_000);
    const resumed = await runRound(restored, env);

    expect(resumed).toMatchObject({ verdict: 'ready', rounds: { total: 2 } });
  });

  it('names the failing probe in the reason: not answering yet, then unhealthy once it came back', async () => {
    const clock = new VirtualClock();
    let up = false;
    const env = environment(clock, () => up);
    let state = startVerification(SETTINGS, FACTS, clock.now());

    for (let i = 0; i < 3; i++) state = await due(state, clock, env);
    expect(state.verdict).toBe('verifying');
    expect(state.reason).toMatch(
      /^not answering yet: 3 failing round\(s\), counted only toward the deadline \(600s\): ssh: connect to 203\.0\.113\.10:22: ECONNREFUSED$/,
    );
    up = true;
    state = await due(state, clock, env);
    up = false;
    for (let i = 0; i < 3; i++) state = await due(state, clock, env);

    expect(state.verdict).toBe('unhealthy');
    expect(state.reason).toMatch(
      /^3 failing round\(s\) in a row: ssh: connect to 203\.0\.113\.10:22: ECONNREFUSED$/,
    );
    expect(state.last?.results.map((r) => r.outcome)).toEqual(['failure', 'failure']);
  });
});
