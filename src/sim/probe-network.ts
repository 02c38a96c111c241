/**
 * The simulated servers on the network: real TCP listeners on loopback that probes can reach
 * (docs/simulator.md, "Probing simulated servers").
 *
 * At start the simulator takes two ports from the OS on 127.0.0.1, one for SSH and one for HTTP;
 * those two sockets answer nothing (they hold the ports, so no other program is given them). Each
 * server answers on the same two ports at its own address, 127.1.0.0 + its position + 1
 * (probe-map.ts). Its listeners are opened only for servers someone asked about (GET
 * /_sim/servers/{sn}, GET /_sim/probe-target) or that were reinstalled: a 10,000-server account
 * starts with two probe sockets, not 20,000. While a server is down its listeners are closed, so a
 * connection is refused, as from a host whose sshd is not running; they open again when it is up.
 * Whether it is up is computed from the sim clock (probe-state.ts). One timer wakes at the next
 * change of any server and re-checks only the servers due; a new task re-checks its server at
 * once, a clock jump or a fault change every followed server.
 *
 * A listen that fails (EADDRINUSE: another program holds the address and port; EMFILE: out of
 * descriptors; EADDRNOTAVAIL on macOS) is tried again with backoff while the server is up, and a
 * listener that dies (closed or failed under the simulator's feet) is opened again the same way:
 * never a crash, never a server that stays silent while it counts as up. The first failure of a
 * run is said on stderr and shown in `listenErrors` until a listen succeeds.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer as createNetServer, type Server, type Socket } from 'node:net';
import { createSecureContext, type SecureContext } from 'node:tls';
import { httpPageFor, sshBannerFor } from './probe-answers.js';
import { createProbeHttpListener } from './probe-http.js';
import { simProbeHost, type SimProbeMap, type SimProbePorts } from './probe-map.js';
import { probeStateAt, type ProbeFaultSettings, type ProbeState } from './probe-state.js';
import { SimNotFoundError, type SimState } from './sim-state.js';
import { taskEnd } from './tasks.js';

type Protocol = keyof SimProbePorts;
const PROTOCOLS: readonly Protocol[] = ['ssh', 'http'];
/** Real ms an SSH connection stays open after the banner when the client says nothing. */
const SSH_IDLE_MS = 10_000;
const MAX_TIMER_MS = 2_147_483_647;
/** Real ms before the first retry of a listen that failed; doubles up to {@link RETRY_MAX_MS}. */
export const RETRY_FIRST_MS = 50;
export const RETRY_MAX_MS = 5_000;

/** Real ms to wait before the next try after `failures` failures in a row (at least 1). */
export function retryDelayMs(failures: number): number {
  return Math.min(RETRY_MAX_MS, RETRY_FIRST_MS * 2 ** Math.min(20, Math.max(0, failures - 1)));
}

/** One protocol of one server. */
interface Listener {
  server: Server | null;
  opening: Promise<void> | null;
  sockets: Set<Socket>;
  /** Why the last attempt to listen failed (or why the listener died), or null. */
  error: string | null;
  /** Failed attempts in a row (reset when a listen succeeds). */
  failures: number;
  /** The pending retry after a failure, or null. */
  retry: NodeJS.Timeout | null;
}

/** The listeners of one server. */
interface Host {
  serviceName: string;
  address: string;
  ssh: Listener;
  http: Listener;
  /** Sim ms of the next change of its state, as of the last check; null: none expected. */
  changesAt: number | null;
}

/** What the network needs from the rest of the simulator. */
export interface ProbeNetworkDeps {
  state: SimState;
  /** The probe faults in force for a server. */
  settingsOf(serviceName: string): ProbeFaultSettings;
  /** The simulator's certificate and key (PEM), for HTTPS on the http port. */
  tls: { cert: string; key: string };
  /** Told the first failure of a run of failed listens (default: a line on stderr). */
  onListenError?: (message: string) => void;
  /** Told each time a server's listener starts listening (tests use it to make one die). */
  onListening?: (serviceName: string, protocol: Protocol, server: Server) => void;
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

function newListener(): Listener {
  return { server: null, opening: null, sockets: new Set(), error: null, failures: 0, retry: null };
}

function track(listener: Listener, socket: Socket): void {
  listener.sockets.add(socket);
  socket.on('close', () => listener.sockets.delete(socket));
  socket.on('error', () => undefined);
}

function sayOnStderr(message: string): void {
  process.stderr.write(`ovh-fleet sim: probe listener: ${message}\n`);
}

/** The probe listeners of one simulator. */
export class ProbeNetwork {
  private readonly hosts = new Map<string, Host>();
  private readonly indexOf = new Map<string, number>();
  private readonly closing = new Set<Promise<void>>();
  private timer: NodeJS.Timeout | null = null;
  private pokedAll = false;
  private stopped: Promise<void> | null = null;
  private readonly secureContext: SecureContext;

  private constructor(
    private readonly deps: ProbeNetworkDeps,
    readonly ports: SimProbePorts,
    private readonly reservations: Server[],
  ) {
    deps.state.serviceNames().forEach((name, i) => this.indexOf.set(name, i));
    this.secureContext = createSecureContext({ cert: deps.tls.cert, key: deps.tls.key });
  }

  /** Takes the two probe ports and opens the listeners of servers already reinstalled. */
  static async start(deps: ProbeNetworkDeps): Promise<ProbeNetwork> {
    const reservations = PROTOCOLS.map(() => createNetServer((socket) => socket.destroy()));
    const bound = await Promise.allSettled(reservations.map((server) => listen(server, 0, '127.0.0.1')));
    const failed = bound.find((result) => result.status === 'rejected');
    if (failed) {
      for (const server of reservations) if (server.listening) server.close();
      throw failed.reason;
    }
    const portOf = (server: Server | undefined): number => {
      const address = server?.address();
      if (!address || typeof address === 'string') throw new Error('probe port not bound');
      return address.port;
    };
    const network = new ProbeNetwork(
      deps,
      { ssh: portOf(reservations[0]), http: portOf(reservations[1]) },
      reservations,
    );
    const hosts = deps.state.reinstalledServers().map((name) => network.follow(name));
    await Promise.all(hosts.flatMap((host) => (host ? PROTOCOLS.map((p) => host[p].opening) : [])));
    return network;
  }

  /**
   * Follows a server (asked about, or a reinstall task was created for it) and matches its
   * listeners to its state at once: a new task closes them before the POST is answered.
   */
  follow(serviceName: string): Host | undefined {
    if (this.stopped) return undefined;
    let host = this.hosts.get(serviceName);
    if (!host) {
      const index = this.indexOf.get(serviceName);
      if (index === undefined) return undefined;
      host = {
        serviceName,
        address: simProbeHost(index),
        ssh: newListener(),
        http: newListener(),
        changesAt: null,
      };
      this.hosts.set(serviceName, host);
    }
    this.apply(host);
    this.reschedule();
    return host;
  }

  /** Re-checks every followed server soon (after a clock jump or a fault change), once per turn. */
  poke(): void {
    if (this.pokedAll || this.stopped) return;
    this.pokedAll = true;
    setImmediate(() => this.reconcile(true));
  }

  /** Follows a server and waits until its listeners match its state; returns its address. */
  async ready(serviceName: string): Promise<string> {
    if (!this.indexOf.has(serviceName))
      throw new SimNotFoundError(`no server ${serviceName} in the simulated account`);
    const host = this.follow(serviceName);
    if (!host) throw new Error('the simulator is stopping');
    await Promise.all(PROTOCOLS.map((p) => host[p].opening));
    return host.address;
  }

  /** What answers on a server now, and why. */
  stateOf(serviceName: string): ProbeState {
    const task = this.deps.state.latestReinstall(serviceName);
    const facts = task
      ? { createdAt: task.createdAt, endsAt: taskEnd(task), outcome: task.outcome.status }
      : undefined;
    return probeStateAt(facts, this.deps.settingsOf(serviceName), this.deps.state.now());
  }

  /** Why the last attempt to listen for a server failed, per protocol (null: it did not fail). */
  listenErrors(serviceName: string): Record<Protocol, string | null> {
    const host = this.hosts.get(serviceName);
    return { ssh: host?.ssh.error ?? null, http: host?.http.error ?? null };
  }

  /** The map of every server; opens nothing. */
  map(): SimProbeMap {
    const servers = [...this.indexOf].map(([serviceName, index]) => {
      const server = this.deps.state.server(serviceName)?.server;
      return {
        serviceName,
        ip: server?.ip ?? '',
        reverse: server?.reverse ?? null,
        host: simProbeHost(index),
      };
    });
    return { ports: { ...this.ports }, servers };
  }

  /** Closes every listener and connection; resolves when all are closed. */
  close(): Promise<void> {
    this.stopped ??= this.stop();
    return this.stopped;
  }

  private async stop(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    const hosts = [...this.hosts.values()];
    await Promise.all(hosts.flatMap((host) => PROTOCOLS.map((p) => host[p].opening)));
    for (const host of hosts)
      for (const p of PROTOCOLS) {
        this.cancelRetry(host[p]);
        this.shut(host[p]);
      }
    for (const server of this.reservations) this.closing.add(new Promise((r) => server.close(() => r())));
    await Promise.all(this.closing);
  }

  /** Re-checks every followed server (`all`) or only those whose next change is due. */
  private reconcile(all: boolean): void {
    if (all) this.pokedAll = false;
    if (this.stopped) return;
    const now = this.deps.state.now();
    for (const host of this.hosts.values())
      if (all || (host.changesAt !== null && host.changesAt <= now)) this.apply(host);
    this.reschedule();
  }

  /** Sets the one timer to the earliest next change of a followed server. */
  private reschedule(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.stopped) return;
    let next = Infinity;
    for (const host of this.hosts.values())
      if (host.changesAt !== null) next = Math.min(next, host.changesAt);
    if (next === Infinity) return;
    const delay = Math.min(MAX_TIMER_MS, Math.max(0, next - this.deps.state.now()) + 1);
    this.timer = setTimeout(() => this.reconcile(false), delay);
    this.timer.unref();
  }

  /** Opens or closes the host's listeners to match its state now. */
  private apply(host: Host): void {
    if (this.stopped) return;
    const state = this.stateOf(host.serviceName);
    host.changesAt = state.changesAt;
    for (const protocol of PROTOCOLS) {
      const listener = host[protocol];
      const up = state[protocol] === 'up';
      if (up && !listener.server && !listener.opening && !listener.retry)
        listener.opening = this.open(host, protocol);
      else if (!up) {
        // Down: nothing to retry; the next time it is up starts afresh.
        this.cancelRetry(listener);
        listener.failures = 0;
        if (listener.server) this.shut(listener);
      }
    }
  }

  private async open(host: Host, protocol: Protocol): Promise<void> {
    const listener = host[protocol];
    const server =
      protocol === 'ssh' ? createNetServer((socket) => this.answerSsh(host, socket)) : this.createHttp(host);
    try {
      await listen(server, this.ports[protocol], host.address);
      listener.server = server;
      listener.error = null;
      listener.failures = 0;
      this.watchForDeath(host, protocol, server);
      this.deps.onListening?.(host.serviceName, protocol, server);
    } catch (error) {
      this.failed(host, protocol, (error as Error).message);
    } finally {
      listener.opening = null;
    }
    // The server may have gone down (or the simulator stopped) while it was opening.
    if (listener.server === server) this.apply(host);
  }

  /** A listener that closes or fails while it is ours (not shut by us) is opened again. */
  private watchForDeath(host: Host, protocol: Protocol, server: Server): void {
    const listener = host[protocol];
    const died = (why: string): void => {
      if (listener.server !== server) return;
      listener.server = null;
      for (const socket of listener.sockets) socket.destroy();
      if (server.listening) server.close();
      this.failed(host, protocol, `the ${protocol} listener of ${host.address} died: ${why}`);
    };
    server.on('error', (error: Error) => {
      // An error after listening (accept failing for want of descriptors, say): keep the
      // listener while it still listens, open it again when it does not.
      if (!server.listening) died(error.message);
      else if (listener.server === server) listener.error = error.message;
    });
    server.on('close', () => died('closed'));
  }

  /** Notes a failure and schedules a retry, with backoff, while the simulator runs. */
  private failed(host: Host, protocol: Protocol, message: string): void {
    const listener = host[protocol];
    listener.error = message;
    listener.failures++;
    if (listener.failures === 1)
      (this.deps.onListenError ?? sayOnStderr)(`${host.serviceName}: ${message}; trying again`);
    if (this.stopped || listener.retry) return;
    listener.retry = setTimeout(() => {
      listener.retry = null;
      this.apply(host);
    }, retryDelayMs(listener.failures));
    listener.retry.unref();
  }

  private cancelRetry(listener: Listener): void {
    if (listener.retry) clearTimeout(listener.retry);
    listener.retry = null;
  }

  private shut(listener: Listener): void {
    const server = listener.server;
    if (!server) return;
    listener.server = null;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    this.closing.add(closed);
    void closed.then(() => this.closing.delete(closed));
    for (const socket of listener.sockets) socket.destroy();
  }

  /** A connection that slipped in just before a listener closed is cut at once. */
  private admits(host: Host, protocol: Protocol): boolean {
    return !this.stopped && this.stateOf(host.serviceName)[protocol] === 'up';
  }

  private answerSsh(host: Host, socket: Socket): void {
    track(host.ssh, socket);
    if (!this.admits(host, 'ssh')) return void socket.destroy();
    const os = this.deps.state.server(host.serviceName)?.server.os ?? '';
    socket.setTimeout(SSH_IDLE_MS, () => socket.destroy());
    // The key exchange is not simulated: whatever the client says next ends the connection.
    socket.once('data', () => socket.end());
    socket.write(`${sshBannerFor(os)}\r\n`);
  }

  private createHttp(host: Host): Server {
    return createProbeHttpListener(
      (req: IncomingMessage, res: ServerResponse) => {
        if (!this.admits(host, 'http')) return void req.socket.destroy();
        const os = this.deps.state.server(host.serviceName)?.server.os ?? '';
        const path = (req.url ?? '/').split('?')[0];
        const found = path === '/' && (req.method === 'GET' || req.method === 'HEAD');
        const body = found ? httpPageFor(host.serviceName, os) : 'not found\n';
        res.writeHead(found ? 200 : 404, {
          'Content-Type': 'text/plain; charset=utf-8',
          'Content-Length': Buffer.byteLength(body),
        });
        res.end(req.method === 'HEAD' ? undefined : body);
      },
      this.secureContext,
      (socket) => {
        track(host.http, socket);
        if (this.admits(host, 'http')) return true;
        socket.destroy();
        return false;
      },
    );
  }
}
