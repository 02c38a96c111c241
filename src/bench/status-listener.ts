/**
 * The daemon's real HTTP listener serving a made-up status, as the dashboard bench and the
 * browser tests (test/daemon/ui/browser-harness.ts) start it: on 127.0.0.1, any free port, no
 * webhook secret, a silent logger and fresh metrics. `handlers` adds or replaces handlers (the
 * live event hub, server details).
 */
import { createLogger } from '../core/logger.js';
import { startHttpServer, type HttpHandlers, type HttpListener } from '../daemon/http-server.js';
import { createDaemonMetrics } from '../daemon/metrics.js';
import type { DaemonStatus } from '../daemon/types.js';

export async function startStatusListener(
  status: () => DaemonStatus,
  handlers: Partial<HttpHandlers> = {},
): Promise<HttpListener> {
  return startHttpServer('127.0.0.1', 0, {
    ready: () => true,
    status,
    onWebhook: () => undefined,
    webhookSecret: null,
    metrics: createDaemonMetrics(),
    log: createLogger({ level: 'silent' }),
    ...handlers,
  });
}
