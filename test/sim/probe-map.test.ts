import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  SIM_PROBE_MAX_SERVERS,
  simProbeHost,
  simProbeProtocol,
  simProbeTarget,
  type SimProbeMap,
} from '../../src/sim/index.js';

const MAP: SimProbeMap = {
  ports: { ssh: 40_001, http: 40_002 },
  servers: [
    {
      serviceName: 'ns5000001.ip-51-75-12.eu',
      ip: '51.75.12.34',
      reverse: 'ns5000001.ip-51-75-12.eu',
      host: '127.1.0.1',
    },
    {
      serviceName: 'ns5000002.ip-51-91-7.eu',
      ip: '51.91.7.8',
      reverse: 'web2.example.org',
      host: '127.1.0.2',
    },
  ],
};

describe('the probe mapping rule', () => {
  it.each([
    [0, '127.1.0.1'],
    [1, '127.1.0.2'],
    [254, '127.1.0.255'],
    [255, '127.1.1.0'],
    [9_999, '127.1.39.16'],
    [65_534, '127.1.255.255'],
    [65_535, '127.2.0.0'],
    [SIM_PROBE_MAX_SERVERS - 1, '127.254.255.255'],
  ])('puts the server at position %i on %s', (index, host) => {
    expect(simProbeHost(index)).toBe(host);
  });

  it('gives every position its own loopback address, never 127.0.0.x (the API and others live there)', () => {
    const position = fc.integer({ min: 0, max: SIM_PROBE_MAX_SERVERS - 1 });
    fc.assert(
      fc.property(position, position, (a, b) => {
        const host = simProbeHost(a);
        const octets = host.split('.').map(Number);

        expect(octets[0]).toBe(127);
        expect(octets[1]).toBeGreaterThanOrEqual(1);
        expect(octets.every((o) => Number.isInteger(o) && o >= 0 && o <= 255)).toBe(true);
        expect(host !== simProbeHost(b)).toBe(a !== b);
      }),
    );
  });

  it('refuses a position with no address', () => {
    expect(() => simProbeHost(-1)).toThrow(RangeError);
    expect(() => simProbeHost(SIM_PROBE_MAX_SERVERS)).toThrow(RangeError);
    expect(() => simProbeHost(1.5)).toThrow(RangeError);
  });

  it.each([
    [22, 'ssh'],
    [80, 'http'],
    [443, 'http'],
    [5432, 'ssh'],
  ] as const)('sends port %i to the %s port', (port, protocol) => {
    expect(simProbeProtocol(port)).toBe(protocol);
  });

  it('resolves a service name, a reported ip or a reverse to the loopback host and port', () => {
    expect(simProbeTarget(MAP, 'NS5000001.ip-51-75-12.eu', 22)).toEqual({
      serviceName: 'ns5000001.ip-51-75-12.eu',
      host: '127.1.0.1',
      port: 40_001,
      protocol: 'ssh',
    });
    expect(simProbeTarget(MAP, '51.91.7.8', 80)).toMatchObject({ host: '127.1.0.2', port: 40_002 });
    expect(simProbeTarget(MAP, 'web2.example.org', 443)).toMatchObject({ host: '127.1.0.2', port: 40_002 });
    expect(simProbeTarget(MAP, '51.91.7.9', 22)).toBeUndefined();
    expect(() => simProbeTarget(MAP, '51.91.7.8', 70_000)).toThrow(RangeError);
  });
});
