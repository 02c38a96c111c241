/**
 * The documented rule that maps a simulated server to the loopback address a probe can reach
 * (docs/simulator.md, "Probing simulated servers"). Pure and free of imports on purpose: a probe
 * engine may copy or import it without pulling in the simulator.
 *
 * - Address: the server at position `i` (0-based) of the account, in the order of
 *   `GET /dedicated/server`, answers on `127.1.0.0 + (i + 1)`: 127.1.0.1 for the first,
 *   127.1.0.255 for the 255th, 127.1.1.0 for the 256th, 127.1.39.16 for the 10,000th.
 * - Ports: one per protocol for the whole simulator, chosen by the OS at start: TCP ports 80 and
 *   443 of a server are its `http` port (plain HTTP and HTTPS on the same port); every other TCP
 *   port (22, 5432, …) is its `ssh` port.
 */

/** The two ports every simulated server answers on (the same for all servers of one simulator). */
export interface SimProbePorts {
  /** SSH banner; also every TCP port other than 80 and 443. */
  ssh: number;
  /** HTTP and HTTPS (`GET /` → 200), told apart by the first byte; TCP ports 80 and 443. */
  http: number;
}

/** One server of {@link SimProbeMap}: what the API reports and where it really answers. */
export interface SimProbeMapEntry {
  serviceName: string;
  /** The public-looking address `GET /dedicated/server/{serviceName}` reports. */
  ip: string;
  /** The reverse the API reports (the service name in the seeded account). */
  reverse: string | null;
  /** Its loopback address, {@link simProbeHost} of its position. */
  host: string;
}

/** Where every server of one simulator answers (`GET /_sim/probe-map`). */
export interface SimProbeMap {
  ports: SimProbePorts;
  servers: SimProbeMapEntry[];
}

/** A probe target on the simulator: a loopback host and port, and what answers there. */
export interface SimProbeTarget {
  serviceName: string;
  host: string;
  port: number;
  protocol: keyof SimProbePorts;
}

/** The first address of the block; server `i` is this plus `i + 1`. */
const BLOCK_START = (127 << 24) | (1 << 16);
/** 127.1.0.1 up to 127.254.255.255: room for 16,646,143 servers. */
export const SIM_PROBE_MAX_SERVERS = (254 << 16) - 1;

/** The loopback address of the server at position `index` (0-based) of the account. */
export function simProbeHost(index: number): string {
  if (!Number.isInteger(index) || index < 0 || index >= SIM_PROBE_MAX_SERVERS)
    throw new RangeError(`no loopback address for server position ${index}`);
  const address = BLOCK_START + index + 1;
  return [address >>> 24, (address >>> 16) & 255, (address >>> 8) & 255, address & 255].join('.');
}

/** Which of the simulator's ports answers for TCP port `port` of a server. */
export function simProbeProtocol(port: number): keyof SimProbePorts {
  if (!Number.isInteger(port) || port < 1 || port > 65_535)
    throw new RangeError(`port must be an integer from 1 to 65535, got ${port}`);
  return port === 80 || port === 443 ? 'http' : 'ssh';
}

/**
 * Where to send a probe of `port` on `target` (a service name, the `ip` or the `reverse` the API
 * reports), or undefined when no server of the map has that name or address.
 */
export function simProbeTarget(map: SimProbeMap, target: string, port: number): SimProbeTarget | undefined {
  const protocol = simProbeProtocol(port);
  const wanted = target.trim().toLowerCase();
  const entry = map.servers.find(
    (s) => s.serviceName.toLowerCase() === wanted || s.ip === wanted || s.reverse?.toLowerCase() === wanted,
  );
  if (!entry) return undefined;
  return { serviceName: entry.serviceName, host: entry.host, port: map.ports[protocol], protocol };
}
