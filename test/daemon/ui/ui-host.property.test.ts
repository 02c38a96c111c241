/**
 * Safety rule (DNS rebinding, docs/dashboard.md "Host names"): a request whose Host is not one the
 * dashboard answers never gets dashboard data. Over generated Host values: the listener's answers
 * on a real socket, and the check itself against an independent reading of the header.
 */
import { isIP } from 'node:net';
import { request } from 'node:http';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/core/logger.js';
import { startHttpServer, type HttpListener } from '../../../src/daemon/http-server.js';
import { createDaemonMetrics } from '../../../src/daemon/metrics.js';
import type { DaemonStatus } from '../../../src/daemon/types.js';
import { isAllowedHost, uiHostPolicy } from '../../../src/daemon/ui/ui-host.js';
import { record, spec } from '../../plan/helpers.js';

const ALLOWED = ['fleet.example.com'];
const NAME = 'ns-secret-name.eu';
const STATUS: DaemonStatus = {
  ready: true,
  head: 'a'.repeat(40),
  block: null,
  lastCycle: null,
  lastGoodCycleAt: null,
  tasksInFlight: 0,
  servers: [record(NAME, spec(NAME))],
};

/** The test's own reading of a Host value: lower case, no port, no brackets, no final dot. */
function oracleAllows(host: string, allowed: readonly string[]): boolean {
  const bracketed = /^\[([^\]]*)\](?::\d{1,5})?$/.exec(host);
  if (bracketed) return isIP(bracketed[1]!) === 6;
  const name = host
    .replace(/:\d{1,5}$/, '')
    .toLowerCase()
    .replace(/\.$/, '');
  if (name.includes(':') || name === '') return false;
  return name === 'localhost' || isIP(name) !== 0 || allowed.includes(name);
}

const hostValue = fc.oneof(
  fc.domain(),
  fc.tuple(fc.domain(), fc.integer({ min: 0, max: 65535 })).map(([d, p]) => `${d}:${p}`),
  fc.stringMatching(/^[a-zA-Z0-9.:[\]_-]{0,40}$/),
  fc.constantFrom(
    'localhost.',
    'LocalHost:1',
    '127.0.0.1.nip.io',
    'localhost.evil',
    '[::1]x',
    '::1',
    '0x7f.1',
  ),
);

describe('a Host the dashboard does not answer never gets dashboard data', () => {
  it('the check never allows what the Host does not name (localhost, an IP address, a listed name)', () => {
    const policy = uiHostPolicy({ bound: '127.0.0.1', allowedHosts: ALLOWED, auth: false });
    fc.assert(
      fc.property(hostValue, (host) => {
        if (isAllowedHost(host, policy)) expect(oracleAllows(host, ALLOWED)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  let listener: HttpListener;
  beforeAll(async () => {
    listener = await startHttpServer('127.0.0.1', 0, {
      ready: () => true,
      status: () => STATUS,
      onWebhook: () => undefined,
      webhookSecret: null,
      metrics: createDaemonMetrics(),
      log: createLogger({ level: 'silent' }),
    });
  });
  afterAll(() => listener.close());

  function get(path: string, host: string): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: listener.port, path, headers: { host } }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          body += chunk;
          if (path === '/api/events' && body.includes('\n\n', body.indexOf('data:'))) res.destroy();
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        res.on('close', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', reject);
      req.end();
    });
  }

  it(
    'the open listener on 127.0.0.1 refuses every other name on every dashboard path',
    { timeout: 120_000 },
    async () => {
      await fc.assert(
        fc.asyncProperty(
          // An empty value is replaced by node's client with its own Host.
          hostValue.filter((host) => host !== '' && !oracleAllows(host, [])),
          fc.constantFrom('/', '/api/status', '/api/events', `/api/servers/${NAME}`, '/ui/app.js'),
          async (host, path) => {
            const answer = await get(path, host);
            expect([400, 421]).toContain(answer.status);
            expect(answer.body).not.toContain(NAME);
          },
        ),
        { numRuns: 150 },
      );
    },
  );
});
