/**
 * The daemon's probe mapping against the simulator (src/cli/sim-probes.ts): a server's reported
 * address goes to its loopback listener by the simulator's documented rule, the guard is on, and a
 * server the table does not know gets no target (its probe is inconclusive, nothing is connected).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { probesFor, simulatorProbes } from '../../src/cli/sim-probes.js';
import { parseEndpoint, type OvhEndpoint } from '../../src/config/endpoints.js';
import type { SimProbeMap } from '../../src/sim/index.js';
import { identityTarget, resolveTarget } from '../../src/verify/index.js';

const MAP: SimProbeMap = {
  ports: { ssh: 40022, http: 40080 },
  servers: [
    { serviceName: 'ns1.eu', ip: '51.75.0.1', reverse: 'ns1.eu', host: '127.1.0.1' },
    { serviceName: 'ns2.eu', ip: '51.75.0.2', reverse: null, host: '127.1.0.2' },
  ],
};

describe('the simulator probe mapping of the daemon', () => {
  const probes = simulatorProbes(MAP);

  it('maps the reported ip, or the reverse, to the loopback listener of the port', () => {
    expect(probes.simulator).toBe(true);
    expect(probes.mapTarget('ns1.eu', '51.75.0.1', 22)).toEqual({ host: '127.1.0.1', port: 40022 });
    expect(probes.mapTarget('ns1.eu', 'ns1.eu', 443)).toEqual({ host: '127.1.0.1', port: 40080 });
    expect(probes.mapTarget('ns2.eu', '51.75.0.2', 5432)).toEqual({ host: '127.1.0.2', port: 40022 });
  });

  it('gives a command probe (port 0) the server loopback address', () => {
    expect(probes.mapTarget('ns2.eu', '51.75.0.2', 0)).toEqual({ host: '127.1.0.2', port: 0 });
  });

  it('finds no target for a server the table does not know: the probe is inconclusive', () => {
    const resolved = resolveTarget(probes, 'ns9.eu', '203.0.113.9', 22);

    expect(resolved.ok).toBe(false);
  });

  it('is the identity, guard off, against a real OVHcloud endpoint (no request made)', async () => {
    const endpoint = parseEndpoint('ovh-eu') as OvhEndpoint;

    const real = await probesFor(endpoint, null);

    expect(real).toEqual({ simulator: false, mapTarget: identityTarget });
  });

  it('never stops the daemon against a loopback endpoint that is not our simulator: guard on, no target', async () => {
    // Another fake of the OVHcloud API on 127.0.0.1 has no /_sim/probe-map (here: nothing listens).
    const server = createServer((_req, res) => {
      res.statusCode = 404;
      res.end('{"message":"not found"}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const endpoint = parseEndpoint(`https://127.0.0.1:${port}/1.0`) as OvhEndpoint;
    const problems: string[] = [];
    try {
      const probes = await probesFor(endpoint, null, (m) => problems.push(m));

      expect(probes.simulator).toBe(true);
      expect(resolveTarget(probes, 'ns1.eu', '51.75.0.1', 22).ok).toBe(false);
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatch(/probe map .* could not be read/);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
