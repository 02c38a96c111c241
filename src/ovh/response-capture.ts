/**
 * Recovers what the official client throws away: the response status, `Retry-After` and
 * `X-Ovh-QueryID`. The client calls https.request itself and keeps no headers, so we listen on
 * Node's `http.client.request.start` diagnostics channel, which fires synchronously inside
 * https.request, and find the call it belongs to through AsyncLocalStorage. If the context is
 * lost (the client's first request after its /auth/time call runs from a socket callback), the
 * capture yields nothing and callers fall back to their defaults.
 *
 * The same hook fixes a leak of the client: for its idle `timeout` it adds a 'timeout' listener
 * to the socket of every request and never removes it, so keep-alive sockets of
 * https.globalAgent pile up listeners (MaxListenersExceededWarning after 10 requests, unbounded
 * growth in a daemon). Those listeners are removed when our request closes.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { subscribe } from 'node:diagnostics_channel';
import type { ClientRequest, IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { ResponseMeta } from './failure.js';

interface Slot {
  meta: ResponseMeta | undefined;
  /** The caller's clock, for a Retry-After given as an HTTP date. */
  now: () => number;
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
    const retryAfterMs = parseRetryAfter(header('retry-after'), slot.now());
    const queryId = header('x-ovh-queryid');
    slot.meta = {
      ...(response.statusCode === undefined ? {} : { status: response.statusCode }),
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
      ...(queryId === undefined ? {} : { queryId }),
    };
  });
}

/** Subscribes to the diagnostics channel once per process. */
export function installResponseCapture(): void {
  if (installed) return;
  installed = true;
  subscribe('http.client.request.start', onRequestStart);
}

/**
 * Runs `call` so that the response it causes is captured; `meta()` reads what was seen. `now`
 * (the caller's clock) measures a Retry-After date.
 */
export function withResponseCapture<T>(
  call: () => Promise<T>,
  now: () => number,
): {
  result: Promise<T>;
  meta: () => ResponseMeta | undefined;
} {
  const slot: Slot = { meta: undefined, now };
  const result = storage.run(slot, call);
  return { result, meta: () => slot.meta };
}
