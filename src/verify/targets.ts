/**
 * Where a probe connects, and the loopback guard (docs/verification.md, "Addresses and the
 * simulator"). A probe names the server's address (the API's `ip`, or a host in a URL) and a
 * port; `mapTarget` turns that into the host and port actually connected to. Against the real
 * API the mapping is the identity. Against the simulator it is the simulator's documented rule
 * (each simulated server answers on 127.0.0.0/8 listeners), and then every target must be an
 * IPv4 literal in 127.0.0.0/8: anything else is refused before any connection is tried, so that
 * tests, benches and the demo never probe the public-looking addresses simulated servers report.
 */
import { isIPv4 } from 'node:net';
import type { OvhEndpoint } from '../config/endpoints.js';

/** A host (IP literal or name) and port to connect to. */
export interface ProbeTarget {
  host: string;
  port: number;
}

/**
 * Maps what a probe names to what it connects to. `address` is the server's `ip`, or the host of
 * an http(s) probe's URL (an IP or a name such as the server's reverse); `port` is the probe's,
 * or 0 for a command probe (which gets only a host, in OVH_FLEET_ADDRESS). May throw: the probe
 * is then inconclusive.
 */
export type MapTarget = (serviceName: string, address: string, port: number) => ProbeTarget;

/** The mapping against the real API: connect where the probe says. */
export const identityTarget: MapTarget = (_serviceName, address, port) => ({ host: address, port });

/** How targets are resolved for one daemon. */
export interface TargetRules {
  /** True when the OVHcloud endpoint is the simulator: every target must be loopback. */
  simulator: boolean;
  mapTarget: MapTarget;
}

/** A resolved target, or why the probe cannot run (an inconclusive result). */
export type ResolvedTarget = { ok: true; target: ProbeTarget } | { ok: false; reason: string };

/** True for an IPv4 literal in 127.0.0.0/8 (no name: a name would need DNS to be known). */
export function isLoopbackAddress(host: string): boolean {
  return isIPv4(host) && host.split('.')[0] === '127';
}

/**
 * True when the endpoint is the simulator: a URL endpoint (not a named OVHcloud one) on a
 * loopback host. A real API is never on loopback, so a proxy there only makes the guard stricter.
 */
export function isSimulatorEndpoint(endpoint: Pick<OvhEndpoint, 'name' | 'host'>): boolean {
  if (endpoint.name !== null) return false;
  const host = endpoint.host.replace(/^\[|\]$/g, '').toLowerCase();
  return isLoopbackAddress(host) || host === '::1' || host === 'localhost';
}

/** The sentence of a refused target; the probe is inconclusive and nothing is connected to. */
export function refusedTarget(target: ProbeTarget): string {
  return `refused ${target.host}:${target.port}: the OVHcloud endpoint is the simulator, so probes go only to 127.0.0.0/8`;
}

/** Maps `address`:`port` of `serviceName` and applies the loopback guard. */
export function resolveTarget(
  rules: TargetRules,
  serviceName: string,
  address: string,
  port: number,
): ResolvedTarget {
  let target: ProbeTarget;
  try {
    target = rules.mapTarget(serviceName, address, port);
  } catch (error) {
    return { ok: false, reason: `no probe target for ${address}:${port}: ${messageOf(error)}` };
  }
  if (
    typeof target?.host !== 'string' ||
    !Number.isSafeInteger(target.port) ||
    target.port < 0 ||
    target.port > 65_535
  )
    return { ok: false, reason: `no usable probe target for ${address}:${port}` };
  if (rules.simulator && !isLoopbackAddress(target.host)) return { ok: false, reason: refusedTarget(target) };
  return { ok: true, target: { host: target.host, port: target.port } };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message.slice(0, 200) : 'the mapping failed';
}
