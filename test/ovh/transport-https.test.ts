/**
 * The transport's error translation against a REAL official client over real HTTPS
 * (127.0.0.1:0, self-signed certificate trusted through tls-trust.ts).
 */
import createOvhClient from '@ovhcloud/node-ovh';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/core/clock.js';
import { OvhApiError } from '../../src/ovh/errors.js';
import { NodeOvhTransport } from '../../src/ovh/node-ovh-transport.js';
import { ovhPath } from '../../src/ovh/path.js';
import { installResponseCapture } from '../../src/ovh/response-capture.js';
import { trustExtraCa } from '../../src/ovh/tls-trust.js';
import type { TransportRequest } from '../../src/ovh/transport.js';
import { sendJson, startHttpsServer, type TestServer } from './helpers/https-server.js';

let server: TestServer;
let transport: NodeOvhTransport;
let timeRequests = 0;
let refuseTimestampOnce = false;

beforeAll(async () => {
  server = await startHttpsServer((req, res) => {
    const path = (req.url ?? '').replace(/^\/1\.0/, '').split('?')[0];
    if (path === '/auth/time') {
      timeRequests++;
      return sendJson(res, 200, Math.floor(Date.now() / 1000));
    }
    if (path === '/missing')
      return sendJson(res, 404, { message: 'The requested object (serviceName = x) does not exist' });
    if (path === '/html') {
      res.writeHead(502, { 'content-type': 'text/html' });
      return res.end('<html><body>Bad gateway</body></html>');
    }
    if (path === '/reset') return req.socket.destroy();
    if (path === '/hang') return;
    if (path === '/empty') {
      res.writeHead(204);
      return res.end();
    }
    if (path === '/limited')
      return sendJson(
        res,
        429,
        { message: 'Too many requests' },
        { 'retry-after': '7', 'x-ovh-queryid': 'EU.ext-1.abc' },
      );
    if (path === '/stale' && refuseTimestampOnce) {
      refuseTimestampOnce = false;
      return sendJson(res, 400, { errorCode: 'QUERY_TIME_OUT', message: 'Query out of time' });
    }
    return sendJson(res, 200, { ok: true });
  });
  trustExtraCa(server.cert);
  installResponseCapture();
  const client = createOvhClient({
    host: '127.0.0.1',
    port: server.port,
    basePath: '/1.0',
    appKey: 'ak',
    appSecret: 'as',
    consumerKey: 'ck',
    timeout: 300,
  });
  transport = new NodeOvhTransport(client, systemClock, { deadlineMs: 5_000, idleTimeoutMs: 300 });
});

afterAll(async () => {
  await server.close();
});

async function failure(request: TransportRequest): Promise<OvhApiError> {
  const error = await transport.request(request).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(OvhApiError);
  return error as OvhApiError;
}

describe('NodeOvhTransport over real HTTPS', () => {
  it.each([
    {
      name: '404 JSON',
      method: 'GET',
      path: '/missing',
      code: 'api-not-found',
      disposition: 'not-found',
      status: 404,
      ambiguous: false,
    },
    {
      name: '502 HTML',
      method: 'GET',
      path: '/html',
      code: 'api-unparseable-answer',
      disposition: 'transient',
      status: 502,
      ambiguous: false,
    },
    {
      name: 'reset on GET',
      method: 'GET',
      path: '/reset',
      code: 'api-network',
      disposition: 'transient',
      status: undefined,
      ambiguous: false,
    },
    {
      name: 'reset on POST',
      method: 'POST',
      path: '/reset',
      code: 'api-network',
      disposition: 'transient',
      status: undefined,
      ambiguous: true,
    },
    {
      name: 'no answer on GET',
      method: 'GET',
      path: '/hang',
      code: 'api-timeout',
      disposition: 'transient',
      status: undefined,
      ambiguous: false,
    },
    {
      name: 'no answer on POST',
      method: 'POST',
      path: '/hang',
      code: 'api-timeout',
      disposition: 'transient',
      status: undefined,
      ambiguous: true,
    },
    {
      name: '502 HTML on POST',
      method: 'POST',
      path: '/html',
      code: 'api-unparseable-answer',
      disposition: 'transient',
      status: 502,
      ambiguous: true,
    },
  ] as const)('$name -> $code', async ({ method, path, code, disposition, status, ambiguous }) => {
    const error = await failure({ method, path, ...(method === 'POST' ? { body: { a: 1 } } : {}) });

    expect(error).toMatchObject({ code, disposition, ambiguous, method });
    expect(error.status).toBe(status);
  });

  it('reads Retry-After and X-Ovh-QueryID of a 429, which the client itself discards', async () => {
    const error = await failure({ method: 'GET', path: '/limited' });

    expect(error).toMatchObject({
      code: 'api-rate-limited',
      disposition: 'waiting',
      status: 429,
      retryAfterMs: 7000,
    });
    expect(error.message).toContain('EU.ext-1.abc');
  });

  it('resolves a 204 to null', async () => {
    await expect(transport.request({ method: 'GET', path: '/empty' })).resolves.toBeNull();
  });

  it('encodes path parameters, sends GET query parameters and leaves the body untouched', async () => {
    const body = { operatingSystem: 'debian12_64', customizations: { hostname: 'h' }, nothing: null };
    const before = structuredClone(body);

    await transport.request({
      method: 'GET',
      path: ovhPath`/dedicated/server/${'a/b?c'}/task`,
      query: { function: 'reinstallServer', status: 'todo', skip: undefined },
    });
    await transport.request({ method: 'POST', path: ovhPath`/dedicated/server/${'ns1.eu'}/reinstall`, body });

    const [get, post] = server.seen.slice(-2);
    expect(get?.url).toBe('/1.0/dedicated/server/a%2Fb%3Fc/task?function=reinstallServer&status=todo');
    expect(post?.url).toBe('/1.0/dedicated/server/ns1.eu/reinstall');
    expect(JSON.parse(post?.body ?? '')).toEqual({
      operatingSystem: 'debian12_64',
      customizations: { hostname: 'h' },
    });
    expect(body).toEqual(before);
  });

  it('resets the cached API time and retries once when the timestamp is refused', async () => {
    const timeCallsBefore = timeRequests;
    refuseTimestampOnce = true;

    const answer = await transport.request({ method: 'GET', path: '/stale' });

    expect(answer).toEqual({ ok: true });
    expect(timeRequests).toBe(timeCallsBefore + 1);
  });

  it('does not let the client pile timeout listeners on keep-alive sockets', async () => {
    const warnings: string[] = [];
    const onWarning = (w: Error): void => {
      warnings.push(w.name);
    };
    process.on('warning', onWarning);

    for (let i = 0; i < 25; i++) await transport.request({ method: 'GET', path: '/ok' });
    await new Promise((resolve) => setImmediate(resolve));
    process.off('warning', onWarning);

    expect(warnings).not.toContain('MaxListenersExceededWarning');
  });

  it('refuses a path the client would send unsigned', async () => {
    const error = await failure({ method: 'GET', path: ovhPath`/dedicated/server/${'authority.example'}` });

    expect(error.code).toBe('api-unsafe-path');
    expect(server.seen.some((s) => s.url.includes('authority'))).toBe(false);
  });
});
