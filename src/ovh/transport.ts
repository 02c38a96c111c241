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
}

/** Sends calls; rejects only with OvhApiError. */
export interface OvhTransport {
  request(request: TransportRequest): Promise<unknown>;
}
