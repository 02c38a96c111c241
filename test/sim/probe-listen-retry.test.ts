/**
 * A probe listener that cannot listen (EADDRINUSE: another program holds the server's address and
 * port; EMFILE: out of descriptors) is tried again with backoff, and one that dies is opened again:
 * before, the first failure left the server refusing every connection for the life of the
 * simulator while it counted as up (src/sim/probe-network.ts; docs/simulator.md).
 * Real sockets on loopback; waits poll until the state is reached, never for a fixed time.
 */
import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ProbeNetwork, retryDelayMs, RETRY_FIRST_MS, RETRY_MAX_MS } from '../../src/sim/probe-network.js';
import { SimState } from '../../src/sim/sim-state.js';
import { createTls } from '../../src/sim/tls.js';
import { startSimulator, type RunningSimulator } from '../../src/sim/index.js';
import { readBanner } from './probe-client.js';
import { serverName } from './sim-client.js';

const START = Date.UTC(2026, 10, 27, 12, 0, 0);
const wait = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function until<T>(what: string, check: () => Promise<T | undefined>): Promise<T> {
  for (let i = 0; i < 3_000; i++) {
    const value = await check();
    if (value !== undefined) return value;
    await wait(20);
  }
  throw new Error(`never reached: ${what}`);
}

function occupy(host: string, port: number): Promise<Server> {
  const blocker = createServer((socket) => socket.destroy());
  return new Promise((resolve, reject) => {
    blocker.once('error', reject);
    blocker.listen(port, host, () => resolve(blocker));
  });
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('probe listeners that cannot listen, or die', () => {
  let sim: RunningSimulator;

  it('tries a listen refused with EADDRINUSE again, and the server answers once the port is free', async () => {
    sim = await startSimulator({ startTime: START, servers: 3 });
    cleanups.push(() => sim.close());
    const sn = serverName(sim, 1);
    const entry = sim.control.probeMap().servers.find((s) => s.serviceName === sn)!;
    const blocker = await occupy(entry.host, sim.probePorts.ssh);
    let blocked = true;
    cleanups.push(() => (blocked ? new Promise((r) => blocker.close(() => r())) : Promise.resolve()));

    await sim.control.probeServer(sn);
    // The http listener opening re-checks the server: a second ssh attempt may be under way; the
    // next ask waits for it. After that, only a retry of the simulator's own tries the port again.
    const first = await sim.control.probeServer(sn);
    expect(first.state).toMatchObject({ ssh: 'up', http: 'up' });
    expect(first.listenErrors.ssh).toMatch(/EADDRINUSE/);
    expect(first.listenErrors.http).toBeNull();

    await new Promise<void>((r) => blocker.close(() => r()));
    blocked = false;
    const banner = await until('the SSH banner after the port is freed', async () => {
      const line = await readBanner(entry.host, sim.probePorts.ssh);
      return line.startsWith('SSH-') ? line : undefined;
    });

    expect(banner).toMatch(/^SSH-2\.0-/);
    expect((await sim.control.probeServer(sn)).listenErrors).toEqual({ ssh: null, http: null });
  }, 120_000);

  it('opens a listener again when it dies', async () => {
    const state = SimState.seeded(2, 1, 1, START, () => Date.now());
    const opened: Server[] = [];
    const network = await ProbeNetwork.start({
      state,
      settingsOf: () => ({ probeFault: 'none', probeLateSec: 60, probeFlapSec: 10 }),
      tls: await createTls('127.0.0.1'),
      onListening: (_name, protocol, server) => void (protocol === 'ssh' && opened.push(server)),
    });
    cleanups.push(() => network.close());
    const sn = state.serviceNames()[0]!;
    const host = await network.ready(sn);
    expect(opened).toHaveLength(1);
    expect(await readBanner(host, network.ports.ssh)).toMatch(/^SSH-/);

    opened[0]!.close(); // dies under the simulator's feet
    await until('a new ssh listener', async () => (opened.length > 1 ? true : undefined));
    const banner = await until('the SSH banner again', async () => {
      const line = await readBanner(host, network.ports.ssh);
      return line.startsWith('SSH-') ? line : undefined;
    });

    expect(banner).toMatch(/^SSH-2\.0-/);
    expect(network.listenErrors(sn)).toEqual({ ssh: null, http: null });
  }, 120_000);

  it('waits longer after each failure in a row, up to a ceiling', () => {
    const delays = [1, 2, 3, 4, 10, 100, 10_000].map(retryDelayMs);

    expect(delays[0]).toBe(RETRY_FIRST_MS);
    expect(delays.every((d, i) => i === 0 || d >= delays[i - 1]!)).toBe(true);
    expect(delays[1]).toBe(2 * RETRY_FIRST_MS);
    expect(delays.at(-1)).toBe(RETRY_MAX_MS);
  });
});
