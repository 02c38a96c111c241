/**
 * The transport over the official client (`@ovhcloud/node-ovh` 3.0.0). It absorbs the client's
 * quirks: paths are encoded by us and never contain placeholders; params are deep copies (the
 * client deletes keys); GET query parameters go through its `params` (it puts them in the query
 * string for GET); its three rejection shapes become OvhApiError; an overall deadline covers
 * what its idle `timeout` misses; a refused timestamp resets its cached API time delta and the
 * call is retried once. Extra request headers and wanted response headers go through
 * response-capture.ts (`exchange`).
 */
import type { OvhClient } from '@ovhcloud/node-ovh';
import type { Clock } from '../core/clock.js';
import { classifyFailure, isTimestampRefusal } from './classify.js';
import { rejectionToFailure } from './client-rejection.js';
import { OvhApiError } from './errors.js';
import type { RawFailure, ResponseMeta } from './failure.js';
import { queryString } from './path.js';
import { withResponseCapture } from './response-capture.js';
import type { OvhTransport, TransportAnswer, TransportRequest } from './transport.js';

/** OVHcloud's clock: unauthenticated, so the client's unsigned sending is right for it. */
export const API_TIME_PATH = '/auth/time';

/** The part of the official client the transport uses (a fake implements the same protocol). */
export type OvhClientLike = Pick<OvhClient, 'apiTimeDiff' | 'requestPromised'>;

/** Timeouts of the transport. */
export interface TransportTimeouts {
  /** Overall deadline of one call, from send to answer (default 30 s). */
  deadlineMs: number;
  /** The client's socket idle timeout, passed to it at construction (default 20 s). */
  idleTimeoutMs: number;
}

export const DEFAULT_TIMEOUTS: TransportTimeouts = { deadlineMs: 30_000, idleTimeoutMs: 20_000 };

type Outcome = { ok: true; value: TransportAnswer } | { ok: false; failure: RawFailure };

/** Transport over one official client instance. */
export class NodeOvhTransport implements OvhTransport {
  constructor(
    private readonly client: OvhClientLike,
    private readonly clock: Clock,
    private readonly timeouts: TransportTimeouts = DEFAULT_TIMEOUTS,
  ) {}

  async request(request: TransportRequest): Promise<unknown> {
    return (await this.exchange(request)).body;
  }

  async exchange(request: TransportRequest): Promise<TransportAnswer> {
    const query = request.query ? queryString(request.query) : '';
    const context = { method: request.method, path: query ? `${request.path}?${query}` : request.path };
    if (request.signal?.aborted) throw classifyFailure({ kind: 'aborted', sent: false }, context);
    if (request.path.includes('/auth') && !(request.method === 'GET' && request.path === API_TIME_PATH)) {
      // The client sends any path containing "/auth" unsigned (ovh.js: path.indexOf('/auth') < 0);
      // only `GET /auth/time` is meant to be (it needs no authentication).
      throw new OvhApiError({
        ...context,
        code: 'api-unsafe-path',
        disposition: 'terminal',
        message: 'the official client would send this path without a signature',
      });
    }
    let outcome = await this.send(request, query);
    if (
      !outcome.ok &&
      outcome.failure.kind === 'http' &&
      isTimestampRefusal(outcome.failure.status, outcome.failure.message)
    ) {
      // The client caches the API time delta forever; make it ask /auth/time again.
      this.client.apiTimeDiff = null;
      outcome = await this.send(request, query);
    }
    if (outcome.ok) return outcome.value;
    throw classifyFailure(outcome.failure, context);
  }

  private async send(request: TransportRequest, query: string): Promise<Outcome> {
    const write = request.method === 'POST' || request.method === 'PUT';
    let path = request.path;
    let params: Record<string, unknown> = {};
    if (write) {
      if (query) path = `${path}?${query}`;
      if (request.body !== undefined) params = structuredClone(request.body) as Record<string, unknown>;
    } else if (request.query) {
      for (const [key, value] of Object.entries(request.query)) if (value !== undefined) params[key] = value;
    }

    const started = this.clock.now();
    const stop = new AbortController();
    const capture = withResponseCapture(
      () => Promise.resolve(this.client.requestPromised(request.method, path, params)),
      () => this.clock.now(),
      {
        ...(request.headers ? { request: request.headers, path: request.path } : {}),
        ...(request.responseHeaders ? { response: request.responseHeaders } : {}),
      },
    );
    const call: Promise<Outcome> = capture.result.then(
      (body) => {
        const { requestHeadersSent, responseHeaders } = capture.exchange();
        return { ok: true, value: { body, requestHeadersSent, responseHeaders } };
      },
      (rejection: unknown) => ({
        ok: false,
        failure: rejectionToFailure(rejection, {
          idleTimeoutElapsed: this.clock.now() - started >= this.timeouts.idleTimeoutMs * 0.9,
          ...metaOf(capture.meta()),
        }),
      }),
    );
    const deadline: Promise<Outcome> = this.clock.sleep(this.timeouts.deadlineMs, stop.signal).then(
      () => ({
        ok: false,
        failure: { kind: 'timeout', message: `no answer within ${this.timeouts.deadlineMs} ms` },
      }),
      () => new Promise<Outcome>(() => undefined),
    );
    const racers = [call, deadline];
    if (request.signal) racers.push(abortedPromise(request.signal, stop.signal));
    try {
      return await Promise.race(racers);
    } finally {
      // A given reason: abort() without one builds a DOMException with a stack trace on every
      // request (1.4 s of CPU over the cycles of a profiled 9,000-server daemon).
      stop.abort(SETTLED);
    }
  }
}

/** Why a request's deadline timer and abort listener are stopped: the request settled. */
const SETTLED = Object.freeze({ settled: true });

function metaOf(meta: ResponseMeta | undefined): { meta?: ResponseMeta } {
  return meta ? { meta } : {};
}

/** Settles when `signal` aborts; stops listening when `finished` aborts. */
function abortedPromise(signal: AbortSignal, finished: AbortSignal): Promise<Outcome> {
  return new Promise((resolve) => {
    const done = (): void => resolve({ ok: false, failure: { kind: 'aborted', sent: true } });
    if (signal.aborted) return done();
    signal.addEventListener('abort', done, { once: true });
    finished.addEventListener('abort', () => signal.removeEventListener('abort', done), { once: true });
  });
}
