/**
 * Found by a hostile review: the simulator's new probe control routes (src/sim/control.ts) and listeners
 * (src/sim/probe-network.ts) against docs/simulator.md, "Probing simulated servers":
 *   "Bad values: 400 and nothing changes." (probe faults, per server with POST /_sim/servers/{sn})
 *   control routes should answer 400/404 for bad input, not 500 "simulator bug".
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSimulator, type RunningSimulator, type SimProbeServer } from '../../src/sim/index.js';
import { tcpConnect } from './probe-client.js';
import { call, serverName } from './sim-client.js';

const START = Date.UTC(2026, 10, 27, 12, 0, 0);

describe('simulator probe control routes', () => {
  let sim: RunningSimulator;
  let sn: string;
  beforeEach(async () => {
    sim = await startSimulator({ startTime: START, servers: 4 });
    sn = serverName(sim, 0);
  });
  afterEach(() => sim.close());

  it('POST /_sim/servers/{sn} with a valid probe fault and a bad patch: 400 and nothing changes', async () => {
    const answer = await call(sim, 'POST', `/_sim/servers/${sn}`, {
      body: { probeFault: 'never-comes-back', compatibleTemplates: 5 },
    });
    const after = (await call(sim, 'GET', `/_sim/servers/${sn}`)).body as SimProbeServer;

    expect({ status: answer.status, overrides: after.overrides }).toEqual({ status: 400, overrides: {} });
  });

  it('GET /_sim/servers/{sn} with a malformed percent-encoding: 400 or 404, not a 500 "simulator bug"', async () => {
    const answer = await call(sim, 'GET', '/_sim/servers/ns%E0%A4%A');

    expect(answer.body).not.toMatchObject({ message: expect.stringMatching(/simulator bug/) });
    expect([400, 404]).toContain(answer.status);
  });
});

describe('probe listeners and close()', () => {
  it('a simulator closed while a server listener is opening leaves nothing listening', async () => {
    const sim = await startSimulator({ startTime: START, servers: 4 });
    const sn = serverName(sim, 2);
    const opening = sim.control.probeServer(sn).catch((e: unknown) => e);
    const closed = sim.close();
    const answered = await opening;
    await closed;
    const ports = sim.probePorts;
    const host = '127.1.0.3';

    expect(answered).toBeDefined();
    expect(await tcpConnect(host, ports.ssh)).toBe('refused');
    expect(await tcpConnect(host, ports.http)).toBe('refused');
  });
});
