/**
 * Typed errors of the OVHcloud API. The adapter turns every rejection of the official client
 * (plain objects of three shapes, see docs/ECOSYSTEM notes) into an OvhApiError before anything
 * else sees it.
 */
import type { ErrorCode } from '../core/codes/registry.js';

/**
 * What the caller should do:
 * - `terminal`: the request is wrong (spec, OS, storage); do not retry until the input changes;
 * - `busy`: the server already runs a task or is locked; follow it, do not post;
 * - `waiting`: rate-limited; retry after `retryAfterMs`;
 * - `transient`: 5xx, network, timeout; back off and retry (reads) or look first (writes);
 * - `auth`: signature, credential or rights; nothing will work until an operator acts;
 * - `not-found`: the object does not exist (server not in the account, template unknown).
 */
export type Disposition = 'terminal' | 'busy' | 'waiting' | 'transient' | 'auth' | 'not-found';

export class OvhApiError extends Error {
  override readonly name = 'OvhApiError';
  readonly code: ErrorCode;
  readonly disposition: Disposition;
  /** HTTP status, or undefined for network failures and timeouts. */
  readonly status: number | undefined;
  /** OVHcloud's error class when it can be told (e.g. Client::BadRequest::TaskAlreadyExists). */
  readonly ovhClass: string | undefined;
  /**
   * True when the request may have been carried out although no answer says so (timeout,
   * connection reset, 5xx on a write). A reinstall that fails ambiguously must be resolved by
   * reading the server's task list, never by posting again.
   */
  readonly ambiguous: boolean;
  /** Milliseconds to wait before retrying, for `waiting`. */
  readonly retryAfterMs: number | undefined;
  readonly method: string;
  readonly path: string;

  constructor(init: {
    code: ErrorCode;
    disposition: Disposition;
    message: string;
    method: string;
    path: string;
    status?: number;
    ovhClass?: string;
    ambiguous?: boolean;
    retryAfterMs?: number;
  }) {
    super(init.message);
    this.code = init.code;
    this.disposition = init.disposition;
    this.status = init.status;
    this.ovhClass = init.ovhClass;
    this.ambiguous = init.ambiguous ?? false;
    this.retryAfterMs = init.retryAfterMs;
    this.method = init.method;
    this.path = init.path;
  }
}
