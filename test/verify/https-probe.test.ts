/**
 * The https probe over a real TLS listener on 127.0.0.1 with a certificate for the server's
 * reverse name: the TLS server name is the URL's host (not the loopback target), the certificate
 * is checked (an untrusted or mismatched one is a failure, the server's fault).
 */
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/core/clock.js';
import { createTls, type SimTls } from '../../src/sim/tls.js';
import type { HttpProbe } from '../../src/specs/verify-types.js';
import { runProbes } from '../../src/verify/run-round.js';
import { createNetTransport, netTransport, type ProbeTransport } from '../../src/verify/transport.js';

const FACTS = { serviceName: 'ns1001.ip-203-0-113.eu', ip: '203.0.113.10', reverse: 'ns1001.example.' };
let tls: SimTls;
let server: Server;
let port: number;

beforeAll(async () => {
  tls = await createTls('ns1001.example');
  server = createServer({ cert: tls.cert, key: tls.key }, (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end('ok\n');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

async function probe(url: string, transport: ProbeTransport) {
  const spec: HttpProbe = { name: 'tls', type: 'https', url, expectStatus: 200, bodyContains: 'ok' };
  const [result] = await runProbes([spec], FACTS, 2000, {
    targets: { simulator: true, mapTarget: () => ({ host: '127.0.0.1', port }) },
    transport,
    commands: undefined,
    clock: systemClock,
  });
  return result!;
}

describe('https probes', () => {
  it('pass with a certificate for the URL host, trusted', async () => {
    expect(await probe('https://{reverse}/health', createNetTransport({ ca: tls.cert }))).toEqual({
      probe: 'tls',
      outcome: 'success',
    });
  });

  it('fail on a certificate the system does not trust', async () => {
    const result = await probe('https://{reverse}/health', netTransport);

    expect(result.outcome).toBe('failure');
  });

  it('fail on a certificate for another name', async () => {
    const result = await probe('https://other.example/health', createNetTransport({ ca: tls.cert }));

    expect(result).toMatchObject({ outcome: 'failure' });
    expect(result.reason).toContain('ERR_TLS_CERT_ALTNAME_INVALID');
  });
});
