/**
 * Review 5, defect: a dashboard path whose handler fails answers 500 WITHOUT the dashboard's
 * security headers. docs/dashboard.md ("Security headers"): "Every response of `/`, `/ui/*`,
 * `/api/status` and `/api/events` (errors included) carries" the CSP, nosniff, DENY... The
 * listener's catch-all (http-server.ts `send(res, 500, ...)`) writes a bare JSON 500.
 *
 * Expected: when `status()` throws, `GET /` and `GET /api/status` answer 500 with the security
 * headers (as sendUiError does for 401/404/405/503).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/core/logger.js';
import { startHttpServer, type HttpListener } from '../../../src/daemon/http-server.js';
import { createDaemonMetrics } from '../../../src/daemon/metrics.js';
import type { DaemonStatus } from '../../../src/daemon/types.js';

let listener: HttpListener | undefined;
afterEach(async () => {
  await listener?.close();
  listener = undefined;
});

async function serve(): Promise<string> {
  listener = await startHttpServer('127.0.0.1', 0, {
    ready: () => true,
    status: (): DaemonStatus => {
      throw new Error('status is broken');
    },
    onWebhook: () => undefined,
    webhookSecret: null,
    metrics: createDaemonMetrics(),
    log: createLogger({ level: 'silent' }),
  });
  return `http://127.0.0.1:${listener.port}`;
}

describe('a failing dashboard answer keeps the security headers', () => {
  for (const path of ['/', '/api/status']) {
    it(`GET ${path} answers 500 with the CSP, nosniff and frame denial`, async () => {
      const base = await serve();
      const response = await fetch(`${base}${path}`);
      await response.text();
      expect(response.status).toBe(500);
      expect(response.headers.get('content-security-policy')).toContain("default-src 'self'");
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('x-frame-options')).toBe('DENY');
    });
  }
});
