import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/core/logger.js';
import { startHttpServer, type HttpListener } from '../../src/daemon/http-server.js';
import { createDaemonMetrics } from '../../src/daemon/metrics.js';
import type { DaemonStatus } from '../../src/daemon/types.js';
import { record, spec } from '../plan/helpers.js';

let listener: HttpListener | undefined;
afterEach(async () => {
  await listener?.close();
  listener = undefined;
});

async function serve(status: DaemonStatus): Promise<string> {
  listener = await startHttpServer('127.0.0.1', 0, {
    ready: () => true,
    status: () => status,
    onWebhook: () => undefined,
    webhookSecret: null,
    metrics: createDaemonMetrics(),
    log: createLogger({ level: 'silent' }),
  });
  return `http://127.0.0.1:${listener.port}`;
}

function statusWith(servers: number): DaemonStatus {
  return {
    ready: true,
    head: 'a'.repeat(40),
    block: null,
    lastCycle: null,
    lastGoodCycleAt: '2026-11-27T10:00:00.000Z',
    tasksInFlight: 0,
    servers: Array.from({ length: servers }, (_, i) => record(`ns${i}.eu`, spec(`ns${i}.eu`))),
  };
}

describe('GET /api/status', () => {
  it.each([0, 1, 5_000])(
    'streams exactly JSON.stringify(status) and a new line (%i servers)',
    async (servers) => {
      const status = statusWith(servers);
      const base = await serve(status);

      const response = await fetch(`${base}/api/status`);

      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('application/json');
      expect(await response.text()).toBe(`${JSON.stringify(status)}\n`);
    },
  );
});
