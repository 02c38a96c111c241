/**
 * The transport: one HTTP call to the OVHcloud API, answer as parsed JSON, every failure an
 * OvhApiError. The adapter adds retries, the request budget and answer checks on top.
 */

/** The methods the reinstall flow uses. */
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

/** Scalar query parameters; undefined ones are left out. */
export type Query = Readonly<Record<string, string | number | boolean | undefined>>;

/** One call. */
export interface TransportRequest {
  method: HttpMethod;
  /** Below the base path, every parameter already encoded (see ovhPath); no query string. */
  path: string;
  query?: Query;
  /** JSON body for POST/PUT. Never mutated. */
  body?: unknown;
  signal?: AbortSignal;
  /**
   * Extra request headers (expanded listing, API-NOTES §5.6). The official client cannot send
   * them itself; see response-capture.ts for how they are set, and `requestHeadersSent`.
   */
  headers?: Readonly<Record<string, string>>;
  /** Response headers the caller wants back (names, any case). */
  responseHeaders?: readonly string[];
}

/** An answer with what was seen of its headers. */
export interface TransportAnswer {
  /** The parsed JSON body. */
  body: unknown;
  /**
   * True when the request's extra `headers` went out with it (true when there were none).
   * False means they were lost: the answer is what the API says to a plain request.
   */
  requestHeadersSent: boolean;
  /** The wanted response headers that came back, by lower-case name; absent when unseen. */
  responseHeaders: Readonly<Record<string, string>>;
}

/** Sends calls; rejects only with OvhApiError. */
export interface OvhTransport {
  request(request: TransportRequest): Promise<unknown>;
  /**
   * Like `request`, with the extra headers of the request and the wanted response headers. A
   * transport without it cannot list expanded (the adapter then answers `unavailable`).
   */
  exchange?(request: TransportRequest): Promise<TransportAnswer>;
}
