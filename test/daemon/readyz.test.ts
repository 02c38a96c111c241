import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/core/logger.js';
import { startHttpServer, type HttpListener } from '../../src/daemon/http-server.js';
import { createDaemonMetrics } from '../../src/daemon/metrics.js';
import { isReady, NOTHING_WAITS, type WhatNext } from '../../src/daemon/retry-schedule.js';
import type { DaemonStatus } from '../../src/daemon/types.js';

const NOW = Date.UTC(2026, 10, 27, 12);
const INTERVAL = 120_000;

let listener: HttpListener | undefined;
afterEach(async () => {
  await listener?.close();
  listener = undefined;
});

/** GET /readyz of a listener whose daemon is in `state`, its last good cycle a minute ago. */
async function readyz(state: WhatNext): Promise<{ status: number; body: unknown }> {
  listener = await startHttpServer('127.0.0.1', 0, {
    ready: () => isReady(state, NOW - 60_000, NOW, INTERVAL),
    whatNext: () => state,
    status: () => ({}) as DaemonStatus,
    onWebhook: () => undefined,
    webhookSecret: null,
    metrics: createDaemonMetrics(),
    log: createLogger({ level: 'silent' }),
  });
  const res = await fetch(`http://127.0.0.1:${listener.port}/readyz`);
  return { status: res.status, body: await res.json() };
}

const failing = (next: WhatNext['next'], code: string): WhatNext => ({
  next,
  code,
  message: `${code} happened`,
  failures: 2,
  head: 'a'.repeat(40),
  since: NOW - 30_000,
});

describe('GET /readyz', () => {
  it('is ready with no warning when nothing waits', async () => {
    expect(await readyz(NOTHING_WAITS)).toEqual({ status: 200, body: { status: 'ready' } });
  });

  it('is not ready while an operator is awaited, and names the class and the code', async () => {
    const answer = await readyz(failing('operator', 'api-auth-invalid-credential'));

    expect(answer).toEqual({
      status: 503,
      body: {
        status: 'not ready',
        waiting: {
          next: 'operator',
          code: 'api-auth-invalid-credential',
          message: 'api-auth-invalid-credential happened',
          since: new Date(NOW - 30_000).toISOString(),
          failures: 2,
        },
      },
    });
  });

  it.each([
    ['wait-for-commit', 'symlink-refused'],
    ['retry', 'api-unavailable'],
  ] as const)('stays ready with a warning while the class is %s', async (next, code) => {
    const answer = await readyz(failing(next, code));

    expect(answer).toMatchObject({ status: 200, body: { status: 'ready', warning: { next, code } } });
  });
});
