/**
 * Recovers what the official client throws away: the response status, `Retry-After` and
 * `X-Ovh-QueryID`. The client calls https.request itself and keeps no headers, so we listen on
 * Node's `http.client.request.start` diagnostics channel, which fires synchronously inside
 * https.request, and find the call it belongs to through AsyncLocalStorage. If the context is
 * lost (the client's first request after its /auth/time call runs from a socket callback), the
 * capture yields nothing and callers fall back to their defaults.
 *
 * The official client cannot send custom headers either (expanded listing needs
 * `X-Pagination-Mode` and friends, API-NOTES §5.6). That diagnostics channel fires too late to add
 * any (after the request's headers are written), so the capture also wraps
 * `https.globalAgent.addRequest`, which the ClientRequest constructor calls synchronously before
 * anything is flushed: the headers of the caller's slot are set there, checking `headersSent`.
 * The slot says whether they were set; when the context is lost they were not, the API answers
 * plain ids, and the caller must treat the answer as unusable (never as a list of objects).
 *
 * The same hook fixes a leak of the client: for its idle `timeout` it adds a 'timeout' listener
 * to the socket of every request and never removes it, so keep-alive sockets of
 * https.globalAgent pile up listeners (MaxListenersExceededWarning after 10 requests, unbounded
 * growth in a daemon). Those listeners are removed when our request closes.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { subscribe } from 'node:diagnostics_channel';
import type { ClientRequest, IncomingMessage } from 'node:http';
import https from 'node:https';
import type { Socket } from 'node:net';
import type { ResponseMeta } from './failure.js';

interface Slot {
  meta: ResponseMeta | undefined;
  /** The caller's clock, for a Retry-After given as an HTTP date. */
  now: () => number;
  /** Extra request headers to set on the call's request. */
  requestHeaders: Readonly<Record<string, string>>;
  /** Response headers to keep (lower case). */
  wanted: readonly string[];
  /** Only a request whose path (before `?`) ends with this gets the headers (not the client's own calls). */
  path: string | undefined;
  /** The request the headers were set on, before its headers went out; its response is read. */
  target: ClientRequest | undefined;
  /** The wanted response headers that came back. */
  responseHeaders: Record<string, string>;
}

/** What a capture saw of the call's exchange. */
export interface CapturedExchange {
  meta: ResponseMeta | undefined;
  /**
   * True when the extra request headers were set on the request before they were sent (always
   * true when none were asked for). False means the request went out without them.
   */
  requestHeadersSent: boolean;
  /** The wanted response headers that came back, by lower-case name. */
  responseHeaders: Readonly<Record<string, string>>;
}

/** Extra headers of a captured call. */
export interface CaptureHeaders {
  /** Request headers to add to the call's request. */
  request?: Readonly<Record<string, string>>;
  /** Names of the response headers to keep. */
  response?: readonly string[];
  /**
   * The call's path below the base path (no query): only a request whose path ends with it gets
   * the headers, so that the client's own requests (API time, OAuth2 token) never take them.
   */
  path?: string;
}

const storage = new AsyncLocalStorage<Slot>();
const CLIENT_ABORT_LISTENER =
  /^(function\s*\(\)\s*\{\s*return req\.abort\(\);?\s*\}|\(\)\s*=>\s*req\.abort\(\))$/;
let installed = false;

/** Parses Retry-After (seconds or an HTTP date) into milliseconds from `now`. */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function onRequestStart(message: unknown): void {
  const slot = storage.getStore();
  if (!slot) return;
  const request = (message as { request?: ClientRequest }).request;
  if (!request) return;
  // The client's listener is `() => req.abort()` (es5 build: `function () { return req.abort(); }`);
  // it is attached before this channel fires, so it is recognised by its source. Once our
  // request has closed, every such listener left on its socket belongs to a finished request.
  const socket: Socket | null = request.socket;
  if (socket) {
    request.once('close', () => {
      for (const listener of socket.listeners('timeout')) {
        if (CLIENT_ABORT_LISTENER.test(String(listener)))
          socket.removeListener('timeout', listener as (...args: unknown[]) => void);
      }
    });
  }
  if (request.path.includes('/auth/time')) return;
  request.once('response', (response: IncomingMessage) => {
    const header = (name: string): string | undefined => {
      const value = response.headers[name];
      return Array.isArray(value) ? value[0] : value;
    };
    // With extra request headers, only the answer to the request that carried them counts.
    if (request === slot.target || Object.keys(slot.requestHeaders).length === 0) {
      for (const name of slot.wanted) {
        const value = header(name);
        if (value !== undefined) slot.responseHeaders[name] = value;
      }
    }
    const retryAfterMs = parseRetryAfter(header('retry-after'), slot.now());
    const queryId = header('x-ovh-queryid');
    slot.meta = {
      ...(response.statusCode === undefined ? {} : { status: response.statusCode }),
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
      ...(queryId === undefined ? {} : { queryId }),
    };
  });
}

/** Sets the slot's extra headers on `request`, if it belongs to a captured call and nothing was sent. */
function onRequestCreated(request: ClientRequest): void {
  const slot = storage.getStore();
  if (!slot || slot.target || Object.keys(slot.requestHeaders).length === 0) return;
  // The client's own GET /auth/time (and OAuth2 token request) run inside the caller's context.
  const path = request.path.split('?')[0] ?? '';
  if (path.includes('/auth/time') || (slot.path !== undefined && !path.endsWith(slot.path))) return;
  if (request.headersSent) return;
  for (const [name, value] of Object.entries(slot.requestHeaders)) request.setHeader(name, value);
  slot.target = request;
}

/** Wraps `agent.addRequest` (called by every ClientRequest that uses it, before it sends). */
function hookAgent(agent: https.Agent): void {
  const hooked = agent as https.Agent & { addRequest: (request: ClientRequest, ...rest: unknown[]) => void };
  const original = hooked.addRequest.bind(agent);
  hooked.addRequest = (request: ClientRequest, ...rest: unknown[]): void => {
    onRequestCreated(request);
    original(request, ...rest);
  };
}

/** Subscribes to the diagnostics channel and hooks https.globalAgent, once per process. */
export function installResponseCapture(): void {
  if (installed) return;
  installed = true;
  subscribe('http.client.request.start', onRequestStart);
  hookAgent(https.globalAgent);
}

/**
 * Runs `call` so that the response it causes is captured; `meta()` reads what was seen and
 * `exchange()` the extra headers asked for in `headers`. `now` (the caller's clock) measures a
 * Retry-After date.
 */
export function withResponseCapture<T>(
  call: () => Promise<T>,
  now: () => number,
  headers: CaptureHeaders = {},
): {
  result: Promise<T>;
  meta: () => ResponseMeta | undefined;
  exchange: () => CapturedExchange;
} {
  const slot: Slot = {
    meta: undefined,
    now,
    requestHeaders: headers.request ?? {},
    wanted: (headers.response ?? []).map((name) => name.toLowerCase()),
    path: headers.path,
    target: undefined,
    responseHeaders: {},
  };
  const result = storage.run(slot, call);
  return {
    result,
    meta: () => slot.meta,
    exchange: () => ({
      meta: slot.meta,
      requestHeadersSent: slot.target !== undefined || Object.keys(slot.requestHeaders).length === 0,
      responseHeaders: { ...slot.responseHeaders },
    }),
  };
}
