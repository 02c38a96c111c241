/**
 * The official client rejects with plain objects, never Errors, in these shapes (read in
 * node_modules/@ovhcloud/node-ovh/lib/ovh.js 3.0.0):
 * - `{error: 404, message: 'text' | null | undefined}`: an HTTP answer outside 2xx;
 * - `{error: -111}`: a socket error with a libuv errno (negative number, NOT a status);
 * - `{error: {code: 'ECONNRESET', message: 'socket hang up'}}`: a socket error without errno
 *   (what its idle `timeout` produces through req.abort(), and a server that closes silently);
 * - `{error: '[OVH] Unable to parse JSON reponse'}` / `'[OVH] Unable to fetch OVH API time'`;
 * - `{error: {statusCode, error, message}}`: its OAuth2 token request failed.
 * This module turns each into a {@link RawFailure}.
 */
import { getSystemErrorName } from 'node:util';
import type { RawFailure, ResponseMeta } from './failure.js';

/** What the transport knows beside the rejection itself. */
export interface RejectionHints {
  /** True when the request ran at least as long as the client's idle timeout. */
  idleTimeoutElapsed: boolean;
  /** Response details captured outside the client, if any. */
  meta?: ResponseMeta;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function errnoName(errno: number): string | undefined {
  try {
    return getSystemErrorName(errno);
  } catch {
    return undefined;
  }
}

/** Translates one rejection of `requestPromised` into a RawFailure. */
export function rejectionToFailure(rejection: unknown, hints: RejectionHints): RawFailure {
  const error = isRecord(rejection) ? rejection.error : rejection;
  const message = isRecord(rejection) ? rejection.message : undefined;
  const meta = hints.meta;

  if (typeof error === 'number' && error >= 100) {
    return {
      kind: 'http',
      status: error,
      message: typeof message === 'string' ? message : message == null ? null : JSON.stringify(message),
      ...(meta ? { meta } : {}),
    };
  }
  if (typeof error === 'number' && error < 0) {
    const name = errnoName(error);
    if (name === 'ETIMEDOUT') return { kind: 'timeout', message: 'connection timed out (ETIMEDOUT)' };
    return { kind: 'network', code: name, message: `errno ${error}${name ? ` (${name})` : ''}` };
  }
  if (typeof error === 'string') {
    if (error.includes('Unable to fetch OVH API time')) return { kind: 'time-unavailable' };
    if (error.includes('Unable to parse JSON')) return { kind: 'unparseable', ...(meta ? { meta } : {}) };
    return { kind: 'unknown', message: error };
  }
  if (isRecord(error)) {
    if ('statusCode' in error && !('code' in error)) {
      const status = typeof error.statusCode === 'number' ? error.statusCode : undefined;
      const text = typeof error.error === 'string' ? error.error : 'token request refused';
      return { kind: 'oauth2', status, message: text };
    }
    const code = typeof error.code === 'string' ? error.code : undefined;
    const text = typeof error.message === 'string' ? error.message : 'socket error';
    if (code === 'ECONNRESET' && text === 'socket hang up' && hints.idleTimeoutElapsed)
      return { kind: 'timeout', message: 'no answer within the idle timeout' };
    if (code === 'ETIMEDOUT') return { kind: 'timeout', message: text };
    return { kind: 'network', code, message: text };
  }
  return { kind: 'unknown', message: `unexpected rejection of the official client: ${String(error)}` };
}
