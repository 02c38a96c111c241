/**
 * `startSimulator()`: the listening shell around the simulator's model and pipeline. It makes
 * the certificate, loads or seeds the state, takes the probe ports (probe-network.ts), listens
 * over HTTPS and returns a handle whose `close()` stops listening (API and probe listeners) and
 * persists the state.
 */
import { createServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { createApp } from './app.js';
import { DEFAULT_CREDENTIALS } from './auth.js';
import { createControl } from './control.js';
import { FaultInjector, validateFaults } from './faults.js';
import { DebouncedSaver, readSnapshot } from './persistence.js';
import { ProbeFaultBook } from './probe-faults.js';
import { ProbeNetwork } from './probe-network.js';
import { DEFAULT_REQUEST_LOG_CAPACITY, RequestLog } from './request-log.js';
import { SimState } from './sim-state.js';
import { createTls } from './tls.js';
import type { RunningSimulator, SimCredentials, SimulatorOptions } from './types.js';

/** Starts an OVHcloud API simulator; see {@link SimulatorOptions} for the defaults. */
export async function startSimulator(options: SimulatorOptions = {}): Promise<RunningSimulator> {
  const host = options.host ?? '127.0.0.1';
  const seed = options.seed ?? 1;
  const speed = options.speed ?? 1;
  if (!(speed > 0)) throw new RangeError('speed must be > 0');
  const credentials: SimCredentials = { ...DEFAULT_CREDENTIALS, ...options.credentials };
  const realNow = (): number => Date.now();

  const snapshot = options.statePath ? readSnapshot(options.statePath) : null;
  const state = snapshot
    ? SimState.restore(snapshot, speed, realNow)
    : SimState.seeded(options.servers ?? 12, seed, speed, options.startTime ?? Date.now(), realNow);
  const faults = new FaultInjector(state.seed, validateFaults(options.faults ?? {}));
  const log = new RequestLog(options.requestLogCapacity ?? DEFAULT_REQUEST_LOG_CAPACITY);
  const tls = await createTls(host, options.tlsDir);
  const probeFaults = new ProbeFaultBook();
  const probes = await ProbeNetwork.start({
    state,
    settingsOf: (serviceName) => probeFaults.settingsOf(serviceName, faults.current),
    tls,
  });
  const control = createControl({ state, faults, log, probes, probeFaults });
  const saver = options.statePath ? new DebouncedSaver(options.statePath, () => state.snapshot()) : null;
  if (saver) state.onChange = () => saver.schedule();
  state.onTask = (task) => void probes.follow(task.serviceName);
  saver?.flush();

  let port = 0;
  const server = createServer({ cert: tls.cert, key: tls.key, keepAliveTimeout: 30_000 });
  server.on('request', createApp({ state, faults, log, control, credentials, port: () => port }));
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    await probes.close();
    throw error;
  }
  port = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host;

  let closed: Promise<void> | undefined;
  return {
    url: `https://${urlHost}:${port}/1.0`,
    port,
    caCert: tls.cert,
    certPath: tls.certPath,
    credentials,
    control,
    probePorts: { ...probes.ports },
    close: () => {
      closed ??= Promise.all([
        new Promise<void>((resolve) => {
          server.close(() => resolve());
          for (const socket of sockets) socket.destroy();
        }),
        probes.close(),
      ]).then(() => saver?.flush());
      return closed;
    },
  };
}
