/**
 * The daemon's probes against the OVHcloud simulator (docs/verification.md, "How the daemon runs
 * it"): the simulator's documented mapping (src/sim/probe-map.ts) turned into the verify engine's
 * synchronous `mapTarget`. The table is read once, when the daemon starts (`GET /_sim/probe-map`,
 * trusting the same CA as the API client); a server the table does not know gets no target (its
 * probes are inconclusive). src/verify may not import src/sim: this composition root joins them.
 */
import { request } from 'node:https';
import type { OvhEndpoint } from '../config/endpoints.js';
import type { DaemonProbes } from '../daemon/types.js';
import { simProbeTarget, type SimProbeMap } from '../sim/index.js';
import { identityTarget, isSimulatorEndpoint } from '../verify/index.js';

/** A table that knows no server: every target refused (the guard stays on). */
const NO_SERVERS: SimProbeMap = { ports: { ssh: 0, http: 0 }, servers: [] };

/** The probes of a daemon against `map`: every target a loopback listener of the simulator. */
export function simulatorProbes(map: SimProbeMap): DaemonProbes {
  return {
    simulator: true,
    mapTarget: (serviceName, address, port) => {
      // A command probe asks with port 0: its host is the server's listener address.
      const target =
        simProbeTarget(map, address, port === 0 ? 22 : port) ??
        simProbeTarget(map, serviceName, port === 0 ? 22 : port);
      if (!target) throw new Error(`the simulator has no server ${serviceName} at ${address}`);
      return { host: target.host, port: port === 0 ? 0 : target.port };
    },
  };
}

/**
 * The probes for `endpoint`: the identity against OVHcloud, the simulator's table against a
 * loopback endpoint. Never fails: a loopback endpoint that is not our simulator (another fake of
 * the API, which has no `/_sim/probe-map`) or that does not answer gets an empty table, the guard
 * stays on, and every probe is inconclusive; `onProblem` says why, once. The daemon starts either
 * way: health checks are only configured in fleet.yaml, which it has not read yet.
 */
export async function probesFor(
  endpoint: OvhEndpoint,
  caPem: string | null,
  onProblem: (message: string) => void = () => undefined,
): Promise<DaemonProbes> {
  if (!isSimulatorEndpoint(endpoint)) return { simulator: false, mapTarget: identityTarget };
  try {
    return simulatorProbes(await fetchProbeMap(endpoint, caPem));
  } catch (error) {
    onProblem(
      `the loopback endpoint's probe map (GET /_sim/probe-map) could not be read: ${(error as Error).message}; ` +
        'health checks will be inconclusive (probes never leave loopback)',
    );
    return simulatorProbes(NO_SERVERS);
  }
}

/** `GET <simulator>/_sim/probe-map`. */
function fetchProbeMap(endpoint: OvhEndpoint, caPem: string | null): Promise<SimProbeMap> {
  const url = new URL('/_sim/probe-map', endpoint.url);
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'GET', ...(caPem ? { ca: caPem } : {}), timeout: 3_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        if (res.statusCode !== 200)
          return reject(new Error(`GET /_sim/probe-map answered ${res.statusCode}`));
        try {
          resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')) as SimProbeMap);
        } catch {
          reject(new Error('GET /_sim/probe-map did not answer JSON'));
        }
      });
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('GET /_sim/probe-map timed out')));
    req.on('error', reject);
    req.end();
  });
}
