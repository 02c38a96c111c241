/**
 * Found by a hostile review: a client that connects to a server's http probe port and says nothing is never cut
 * (src/sim/probe-http.ts waits for the first byte with no timeout; Node's HTTP timeouts start only
 * once the connection is handed to the HTTP server). The ssh port cuts a silent client after 10 s
 * (docs/simulator.md). Each such connection holds a descriptor of the simulator for as long as
 * the server is up, and descriptors are what a large run runs out of (sim-fd-limit.test.ts).
 */
import { connect } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSimulator, type RunningSimulator } from '../../src/sim/index.js';
import { serverName } from './sim-client.js';

const START = Date.UTC(2026, 10, 27, 12, 0, 0);

/** Connects, says nothing, and reports whether the server closed the connection within `ms`. */
function closedWithin(host: string, port: number, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const timer = setTimeout(() => {
      socket.destroy();
      resolve(false);
    }, ms);
    socket.on('error', () => undefined);
    socket.resume(); // read (and drop) the banner, so that the server's FIN is seen
    socket.once('close', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

describe('a silent client on a probe port', () => {
  let sim: RunningSimulator;
  beforeEach(async () => {
    sim = await startSimulator({ startTime: START, servers: 2 });
  });
  afterEach(() => sim.close());

  it('is cut on the http port as on the ssh port (after 10 s; waited for up to 20 s)', async () => {
    const s = await sim.control.probeServer(serverName(sim, 0));

    const [ssh, http] = await Promise.all([
      closedWithin(s.host, s.ports.ssh, 20_000),
      closedWithin(s.host, s.ports.http, 20_000),
    ]);

    expect({ ssh, http }).toEqual({ ssh: true, http: true });
  }, 30_000);
});
