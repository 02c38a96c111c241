/**
 * The tcp, ssh and http probes against real listeners on 127.0.0.1, reached through a simulator
 * style mapping from public-looking addresses; what is a failure (the server's fault) and what
 * is inconclusive (ours); redirects never followed; the loopback guard refusing before any I/O.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/core/clock.js';
import type { ProbeSpec } from '../../src/specs/verify-types.js';
import { runProbes, type ProbeEnvironment } from '../../src/verify/run-round.js';
import { identityTarget, type MapTarget } from '../../src/verify/targets.js';
import { netTransport, type ConnectRequest, type ProbeTransport } from '../../src/verify/transport.js';
import type { ServerFacts } from '../../src/verify/verification-state.js';
import { startListeners, type Listeners } from './probe-servers.js';

const FACTS: ServerFacts = {
  serviceName: 'ns1001.ip-203-0-113.eu',
  ip: '203.0.113.10',
  reverse: 'ns1001.example.',
};
const TIMEOUT = 300;
let listeners: Listeners;

beforeAll(async () => {
  listeners = await startListeners();
});
afterAll(async () => {
  await listeners.close();
});

/** Like the simulator's rule: each probed port of the server answers on a 127.0.0.1 listener. */
const mapToListeners: MapTarget = (_serviceName, _address, port) => {
  const byPort: Record<number, number> = {
    22: listeners.ssh,
    2222: listeners.silent,
    7: listeners.tcp,
    9: listeners.closed,
    80: listeners.http,
  };
  return { host: '127.0.0.1', port: byPort[port] ?? listeners.closed };
};

/** netTransport, remembering every connection asked of it. */
function recording(inner: ProbeTransport = netTransport): ProbeTransport & { seen: ConnectRequest[] } {
  const seen: ConnectRequest[] = [];
  return {
    seen,
    connect(request, signal) {
      seen.push(request);
      return inner.connect(request, signal);
    },
  };
}

function env(overrides: Partial<ProbeEnvironment> = {}): ProbeEnvironment {
  return {
    targets: { simulator: true, mapTarget: mapToListeners },
    transport: netTransport,
    commands: undefined,
    clock: systemClock,
    ...overrides,
  };
}

async function probe(spec: ProbeSpec, environment = env(), facts = FACTS) {
  const [result] = await runProbes([spec], facts, TIMEOUT, environment);
  return result!;
}

const http = (
  path: string,
  extra: Partial<{ expectStatus: number; bodyContains: string | null; url: string }> = {},
) =>
  ({
    name: 'web',
    type: 'http',
    url: `http://{reverse}${path}`,
    expectStatus: 200,
    bodyContains: null,
    ...extra,
  }) as const;

describe('tcp and ssh probes', () => {
  it.each<[string, ProbeSpec, string, string | undefined]>([
    ['tcp to a listener', { name: 'p', type: 'tcp', port: 7 }, 'success', undefined],
    ['tcp to a closed port', { name: 'p', type: 'tcp', port: 9 }, 'failure', 'ECONNREFUSED'],
    ['ssh to a banner', { name: 'p', type: 'ssh', port: 22 }, 'success', undefined],
    ['ssh to a server that closes', { name: 'p', type: 'ssh', port: 7 }, 'failure', 'without an SSH banner'],
    [
      'ssh to a server that says nothing',
      { name: 'p', type: 'ssh', port: 2222 },
      'failure',
      'no answer within 0.3s',
    ],
    ['ssh to a closed port', { name: 'p', type: 'ssh', port: 9 }, 'failure', 'ECONNREFUSED'],
  ])('%s', async (_, spec, outcome, reason) => {
    const result = await probe(spec);

    expect(result.outcome).toBe(outcome);
    if (reason) expect(result.reason).toContain(reason);
  });

  it('names the server address in a reason, not the loopback listener', async () => {
    const result = await probe({ name: 'p', type: 'tcp', port: 9 });

    expect(result.reason).toContain('203.0.113.10:9');
  });
});

describe('http probes', () => {
  it('passes on the expected status and body text, with the URL host in the Host header', async () => {
    const before = listeners.hosts.length;

    const result = await probe(http('/health', { bodyContains: 'all ok' }));

    expect(result).toEqual({ probe: 'web', outcome: 'success' });
    expect(listeners.hosts.slice(before)).toEqual(['ns1001.example']);
  });

  it.each([
    ['another status', http('/down'), 'answered 503, not 200'],
    [
      'a body without the text',
      http('/wrong', { bodyContains: 'all ok' }),
      'does not contain the expected text',
    ],
    [
      'the text past the first 64 KiB',
      http('/big', { bodyContains: 'all ok' }),
      'does not contain the expected text',
    ],
    ['a redirect, which is not followed', http('/moved'), 'answered 301, not 200'],
  ])('fails on %s', async (_, spec, reason) => {
    const result = await probe(spec);

    expect(result.outcome).toBe('failure');
    expect(result.reason).toContain(reason);
  });

  it('takes a redirect as a status: it connects to nothing else', async () => {
    const transport = recording();

    const result = await probe(http('/moved', { expectStatus: 301 }), env({ transport }));

    expect(result.outcome).toBe('success');
    expect(transport.seen.map((r) => r.host)).toEqual(['127.0.0.1']);
  });

  it('is inconclusive when the server has no reverse for {reverse}', async () => {
    const result = await probe(http('/health'), env(), { ...FACTS, reverse: null });

    expect(result).toMatchObject({
      outcome: 'inconclusive',
      reason: 'the server has no usable {reverse} for the URL',
    });
  });
});

describe('failure or inconclusive', () => {
  const failing = (code: string): ProbeTransport => ({
    connect: () => Promise.reject(Object.assign(new Error(code), { code })),
  });

  it.each([
    ['ENOTFOUND', 'inconclusive'],
    ['EAI_AGAIN', 'inconclusive'],
    ['EMFILE', 'inconclusive'],
    ['ENETUNREACH', 'inconclusive'],
    ['ECONNREFUSED', 'failure'],
    ['ECONNRESET', 'failure'],
    ['EHOSTUNREACH', 'failure'],
    ['ETIMEDOUT', 'failure'],
  ])('%s is %s', async (code, outcome) => {
    for (const spec of [{ name: 'p', type: 'tcp', port: 7 } as const, http('/health')]) {
      const result = await probe(spec, env({ transport: failing(code) }));

      expect(result.outcome).toBe(outcome);
      expect(result.reason).toContain(code);
    }
  });

  it('a mapping that throws is inconclusive', async () => {
    const mapTarget: MapTarget = () => {
      throw new Error('no listener for ns1001');
    };

    const result = await probe(
      { name: 'p', type: 'ssh', port: 22 },
      env({ targets: { simulator: true, mapTarget } }),
    );

    expect(result).toMatchObject({ outcome: 'inconclusive' });
    expect(result.reason).toContain('no listener for ns1001');
  });
});

describe('the loopback guard', () => {
  it('refuses the server’s own address when the endpoint is the simulator, before any connection', async () => {
    const transport = recording();
    const targets = { simulator: true, mapTarget: identityTarget };

    const results = await runProbes(
      [{ name: 'p', type: 'ssh', port: 22 }, http('/health'), { name: 'q', type: 'tcp', port: 7 }],
      FACTS,
      TIMEOUT,
      env({ transport, targets }),
    );

    expect(results.map((r) => r.outcome)).toEqual(['inconclusive', 'inconclusive', 'inconclusive']);
    expect(results[0]!.reason).toBe(
      'refused 203.0.113.10:22: the OVHcloud endpoint is the simulator, so probes go only to 127.0.0.0/8',
    );
    expect(transport.seen).toEqual([]);
  });

  it('connects where the probe says against the real API (here a loopback address)', async () => {
    const result = await probe(
      { name: 'p', type: 'tcp', port: listeners.tcp },
      env({ targets: { simulator: false, mapTarget: identityTarget } }),
      { ...FACTS, ip: '127.0.0.1' },
    );

    expect(result.outcome).toBe('success');
  });
});
