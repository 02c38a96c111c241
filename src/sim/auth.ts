/**
 * OVHcloud v1 authentication as the simulator checks it (API-NOTES §5.4, §6):
 * `X-Ovh-Signature: $1$ + SHA1_HEX(AS+"+"+CK+"+"+METHOD+"+"+FULL_URL+"+"+BODY+"+"+TS)`, where
 * FULL_URL is accepted both WITHOUT the port (what @ovhcloud/node-ovh signs) and with it.
 * Order of checks and answers (the simulator's reading of the notes):
 * 1. no X-Ovh-Application → 403 INVALID_KEY; unknown application key → 403 INVALID_KEY;
 * 2. X-Ovh-Consumer, X-Ovh-Timestamp or X-Ovh-Signature missing → 401 NOT_AUTHENTICATED
 *    "You must login first";
 * 3. unknown consumer key → 403 INVALID_CREDENTIAL "This credential is not valid";
 * 4. timestamp further than the tolerance (default ±300 s) from the sim clock → 400 QUERY_TIME_OUT
 *    "Query out of time" (the real code and text are not recorded);
 * 5. wrong signature → 400 INVALID_SIGNATURE "Invalid signature";
 * 6. read-only consumer key on anything but GET, or a key with access rules on a call none of
 *    them matches → 403 NOT_GRANTED_CALL "This call has not been granted".
 */
import { createHash } from 'node:crypto';
import { SimHttpError } from './error-templates.js';
import type { SimAccessRule, SimCredentials } from './types.js';

/** Obviously fake defaults, printed by `ovh-fleet sim --help`. */
export const DEFAULT_CREDENTIALS: Readonly<SimCredentials> = Object.freeze({
  appKey: 'simAppKey0000000',
  appSecret: 'simAppSecret00000000000000000000',
  consumerKey: 'simConsumerKey000000000000000000',
  readOnlyConsumerKey: 'simReadOnlyConsumerKey0000000000',
});

/** The `$1$` signature of one request. */
export function signRequest(parts: {
  appSecret: string;
  consumerKey: string;
  method: string;
  url: string;
  body: string;
  timestamp: number | string;
}): string {
  const text = [
    parts.appSecret,
    parts.consumerKey,
    parts.method.toUpperCase(),
    parts.url,
    parts.body,
    String(parts.timestamp),
  ].join('+');
  return `$1$${createHash('sha1').update(text).digest('hex')}`;
}

function authError(status: number, errorCode: string, httpText: string, message: string): SimHttpError {
  return new SimHttpError(status, {
    errorCode,
    httpCode: `${status} ${httpText}`,
    class:
      status === 400 ? 'Client::BadRequest' : status === 401 ? 'Client::Unauthorized' : 'Client::Forbidden',
    message,
  });
}

/** What the auth check needs from a request. */
export interface SignedRequest {
  method: string;
  /** The raw request target, e.g. `/1.0/dedicated/server?x=1`. */
  target: string;
  /** Host header (may carry a port). */
  host: string;
  /** The listening port. */
  port: number;
  rawBody: string;
  header(name: string): string | undefined;
}

/** Checks a signed request; returns the consumer key on success, throws SimHttpError otherwise. */
export function authenticate(
  request: SignedRequest,
  credentials: SimCredentials,
  nowMs: number,
  toleranceSec: number,
): string {
  const appKey = request.header('x-ovh-application');
  if (!appKey || appKey !== credentials.appKey) {
    throw authError(403, 'INVALID_KEY', 'Forbidden', 'This application key is invalid');
  }
  const consumerKey = request.header('x-ovh-consumer');
  const timestamp = request.header('x-ovh-timestamp');
  const signature = request.header('x-ovh-signature');
  if (!consumerKey || !timestamp || !signature) {
    throw authError(401, 'NOT_AUTHENTICATED', 'Unauthorized', 'You must login first');
  }
  const rules = credentials.accessRules?.[consumerKey];
  if (consumerKey !== credentials.consumerKey && consumerKey !== credentials.readOnlyConsumerKey && !rules) {
    throw authError(403, 'INVALID_CREDENTIAL', 'Forbidden', 'This credential is not valid');
  }
  const ts = Number(timestamp);
  if (
    !/^\d+$/.test(timestamp) ||
    (toleranceSec > 0 && Math.abs(ts - Math.floor(nowMs / 1000)) > toleranceSec)
  ) {
    throw authError(400, 'QUERY_TIME_OUT', 'Bad Request', 'Query out of time');
  }
  const hostname = request.host.replace(/:\d+$/, '');
  const urls = new Set([
    `https://${hostname}${request.target}`,
    `https://${hostname}:${request.port}${request.target}`,
  ]);
  const ok = [...urls].some(
    (url) =>
      signRequest({
        appSecret: credentials.appSecret,
        consumerKey,
        method: request.method,
        url,
        body: request.rawBody,
        timestamp,
      }) === signature,
  );
  if (!ok) throw authError(400, 'INVALID_SIGNATURE', 'Bad Request', 'Invalid signature');
  if (
    (consumerKey === credentials.readOnlyConsumerKey && request.method !== 'GET') ||
    (rules && !rules.some((rule) => grants(rule, request.method, request.target)))
  ) {
    throw authError(403, 'NOT_GRANTED_CALL', 'Forbidden', 'This call has not been granted');
  }
  return consumerKey;
}

/** Whether `rule` grants `method` on `target` (prefix /1.0 or /v1 and query left out). */
export function grants(rule: SimAccessRule, method: string, target: string): boolean {
  if (rule.method !== method.toUpperCase()) return false;
  const path = target.replace(/^\/(1\.0|v1)(?=\/|$)/, '').replace(/\?.*$/, '');
  const pattern = rule.path
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${pattern}$`).test(path);
}

/** Whether calls of this consumer key are authenticated even on the catalog routes: keys with access rules are. */
export function hasAccessRules(credentials: SimCredentials, consumerKey: string | null): boolean {
  return consumerKey !== null && credentials.accessRules?.[consumerKey] !== undefined;
}
