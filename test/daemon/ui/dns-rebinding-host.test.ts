/**
 * Review 5, defect: the dashboard answers whatever the `Host` header says. docs/dashboard.md
 * promises that without `ui.auth` "the listener binds 127.0.0.1, so only the host sees the
 * dashboard"; but any web page the operator opens can rebind its own name to 127.0.0.1 (DNS
 * rebinding) and then read `/api/status` and `/api/events` as same-origin requests: the whole
 * fleet (server names, OS, errors, task progress, labels) leaves the host. Browsers always send
 * the page's own name as `Host`, so the usual defence is to answer the dashboard's paths only
 * for the Host names the listener is reached by (127.0.0.1, localhost, [::1], the bound
 * address), as Jupyter, webpack-dev-server and Vite do.
 *
 * Expected: with the default open dashboard on 127.0.0.1, `GET /api/status`, `/api/events` and
 * `/` with `Host: rebind.attacker.example:<port>` are refused (403 or 421, the security
 * headers, no fleet data); the same requests with `Host: 127.0.0.1:<port>` or `localhost` work.
 */
import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
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
  servers: [record('ns-secret-name.eu', spec('ns-secret-name.eu'))],
};

/** One GET with a chosen Host header; the status and the first bytes of the body. */
function get(port: number, path: string, host: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers: { host } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
        // The event stream never ends: its first event is enough.
        if (path === '/api/events' && body.includes('\n\n', body.indexOf('data:'))) res.destroy();
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('close', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('the open dashboard on 127.0.0.1 and a foreign Host header (DNS rebinding)', () => {
  for (const path of ['/api/status', '/api/events', '/']) {
    it(`refuses GET ${path} for Host rebind.attacker.example`, { timeout: 30_000 }, async () => {
      listener = await startHttpServer('127.0.0.1', 0, {
        ready: () => true,
        status: () => STATUS,
        onWebhook: () => undefined,
        webhookSecret: null,
        metrics: createDaemonMetrics(),
        log: createLogger({ level: 'silent' }),
      });
      const own = await get(listener.port, path, `127.0.0.1:${listener.port}`);
      expect(own.status).toBe(200);
      const foreign = await get(listener.port, path, `rebind.attacker.example:${listener.port}`);
      expect([403, 421]).toContain(foreign.status);
      expect(foreign.body).not.toContain('ns-secret-name.eu');
    });
  }
});
