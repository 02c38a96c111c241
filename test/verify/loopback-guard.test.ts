/**
 * Safety rule: while the OVHcloud endpoint is the simulator, no probe connects to a host outside
 * 127.0.0.0/8, whatever the server's reported addresses, the probes' URLs and ports, and whatever
 * the target mapping returns (even a mapping that is wrong). The socket layer is injected and
 * records every connection asked of it; it never opens one.
 */
import { isIPv4 } from 'node:net';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { systemClock } from '../../src/core/clock.js';
import type { ProbeSpec } from '../../src/specs/verify-types.js';
import { runProbes } from '../../src/verify/run-round.js';
import { isSimulatorEndpoint, type MapTarget } from '../../src/verify/targets.js';
import { guardedTransport, type ConnectRequest, type ProbeTransport } from '../../src/verify/transport.js';

/** Records every connection and refuses it, as a closed port would. */
function recorder(): ProbeTransport & { seen: ConnectRequest[] } {
  const seen: ConnectRequest[] = [];
  return {
    seen,
    connect(request) {
      seen.push(request);
      return Promise.reject(Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }));
    },
  };
}

/** Independent of the code under test: a dotted IPv4 literal whose first byte is 127. */
const onLoopback = (host: string) => isIPv4(host) && /^127\./.test(host);

const hostArb = fc.oneof(
  fc.ipV4(),
  fc.ipV4().map((ip) => `127.${ip.split('.').slice(1).join('.')}`),
  fc.domain(),
  fc.constantFrom(
    'localhost',
    '::1',
    '0.0.0.0',
    '127.0.0.1.example',
    '0x7f000001',
    '2130706433',
    '127.1',
    '',
  ),
  fc.ipV6(),
);
const portArb = fc.integer({ min: 0, max: 70_000 });
const mapArb: fc.Arbitrary<MapTarget> = fc.oneof(
  fc.constant<MapTarget>((_sn, address, port) => ({ host: address, port })),
  fc.record({ host: hostArb, port: portArb }).map(
    (t): MapTarget =>
      () =>
        t,
  ),
  fc.func(fc.record({ host: hostArb, port: portArb })).map(
    (f): MapTarget =>
      (sn, a, p) =>
        f(sn, a, p),
  ),
  fc.constant<MapTarget>(() => {
    throw new Error('no listener');
  }),
);
const urlArb = fc.oneof(
  fc.webUrl({ validSchemes: ['http', 'https'] }),
  fc.constantFrom('http://{address}/health', 'https://{reverse}:8443/x', 'http://{serviceName}:80/'),
  fc
    .tuple(hostArb, fc.integer({ min: 1, max: 65_535 }))
    .map(([h, p]) => `http://${h.includes(':') ? `[${h}]` : h}:${p}/`),
);
const probeArb: fc.Arbitrary<ProbeSpec> = fc.oneof(
  fc.record({
    name: fc.constant('t'),
    type: fc.constant('tcp' as const),
    port: fc.integer({ min: 1, max: 65_535 }),
  }),
  fc.record({
    name: fc.constant('s'),
    type: fc.constant('ssh' as const),
    port: fc.integer({ min: 1, max: 65_535 }),
  }),
  urlArb.map((url): ProbeSpec => ({
    name: 'h',
    type: url.startsWith('https') ? 'https' : 'http',
    url,
    expectStatus: 200,
    bodyContains: null,
  })),
);
const factsArb = fc.record({
  serviceName: fc.oneof(fc.domain(), fc.constant('ns1001.ip-203-0-113.eu')),
  ip: fc.oneof(fc.ipV4(), hostArb),
  reverse: fc.option(fc.oneof(fc.domain(), hostArb), { nil: null }),
});

describe('the loopback guard (simulator endpoint)', () => {
  it('never lets a probe connect outside 127.0.0.0/8', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(probeArb, { minLength: 1, maxLength: 4 }),
        factsArb,
        mapArb,
        async (probes, facts, mapTarget) => {
          const transport = recorder();

          const results = await runProbes(probes, facts, 1000, {
            targets: { simulator: true, mapTarget },
            transport,
            commands: undefined,
            clock: systemClock,
          });

          expect(transport.seen.every((r) => onLoopback(r.host))).toBe(true);
          for (const r of results)
            if (r.reason?.startsWith('refused')) expect(r.outcome).toBe('inconclusive');
        },
      ),
      { numRuns: 300 },
    );
  });

  it('guardedTransport passes on only loopback hosts', async () => {
    await fc.assert(
      fc.asyncProperty(hostArb, portArb, async (host, port) => {
        const inner = recorder();

        await guardedTransport(inner, true)
          .connect({ host, port }, new AbortController().signal)
          .catch(() => undefined);

        expect(inner.seen.length).toBe(onLoopback(host) ? 1 : 0);
      }),
    );
  });

  it.each([
    [{ name: null, host: '127.0.0.1' }, true],
    [{ name: null, host: '127.3.4.5' }, true],
    [{ name: null, host: '[::1]' }, true],
    [{ name: null, host: 'localhost' }, true],
    [{ name: null, host: 'api.example.net' }, false],
    [{ name: 'ovh-eu' as const, host: 'eu.api.ovh.com' }, false],
  ])('the endpoint %j is the simulator: %s', (endpoint, expected) => {
    expect(isSimulatorEndpoint(endpoint)).toBe(expected);
  });
});
