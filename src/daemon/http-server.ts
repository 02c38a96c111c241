/**
 * The daemon's HTTP listener (node:http): /healthz (alive, cheap), /readyz (a cycle succeeded
 * within 3 schedule intervals and no operator is awaited; the body names what the daemon waits
 * for), /metrics (Prometheus), /api/status (JSON) and POST /hooks/git
 * (answers 202 at once and triggers a cycle afterwards), and the read-only dashboard (`/`,
 * `/ui/*`, `/api/events`, `/api/servers/<name>`: src/daemon/ui/, docs/dashboard.md), which shares /api/status, its
 * Host check (ui-host.ts), its optional authentication and its security headers. Bodies are capped; nothing here calls git or
 * the API (a server's history is read by the handler the daemon gives).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { configError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { DaemonMetrics } from './metrics.js';
import type { WhatNext } from './retry-schedule.js';
import type { DaemonStatus } from './types.js';
import { DeliveryMemory, verifyWebhook } from './webhook.js';
import { parseRequestTarget } from './request-target.js';
import type { UiAuthSecret } from '../config/ui-config.js';
import { challengeOf, isAuthorized } from './ui/ui-auth.js';
import { UiAssets } from './ui/ui-assets.js';
import { LiveEvents } from './ui/live-events.js';
import { UI_SECURITY_HEADERS } from './ui/ui-headers.js';
import { isAllowedHost, uiHostPolicy, type UiHostPolicy } from './ui/ui-host.js';
import { isUiPath, sendUiError, serveUi } from './ui/ui-routes.js';
import { SERVER_DETAIL_PREFIX, sendServerDetail, type ServerDetailAnswer } from './ui/server-detail.js';

/** Largest webhook body accepted (GitHub push payloads are far smaller in practice). */
export const MAX_WEBHOOK_BYTES = 1024 * 1024;

/** What the listener asks of the daemon. */
export interface HttpHandlers {
  ready(): boolean;
  /** What the daemon waits for after its last cycle, shown by /readyz (absent: nothing known). */
  whatNext?(): WhatNext;
  status(): DaemonStatus;
  /** A verified delivery arrived: run a cycle (after the answer is sent). */
  onWebhook(source: 'github' | 'gitlab'): void;
  webhookSecret: string | null;
  metrics: DaemonMetrics;
  log: Logger;
  /** The dashboard's authentication (configuration `ui.auth`); null or absent: open. */
  uiAuth?: UiAuthSecret | null;
  /** The Host names the dashboard answers (configuration `ui.allowedHosts`, ui-host.ts); null or absent: the default. */
  uiAllowedHosts?: readonly string[] | null;
  /** Where the dashboard's static files are read (default the package's `ui/` folder). */
  uiAssets?: UiAssets;
  /** The event stream's hub (default one over `status`, which only a new client updates). */
  events?: LiveEvents;
  /** `/api/servers/<name>` (server-detail.ts); absent: that route answers 503. */
  serverDetail?(segment: string): Promise<ServerDetailAnswer>;
}

/** A listening server and its address. */
export interface HttpListener {
  server: Server;
  host: string;
  port: number;
  close(): Promise<void>;
}

/** Listens on host:port (0: any free port). Throws FleetError daemon-listen-failed. */
export async function startHttpServer(host: string, port: number, h: HttpHandlers): Promise<HttpListener> {
  const deliveries = new DeliveryMemory(1000);
  const assets = h.uiAssets ?? new UiAssets();
  const events = h.events ?? new LiveEvents({ status: h.status });
  const hosts = uiHostPolicy({
    bound: host,
    allowedHosts: h.uiAllowedHosts ?? null,
    auth: (h.uiAuth ?? null) !== null,
  });
  const server = createServer((req, res) => {
    handle(req, res, h, { deliveries, assets, events, hosts }).catch((error: unknown) => {
      h.log.error({ err: error, url: req.url }, 'http handler failed');
      failed(req, res);
    });
  });
  server.keepAliveTimeout = 5_000;
  server.requestTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        configError(
          'daemon-listen-failed',
          `cannot listen on ${host}:${port}: ${error.code ?? error.message}`,
        ),
      ),
    );
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  return {
    server,
    host,
    port: address.port,
    close: () =>
      new Promise<void>((resolve) => {
        events.close();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/**
 * The answer of a handler that threw: a 500 that says nothing internal, with the dashboard's
 * security headers on its paths; a response already started is cut (a client sees it incomplete
 * and an event stream reconnects) rather than left open.
 */
function failed(req: IncomingMessage, res: ServerResponse): void {
  if (res.headersSent) {
    if (!res.writableEnded) res.destroy();
    return;
  }
  if (isUiPath(parseRequestTarget(req.url)?.pathname ?? '')) sendUiError(res, 500, 'internal error');
  else send(res, 500, { error: 'internal error' });
}

/** What the listener holds besides the daemon's handlers. */
interface ListenerParts {
  deliveries: DeliveryMemory;
  assets: UiAssets;
  events: LiveEvents;
  hosts: UiHostPolicy;
}

async function handle(
  req: IncomingMessage,
  res: ServerResponse,
  h: HttpHandlers,
  parts: ListenerParts,
): Promise<void> {
  const target = parseRequestTarget(req.url);
  if (target === null) {
    // Client garbage (`GET //:`, `OPTIONS *`): not an internal error, and not worth a warning.
    h.log.debug({ url: req.url }, 'malformed request target');
    return sendUiError(res, 400, 'bad request target');
  }
  const method = req.method ?? 'GET';
  if (isUiPath(target.pathname)) {
    // Before anything else, authentication included: a rebound page learns nothing but the refusal.
    if (!isAllowedHost(target.authority ?? req.headers.host, parts.hosts)) {
      h.log.debug({ host: target.authority ?? req.headers.host }, 'dashboard request for a Host not allowed');
      return sendUiError(res, 421, 'this Host is not one the dashboard answers (ui.allowedHosts)');
    }
    return handleUi(req, res, target.pathname, h, parts.assets, parts.events);
  }
  switch (target.pathname) {
    case '/healthz':
      return send(res, 200, { status: 'ok' });
    case '/readyz':
      return sendReadiness(res, h);
    case '/metrics': {
      const text = await h.metrics.registry.metrics();
      res.writeHead(200, { 'content-type': h.metrics.registry.contentType });
      res.end(text);
      return;
    }
    case '/hooks/git':
      if (method !== 'POST') return send(res, 405, { error: 'POST only' }, { allow: 'POST' });
      return hook(req, res, h, parts.deliveries);
    default:
      return send(res, 404, { error: 'not found' });
  }
}

/** The dashboard's paths: read-only, authenticated when configured, with its security headers. */
async function handleUi(
  req: IncomingMessage,
  res: ServerResponse,
  pathname: string,
  h: HttpHandlers,
  assets: UiAssets,
  events: LiveEvents,
): Promise<void> {
  const method = req.method ?? 'GET';
  if (method !== 'GET' && method !== 'HEAD')
    return sendUiError(res, 405, 'read-only', { allow: 'GET, HEAD' });
  const auth = h.uiAuth ?? null;
  if (auth !== null && !isAuthorized(req.headers, auth))
    return sendUiError(res, 401, 'unauthorized', { 'www-authenticate': challengeOf(auth) });
  if (pathname === '/api/status') return sendStatus(res, h.status(), UI_SECURITY_HEADERS);
  if (pathname === '/api/events') return events.attach(req, res);
  if (pathname.startsWith(SERVER_DETAIL_PREFIX)) {
    const segment = pathname.slice(SERVER_DETAIL_PREFIX.length);
    const answer = h.serverDetail
      ? await h.serverDetail(segment)
      : ({ code: 503, error: 'server details are not served here' } as const);
    return sendServerDetail(res, answer, method === 'HEAD');
  }
  if (await serveUi(req, res, pathname, h.status, assets)) return;
  return sendUiError(res, 404, 'not found');
}

/**
 * /readyz: 200 `ready` or 503 `not ready`; while a failed cycle's class is not `none`, the body
 * names it (`next`, `code`, `message`, `since`, `failures`): the reason of a 503, a warning of a 200.
 */
function sendReadiness(res: ServerResponse, h: HttpHandlers): void {
  const state = h.whatNext?.();
  const waiting =
    state && state.next !== 'none'
      ? {
          next: state.next,
          code: state.code,
          message: state.message,
          since: state.since === null ? null : new Date(state.since).toISOString(),
          failures: state.failures,
        }
      : null;
  if (!h.ready()) return send(res, 503, { status: 'not ready', ...(waiting ? { waiting } : {}) });
  return send(res, 200, { status: 'ready', ...(waiting ? { warning: waiting } : {}) });
}

async function hook(
  req: IncomingMessage,
  res: ServerResponse,
  h: HttpHandlers,
  deliveries: DeliveryMemory,
): Promise<void> {
  const count = (source: string, result: string): void => h.metrics.webhookDeliveries.inc({ source, result });
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/json') {
    count('unknown', 'rejected');
    req.resume();
    return send(res, 415, { error: 'Content-Type must be application/json' });
  }
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > MAX_WEBHOOK_BYTES) {
    count('unknown', 'rejected');
    return send(res, 413, { error: `body larger than ${MAX_WEBHOOK_BYTES} bytes` }, { connection: 'close' });
  }
  const body = await readBody(req);
  if (body === null) {
    count('unknown', 'rejected');
    return send(res, 413, { error: `body larger than ${MAX_WEBHOOK_BYTES} bytes` }, { connection: 'close' });
  }
  const verdict = verifyWebhook(req.headers, body, h.webhookSecret);
  if (!verdict.ok) {
    count(verdict.source, 'unauthorized');
    h.log.warn({ source: verdict.source, why: verdict.why }, 'webhook refused');
    return send(res, 401, { error: 'unauthorized' });
  }
  const delivery = req.headers['x-github-delivery'];
  if (typeof delivery === 'string' && delivery !== '' && deliveries.seenBefore(delivery)) {
    count(verdict.source, 'duplicate');
    return send(res, 200, { status: 'duplicate delivery ignored' });
  }
  if (req.headers['x-github-event'] === 'ping') {
    count(verdict.source, 'accepted');
    return send(res, 200, { status: 'pong' });
  }
  count(verdict.source, 'accepted');
  send(res, 202, { status: 'accepted: a cycle will run' });
  // After the answer: GitHub counts slow answers as failures and does not retry.
  setImmediate(() => h.onWebhook(verdict.source));
}

/** The raw body, or null when it exceeds the limit (the rest is discarded). */
function readBody(req: IncomingMessage): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_WEBHOOK_BYTES) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(tooLarge ? null : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Records per write of /api/status. */
const RECORDS_PER_WRITE = 200;

/**
 * /api/status, written record by record with backpressure: the body of a 10,000-server fleet is
 * ~12 MB, and building it as one string (then one buffer) would be the daemon's memory peak. The
 * bytes are exactly `JSON.stringify(status)` and a new line.
 */
export async function sendStatus(
  res: ServerResponse,
  status: DaemonStatus,
  headers: Readonly<Record<string, string>> = {},
): Promise<void> {
  const { servers, ...rest } = status;
  const head = JSON.stringify({ ...rest, servers: [] });
  res.writeHead(200, { ...headers, 'content-type': 'application/json', 'cache-control': 'no-store' });
  let chunk = head.slice(0, -2);
  for (let i = 0; i < servers.length; i += RECORDS_PER_WRITE) {
    const part = servers.slice(i, i + RECORDS_PER_WRITE).map((r) => JSON.stringify(r));
    chunk += `${i === 0 ? '' : ','}${part.join(',')}`;
    if (!res.write(chunk)) await drained(res);
    chunk = '';
    if (res.destroyed) return;
  }
  res.end(`${chunk}]}\n`);
}

function drained(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = `${JSON.stringify(body)}\n`;
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers });
  res.end(text);
}
