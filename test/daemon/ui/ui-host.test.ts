/**
 * The dashboard's Host check (src/daemon/ui/ui-host.ts, docs/dashboard.md "Host names"): the
 * configuration's `ui.allowedHosts`, and the listener's answers for each kind of Host: localhost
 * and IP addresses always, a name only when allowed (or any name with `ui.auth` and no list);
 * the probes, the metrics and the webhook answer whatever the Host.
 */
import { connect } from 'node:net';
import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { parseDaemonConfig } from '../../../src/config/daemon-config.js';
import type { UiAuthSecret } from '../../../src/config/ui-config.js';
import type { FleetError } from '../../../src/core/errors.js';
import { createLogger } from '../../../src/core/logger.js';
import { startHttpServer, type HttpListener } from '../../../src/daemon/http-server.js';
import { createDaemonMetrics } from '../../../src/daemon/metrics.js';
import type { DaemonStatus } from '../../../src/daemon/types.js';
import { record, spec } from '../../plan/helpers.js';

const BASE = 'repository:\n  url: /srv/fleet.git\n';
const FILE = '/etc/ovh-fleet/daemon.yaml';

describe('configuration ui.allowedHosts', () => {
  it('reads host names, lower case without a final dot', () => {
    const config = parseDaemonConfig(
      `${BASE}ui:\n  allowedHosts: [Fleet.Example.com, dash.lan.]\n`,
      {},
      { file: FILE },
    );
    expect(config.ui).toEqual({ auth: null, allowedHosts: ['fleet.example.com', 'dash.lan'] });
  });

  it('names the file, line and field of a bad value', () => {
    const failure = (text: string): FleetError => {
      try {
        parseDaemonConfig(text, {}, { file: FILE });
      } catch (error) {
        return error as FleetError;
      }
      throw new Error('expected a configuration error');
    };
    expect(
      failure(`${BASE}ui:\n  allowedHosts:\n    - fleet.example.com\n    - https://x.example\n`).message,
    ).toBe(
      `${FILE}:6: ui.allowedHosts[1]: must be a host name without port or scheme (e.g. fleet.example.com)`,
    );
    expect(failure(`${BASE}ui:\n  allowedHosts: fleet.example.com\n`).message).toBe(
      `${FILE}:4: ui.allowedHosts: must be a list of host names`,
    );
    expect(failure(`${BASE}ui:\n  allowedHosts: ['fleet:9464']\n`).code).toBe('daemon-config-invalid');
  });
});

let listener: HttpListener | undefined;
afterEach(async () => {
  await listener?.close();
  listener = undefined;
});

const STATUS: DaemonStatus = {
  ready: true,
  head: 'a'.repeat(40),
  block: null,
  lastCycle: null,
  lastGoodCycleAt: null,
  tasksInFlight: 0,
  servers: [record('ns-secret-name.eu', spec('ns-secret-name.eu'))],
};

async function serve(options: { auth?: UiAuthSecret; allowedHosts?: string[] } = {}): Promise<number> {
  listener = await startHttpServer('127.0.0.1', 0, {
    ready: () => true,
    status: () => STATUS,
    onWebhook: () => undefined,
    webhookSecret: null,
    uiAuth: options.auth ?? null,
    uiAllowedHosts: options.allowedHosts ?? null,
    metrics: createDaemonMetrics(),
    log: createLogger({ level: 'silent' }),
  });
  return listener.port;
}

function get(
  port: number,
  path: string,
  host: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: string; csp: string | undefined }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers: { ...headers, host } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, body, csp: String(res.headers['content-security-policy']) }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

describe('the dashboard and the Host header', () => {
  it('answers localhost and IP addresses, refuses another name with 421 and the security headers', async () => {
    const port = await serve();
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, 'LOCALHOST', `[::1]:${port}`, '10.1.2.3'])
      expect((await get(port, '/api/status', host)).status, host).toBe(200);
    for (const host of [
      `fleet.example.com:${port}`,
      'localhost.attacker.example',
      '127.0.0.1.nip.io',
      'bad host',
    ]) {
      const answer = await get(port, '/api/status', host);
      expect(answer.status, host).toBe(421);
      expect(answer.csp).toContain("default-src 'self'");
      expect(answer.body).not.toContain('ns-secret-name.eu');
    }
  });

  it('leaves the probes, the metrics and the webhook alone (no browser reads them across sites)', async () => {
    const port = await serve();
    for (const path of ['/healthz', '/readyz', '/metrics'])
      expect((await get(port, path, 'rebind.attacker.example')).status, path).toBe(200);
    expect((await get(port, '/hooks/git', 'rebind.attacker.example')).status).toBe(405);
  });

  it('answers any name once ui.auth is set (a rebound page has no credential), the credential still needed', async () => {
    const token = 't'.repeat(32);
    const port = await serve({ auth: { type: 'bearer', token } });
    const authorization = `Bearer ${token}`;
    expect((await get(port, '/api/status', 'fleet.example.com', { authorization })).status).toBe(200);
    expect((await get(port, '/api/status', 'fleet.example.com')).status).toBe(401);
  });

  it('answers only the listed names when ui.allowedHosts is set, with or without ui.auth', async () => {
    const token = 't'.repeat(32);
    const authorization = `Bearer ${token}`;
    let port = await serve({ allowedHosts: ['fleet.example.com'] });
    expect((await get(port, '/', 'Fleet.Example.com.:443')).status).toBe(200);
    expect((await get(port, '/', 'other.example.com')).status).toBe(421);
    await listener!.close();
    port = await serve({ auth: { type: 'bearer', token }, allowedHosts: ['fleet.example.com'] });
    expect((await get(port, '/api/status', 'fleet.example.com', { authorization })).status).toBe(200);
    expect((await get(port, '/api/status', 'other.example.com', { authorization })).status).toBe(421);
  });

  it('checks the authority of an absolute-form target, which replaces Host', async () => {
    const port = await serve();
    const line = await new Promise<string>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () =>
        socket.write(
          `GET http://rebind.attacker.example/api/status HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`,
        ),
      );
      let text = '';
      socket.on('data', (d: Buffer) => (text += d.toString('latin1')));
      socket.on('end', () => resolve(text.split('\r\n')[0]!));
      socket.on('error', reject);
    });
    expect(line).toMatch(/^HTTP\/1\.1 421 /);
  });
});
