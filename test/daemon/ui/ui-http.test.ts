import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { UiAuthSecret } from '../../../src/config/ui-config.js';
import { createLogger } from '../../../src/core/logger.js';
import { startHttpServer, type HttpListener } from '../../../src/daemon/http-server.js';
import { createDaemonMetrics } from '../../../src/daemon/metrics.js';
import type { DaemonStatus } from '../../../src/daemon/types.js';
import { record, spec } from '../../plan/helpers.js';

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
  servers: [record('ns1.eu', spec('ns1.eu')), record('<b>ns2</b>.eu', spec('ns2.eu'))],
};

async function serve(uiAuth: UiAuthSecret | null = null): Promise<string> {
  listener = await startHttpServer('127.0.0.1', 0, {
    ready: () => true,
    status: () => STATUS,
    onWebhook: () => undefined,
    webhookSecret: null,
    uiAuth,
    metrics: createDaemonMetrics(),
    log: createLogger({ level: 'silent' }),
  });
  return `http://127.0.0.1:${listener.port}`;
}

function expectStrictHeaders(response: Response): void {
  const csp = response.headers.get('content-security-policy') ?? '';
  expect(csp).toContain("default-src 'self'");
  expect(csp).toContain("script-src 'self'");
  expect(csp).toContain("frame-ancestors 'none'");
  expect(csp).not.toContain('unsafe-inline');
  expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  expect(response.headers.get('x-frame-options')).toBe('DENY');
  expect(response.headers.get('referrer-policy')).toBe('no-referrer');
}

describe('the dashboard on the daemon listener', () => {
  it('serves the page, with the summary rendered in and no inline script', async () => {
    const base = await serve();
    const response = await fetch(`${base}/`);
    const html = await response.text();

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expectStrictHeaders(response);
    expect(html).toContain('2 servers');
    expect(html).toContain('<script type="module" src="/ui/app.js"></script>');
    // The stream's reader first (it opens /api/events at once), then every other module preloaded.
    expect(html).toContain('<script type="module" async src="/ui/stream.js"></script>');
    expect(html.indexOf('<script type="module" async src="/ui/stream.js"></script>')).toBeLessThan(
      html.indexOf('/ui/app.css'),
    );
    for (const module of ['app.js', 'dom.js', 'fleet.js', 'store.js'])
      expect(html).toContain(`<link rel="modulepreload" href="/ui/${module}">`);
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(html).not.toMatch(/\sstyle=|<style/);
  });

  it('serves the static files of the package ui/ folder with an ETag, and nothing else', async () => {
    const base = await serve();
    const js = await fetch(`${base}/ui/app.js`);
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expectStrictHeaders(js);
    const etag = js.headers.get('etag');
    expect(etag).toMatch(/^"[\w-]+"$/);
    expect((await fetch(`${base}/ui/app.js`, { headers: { 'if-none-match': etag! } })).status).toBe(304);
    expect((await fetch(`${base}/ui/app.css`)).headers.get('content-type')).toBe('text/css; charset=utf-8');

    // (`/ui/%2e%2e/x` is normalised by the client to `/x`, outside the dashboard: 404 too.)
    expect((await fetch(`${base}/ui/%2e%2e/package.json`)).status).toBe(404);
    for (const bad of ['/ui/missing.js', '/ui/..%2Fpackage.json', '/ui/', '/ui/App.js', '/ui/a/app.js']) {
      const response = await fetch(`${base}${bad}`);
      expect(response.status, bad).toBe(404);
      expectStrictHeaders(response);
    }
  });

  it('is read-only: every method but GET and HEAD is refused', async () => {
    const base = await serve();
    for (const path of ['/', '/ui/app.js', '/api/status', '/api/events'])
      for (const method of ['POST', 'PUT', 'DELETE', 'PATCH']) {
        const response = await fetch(`${base}${path}`, { method });
        expect(response.status, `${method} ${path}`).toBe(405);
        expect(response.headers.get('allow')).toBe('GET, HEAD');
      }
  });

  it('adds the headers to /api/status without changing its body', async () => {
    const base = await serve();
    const response = await fetch(`${base}/api/status`);
    expectStrictHeaders(response);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(await response.text()).toBe(`${JSON.stringify(STATUS)}\n`);
  });

  it('with bearer auth: the dashboard needs the token, /healthz and /readyz stay open', async () => {
    const token = 'a-dashboard-token-of-length';
    const base = await serve({ type: 'bearer', token });
    for (const path of ['/', '/ui/app.js', '/api/status', '/api/events']) {
      const refused = await fetch(`${base}${path}`, { headers: { authorization: 'Bearer wrong' } });
      expect(refused.status, path).toBe(401);
      expect(refused.headers.get('www-authenticate')).toBe('Bearer realm="ovh-fleet"');
      expectStrictHeaders(refused);
      expect((await fetch(`${base}${path}`)).status, path).toBe(401);
    }
    for (const path of ['/', '/ui/app.js', '/api/status'])
      expect((await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(
        200,
      );
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
  });

  it('with basic auth: a listed user with the right password passes', async () => {
    const digest = createHash('sha256').update('correct horse battery').digest();
    const base = await serve({ type: 'basic', users: new Map([['ann', digest]]) });
    const as = (user: string, password: string): RequestInit => ({
      headers: { authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` },
    });
    expect((await fetch(`${base}/`, as('ann', 'correct horse battery'))).status).toBe(200);
    const refused = await fetch(`${base}/`, as('ann', 'wrong'));
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toBe('Basic realm="ovh-fleet", charset="UTF-8"');
    expect((await fetch(`${base}/`, as('bob', 'correct horse battery'))).status).toBe(401);
  });
});
