/**
 * Review 5, defect: a request target the WHATWG URL parser rejects (`GET //`, `GET //:`) makes
 * the listener answer 500 "internal error" and log at error level ("http handler failed"):
 * http-server.ts parses `req.url` with `new URL(req.url, 'http://localhost')` outside any guard.
 * Anyone who can reach the port (no credential needed: this happens before the dashboard's
 * authentication) can fill the daemon's error log and its alerting with fake internal errors,
 * one line per request.
 *
 * Expected: a malformed target is the client's fault: 400 (or 404), and no error-level log line.
 */
import { connect } from 'node:net';
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

const STATUS: DaemonStatus = {
  ready: true,
  head: null,
  block: null,
  lastCycle: null,
  lastGoodCycleAt: null,
  tasksInFlight: 0,
  servers: [],
};

/** Sends one raw request (the target as is) and returns the status line. */
function statusLine(port: number, target: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () =>
      socket.write(`GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`),
    );
    let text = '';
    socket.on('data', (d: Buffer) => (text += d.toString('latin1')));
    socket.on('end', () => resolve(text.split('\r\n')[0]!));
    socket.on('error', reject);
  });
}

describe('a malformed request target', () => {
  for (const target of ['//', '//:']) {
    it(`GET ${target} is a client error, not an internal one`, async () => {
      const errors: unknown[] = [];
      const log = createLogger({ level: 'silent' });
      const spy = new Proxy(log, {
        get(target_, key, receiver) {
          if (key === 'error') return (...args: unknown[]) => errors.push(args);
          return Reflect.get(target_, key, receiver) as unknown;
        },
      });
      listener = await startHttpServer('127.0.0.1', 0, {
        ready: () => true,
        status: () => STATUS,
        onWebhook: () => undefined,
        webhookSecret: null,
        uiAuth: { type: 'bearer', token: 't'.repeat(32) },
        metrics: createDaemonMetrics(),
        log: spy,
      });
      const line = await statusLine(listener.port, target);
      expect(line).toMatch(/^HTTP\/1\.1 4\d\d /);
      expect(errors).toEqual([]);
    });
  }
});
