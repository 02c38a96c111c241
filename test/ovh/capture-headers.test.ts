/**
 * The extra headers of response-capture.ts on real HTTPS requests through https.globalAgent (the
 * agent the official client uses): set on the request before it is sent, the wanted response
 * headers read back, and `requestHeadersSent` false whenever they could not be set.
 */
import https from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installResponseCapture, withResponseCapture } from '../../src/ovh/response-capture.js';
import { trustExtraCa } from '../../src/ovh/tls-trust.js';
import { startHttpsServer, type TestServer } from './helpers/https-server.js';

let server: TestServer;

beforeAll(async () => {
  server = await startHttpsServer((req, res) => {
    res.writeHead(200, {
      'content-type': 'application/json',
      'X-Pagination-Elements': '42',
      'X-Other': 'no',
    });
    res.end(JSON.stringify({ mode: req.headers['x-pagination-mode'] ?? null }));
  });
  trustExtraCa(server.cert);
  installResponseCapture();
});

afterAll(async () => {
  await server.close();
});

/** A GET the way the official client sends one (https.request, global agent), with `extra` options. */
function get(extra: https.RequestOptions = {}): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const req = https.request(
      { host: '127.0.0.1', port: server.port, path: '/1.0/dedicated/server', method: 'GET', ...extra },
      (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () => resolve(JSON.parse(body)));
      },
    );
    req.once('error', reject);
    req.end();
  });
}

const headers = {
  request: { 'X-Pagination-Mode': 'CachedObjectList-Pages' },
  response: ['X-Pagination-Elements'],
};

describe('extra headers through the capture', () => {
  it('sets the request headers and reads back only the response headers asked for', async () => {
    const capture = withResponseCapture(() => get(), Date.now, { ...headers, path: '/dedicated/server' });

    const body = await capture.result;

    expect(body).toEqual({ mode: 'CachedObjectList-Pages' });
    expect(capture.exchange()).toMatchObject({
      requestHeadersSent: true,
      responseHeaders: { 'x-pagination-elements': '42' },
    });
  });

  it('leaves alone a request to another path (the client’s own calls)', async () => {
    const capture = withResponseCapture(() => get(), Date.now, { ...headers, path: '/auth/oauth2/token' });

    const body = await capture.result;

    expect(body).toEqual({ mode: null });
    expect(capture.exchange()).toEqual({
      meta: { status: 200 },
      requestHeadersSent: false,
      responseHeaders: {},
    });
  });

  it('says the headers were not sent when the request does not go through the global agent', async () => {
    const capture = withResponseCapture(
      () => get({ agent: new https.Agent({ ca: server.cert }) }),
      Date.now,
      headers,
    );

    const body = await capture.result;

    expect(body).toEqual({ mode: null });
    expect(capture.exchange().requestHeadersSent).toBe(false);
  });

  it('says the headers were not sent when the request had already written its headers', async () => {
    // An `Expect` header makes Node render the headers in the constructor, before the agent sees it.
    const capture = withResponseCapture(
      () => get({ headers: { Expect: '100-continue' } }),
      Date.now,
      headers,
    );

    const body = await capture.result;

    expect(body).toEqual({ mode: null });
    expect(capture.exchange().requestHeadersSent).toBe(false);
  });
});
