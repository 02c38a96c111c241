/**
 * What a failed call looked like before classification: one union for every way the official
 * client (or our own deadline and abort handling) can fail. client-rejection.ts builds it from the
 * client's rejection shapes; classify.ts turns it into an OvhApiError.
 */

/** Response details the official client discards, recovered by response-capture.ts when possible. */
export interface ResponseMeta {
  /** Milliseconds from the Retry-After header. */
  retryAfterMs?: number;
  /** The X-Ovh-QueryID header, the reference OVHcloud support asks for. */
  queryId?: string;
  /** The real HTTP status, when the client lost it (non-JSON bodies). */
  status?: number;
}

/** A failure as seen by the transport. */
export type RawFailure =
  /** An HTTP answer outside 2xx, with the `message` field of its JSON body (null when empty). */
  | { kind: 'http'; status: number; message: string | null; meta?: ResponseMeta }
  /** A socket-level failure; `code` is the errno name (ECONNREFUSED, ...) or a TLS error code. */
  | { kind: 'network'; code: string | undefined; message: string }
  /** The client's idle timeout or our overall deadline fired. */
  | { kind: 'timeout'; message: string }
  /** The body was not JSON; the client loses the status (we may have recovered it in `meta`). */
  | { kind: 'unparseable'; meta?: ResponseMeta }
  /** `GET /auth/time` failed before the request itself was sent. */
  | { kind: 'time-unavailable' }
  /** The OAuth2 token request failed. */
  | { kind: 'oauth2'; status: number | undefined; message: string }
  /** The caller's signal aborted; `sent` says whether the request had left. */
  | { kind: 'aborted'; sent: boolean }
  /** Something the client never documented; kept as text. */
  | { kind: 'unknown'; message: string };
