/**
 * The simulator's request pipeline, independent of how it listens: read the body, route `/_sim/`
 * to the control surface, strip the `/1.0` (or `/v1`) prefix, authenticate, apply the rate limit
 * and the drawn faults, serve, add latency, answer with `X-Ovh-QueryID`, record the request.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { authenticate, hasAccessRules } from './auth.js';
import { handleApi, isPublicRoute, isReinstallPost, type ApiAnswer } from './api-routes.js';
import { handleControl } from './control.js';
import { SimHttpError, classError } from './error-templates.js';
import type { FaultDecision, FaultInjector } from './faults.js';
import { isNoCache } from './expanded-query.js';
import { ObjectListCache } from './object-list-cache.js';
import type { RequestLog } from './request-log.js';
import type { SimState } from './sim-state.js';
import type { SimControl, SimCredentials, SimRequestRecord } from './types.js';

/** Everything the pipeline needs. */
export interface AppContext {
  state: SimState;
  faults: FaultInjector;
  log: RequestLog;
  control: SimControl;
  credentials: SimCredentials;
  /** The port the server listens on (known after listen). */
  port: () => number;
}

const MAX_BODY_BYTES = 10 * 1024 * 1024;
const PREFIX = /^\/(1\.0|v1)(?=\/|$|\?)/;

/** A request handler for node:http / node:https. */
export function createApp(ctx: AppContext): (req: IncomingMessage, res: ServerResponse) => void {
  let queryCounter = 0;
  const queryBase = ctx.state.seed.toString(16).padStart(8, '0').slice(-8);
  const listCache = new ObjectListCache();
  return (req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on('end', () => {
      queryCounter++;
      const queryId = `EU.ext-3.${queryBase}.${queryCounter}.${((queryCounter * 2654435761) >>> 0).toString(16).padStart(8, '0')}`;
      const rawBody = Buffer.concat(chunks).toString('utf8');
      try {
        serve(ctx, listCache, req, res, rawBody, size > MAX_BODY_BYTES, queryId);
      } catch (error) {
        send(res, 500, { message: `simulator bug: ${(error as Error).message}` }, queryId);
      }
    });
    req.on('error', () => res.destroy());
  };
}

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  queryId: string,
  headers: Record<string, string> = {},
): void {
  if (res.destroyed) return;
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'X-Ovh-QueryID': queryId,
    ...headers,
  });
  res.end(text);
}

function parseJson(rawBody: string): { ok: true; value: unknown } | { ok: false } {
  if (rawBody === '') return { ok: true, value: null };
  try {
    return { ok: true, value: JSON.parse(rawBody) as unknown };
  } catch {
    return { ok: false };
  }
}

function serve(
  ctx: AppContext,
  listCache: ObjectListCache,
  req: IncomingMessage,
  res: ServerResponse,
  rawBody: string,
  tooLarge: boolean,
  queryId: string,
): void {
  const target = req.url ?? '/';
  const method = (req.method ?? 'GET').toUpperCase();
  const url = new URL(target, 'https://sim.invalid');
  const parsed = parseJson(rawBody);

  if (url.pathname.startsWith('/_sim/')) {
    if (!parsed.ok) return send(res, 400, { message: 'body is not valid JSON' }, queryId);
    void handleControl(ctx.control, method, url.pathname, url.searchParams, parsed.value).then(
      (answer) => send(res, answer.status, answer.body, queryId),
      (error: unknown) => send(res, 500, { message: `simulator bug: ${(error as Error).message}` }, queryId),
    );
    return;
  }

  const time = ctx.state.now();
  const consumerHeader = req.headers['x-ovh-consumer'];
  const consumerKey = typeof consumerHeader === 'string' ? consumerHeader : null;
  const apiPath = target.replace(PREFIX, '') || '/';
  const header = (name: string): string | undefined => {
    const value = req.headers[name];
    return typeof value === 'string' ? value : undefined;
  };
  const pagination = paginationOf(header);
  const record = (status: number): void =>
    ctx.log.add({
      time,
      method,
      path: apiPath,
      body: parsed.ok ? parsed.value : rawBody,
      status,
      consumerKey,
      queryId,
      ...(pagination ? { pagination } : {}),
    });
  const answer = (status: number, body: unknown, headers: Record<string, string> = {}): void => {
    record(status);
    const delay = ctx.faults.drawLatency();
    if (delay > 0) setTimeout(() => send(res, status, body, queryId, headers), delay);
    else send(res, status, body, queryId, headers);
  };
  const fail = (error: SimHttpError): void => answer(error.status, error.body, error.headers);
  const drop = (): void => {
    record(0);
    const delay = ctx.faults.drawLatency();
    const destroy = (): void => void res.socket?.destroy();
    if (delay > 0) setTimeout(destroy, delay);
    else destroy();
  };

  if (!PREFIX.test(url.pathname))
    return fail(classError(404, 'Client::NotFound', 'Got an invalid (or empty) URL'));
  const path = url.pathname.replace(PREFIX, '') || '/';
  if (tooLarge) return fail(classError(413, 'Client::RequestEntityTooLarge', 'Request body is too large'));

  try {
    if (!isPublicRoute(method, path) || hasAccessRules(ctx.credentials, consumerKey)) {
      authenticate(
        {
          method,
          target,
          host: req.headers.host ?? '127.0.0.1',
          port: ctx.port(),
          rawBody,
          header,
        },
        ctx.credentials,
        time,
        ctx.faults.current.timestampToleranceSec,
      );
    }
  } catch (error) {
    if (error instanceof SimHttpError) return fail(error);
    throw error;
  }

  const limited = ctx.faults.rateLimit(consumerKey ?? 'anonymous', time);
  if (limited.kind === 'rate-limited') {
    return answer(
      429,
      {
        message: `Too many requests: more than ${ctx.faults.current.rateLimitPerMinute} requests per minute for this consumer key`,
      },
      { 'Retry-After': String(limited.retryAfterSec) },
    );
  }
  const fault = ctx.faults.drawFailure();
  const after = ctx.faults.current.ambiguousWrites && isReinstallPost(method, path);
  if (fault.kind !== 'none' && !after) return applyFault(fault, answer, drop);

  if (!parsed.ok) return fail(classError(400, 'Client::BadRequest', 'Invalid JSON received'));
  let result: ApiAnswer | SimHttpError;
  try {
    result = handleApi(
      {
        state: ctx.state,
        taskFailureRate: () => ctx.faults.current.taskFailureRate,
        taskListLagMs: () => ctx.faults.current.taskListLagMs,
        expanded: {
          cache: listCache,
          settings: () => {
            const faults = ctx.faults.current;
            return {
              cacheMs: faults.expandedCacheMs,
              pageSizeLimit: faults.expandedPageSizeLimit,
              answer: faults.expandedAnswer,
            };
          },
        },
      },
      { method, path, query: url.searchParams, body: parsed.value, header, consumerKey },
    );
  } catch (error) {
    if (!(error instanceof SimHttpError)) throw error;
    result = error;
  }
  if (fault.kind !== 'none') return applyFault(fault, answer, drop);
  if (result instanceof SimHttpError) return fail(result);
  if (isReinstallPost(method, path) && ctx.faults.drawLostReinstallAnswer()) return drop();
  answer(result.status, result.body, result.headers);
}

/** What the request log keeps of an expanded-listing request, or undefined for any other. */
function paginationOf(header: (name: string) => string | undefined): SimRequestRecord['pagination'] {
  const mode = header('x-pagination-mode');
  if (mode === undefined) return undefined;
  return {
    mode,
    number: header('x-pagination-number') ?? null,
    size: header('x-pagination-size') ?? null,
    noCache: isNoCache(header('pragma')),
  };
}

function applyFault(
  fault: FaultDecision,
  answer: (status: number, body: unknown) => void,
  drop: () => void,
): void {
  if (fault.kind === 'drop') return drop();
  if (fault.kind === 'error' && fault.status === 503) {
    return answer(503, {
      class: 'Server::ServiceUnavailable',
      message: 'Service temporarily unavailable, please retry later',
    });
  }
  answer(500, { class: 'Server::InternalServerError', message: 'Internal server error' });
}
