/**
 * response-capture.ts reads the status, Retry-After and X-Ovh-QueryID of a real HTTP response
 * (a server on 127.0.0.1:0), and measures a Retry-After date against the caller's clock.
 */
import { request, createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { installResponseCapture, withResponseCapture } from '../../src/ovh/response-capture.js';

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

/** A server that answers every request with 429 and the given headers. */
async function listen(headers: Record<string, string>): Promise<number> {
  const server = createServer((_req, res) => {
    res.writeHead(429, headers);
    res.end('{"message":"slow down"}');
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

function get(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/1.0/dedicated/server', agent: false }, (res) => {
      res.resume();
      res.once('end', () => resolve(res.statusCode ?? 0));
    });
    req.once('error', reject);
    req.end();
  });
}

describe('response capture', () => {
  it('measures a Retry-After date from the injected clock', async () => {
    installResponseCapture();
    const port = await listen({ 'retry-after': 'Thu, 02 Jan 2031 03:05:00 GMT', 'x-ovh-queryid': 'EU.q1' });
    const now = Date.UTC(2031, 0, 2, 3, 4, 30);

    const capture = withResponseCapture(
      () => get(port),
      () => now,
    );
    const status = await capture.result;

    expect(status).toBe(429);
    expect(capture.meta()).toEqual({ status: 429, retryAfterMs: 30_000, queryId: 'EU.q1' });
  });

  it('reads a Retry-After in seconds as it is', async () => {
    installResponseCapture();
    const port = await listen({ 'retry-after': '7' });

    const capture = withResponseCapture(
      () => get(port),
      () => 0,
    );
    await capture.result;

    expect(capture.meta()).toEqual({ status: 429, retryAfterMs: 7_000 });
  });
});
