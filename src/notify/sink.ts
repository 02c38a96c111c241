/**
 * The port every notification provider implements (the generic webhook and Slack here; commit
 * statuses on GitHub and GitLab plug in the same way). A sink says how it groups one cycle's
 * events into deliveries (`package`, pure: Slack sends a summary per cycle, the webhook one post
 * per event, a commit status one call per server event) and sends one delivery. The outbox keeps
 * deliveries, retries them and counts attempts; a sink never retries by itself.
 */
import type { NotificationEvent } from './event.js';

/** One message to one sink, as the outbox keeps it. */
export interface Delivery {
  /** Sent as the idempotency key: the event's own, or derived from the events of a summary. */
  key: string;
  /** `event`: one event; `summary`: the events of one cycle in one message. */
  kind: 'event' | 'summary';
  events: NotificationEvent[];
}

/** Why a send failed, as the outbox records it (never the receiver's body or a URL). */
export class DeliveryError extends Error {
  constructor(
    /** `unreachable`, `timeout` and `server` (5xx, 429) pause the sink; `rejected` (other 4xx) does not. */
    readonly kind: 'unreachable' | 'timeout' | 'server' | 'rejected',
    message: string,
  ) {
    super(message);
    this.name = 'DeliveryError';
  }
}

/** A notification provider. */
export interface NotificationSink {
  /** The sink's name in the configuration (outbox files, metrics, logs). */
  readonly name: string;
  /** Groups one cycle's events, already filtered for this sink, into deliveries. Pure. */
  package(events: readonly NotificationEvent[], cycle: { revision: string }): Delivery[];
  /** Sends one delivery; resolves on success, rejects with a DeliveryError. */
  send(delivery: Delivery, signal: AbortSignal): Promise<void>;
}

/** One delivery per event, with the event's own key (the webhook's and commit statuses' packaging). */
export function onePerEvent(events: readonly NotificationEvent[]): Delivery[] {
  return events.map((event) => ({ key: event.idempotencyKey, kind: 'event', events: [event] }));
}

/** The DeliveryError of an HTTP status that is not 2xx. */
export function statusError(status: number): DeliveryError {
  const kind = status >= 500 || status === 429 || status === 408 ? 'server' : 'rejected';
  return new DeliveryError(kind, `HTTP ${status}`);
}

/** The DeliveryError of a request that got no answer (never the error's text: it may hold the URL). */
export function transportError(error: unknown, timedOut: boolean): DeliveryError {
  if (timedOut) return new DeliveryError('timeout', 'no answer before the timeout');
  const cause = (error as { cause?: { code?: unknown } } | null)?.cause?.code;
  const code = (error as { code?: unknown } | null)?.code;
  const name = [cause, code].find((c): c is string => typeof c === 'string' && /^[A-Z_]{2,40}$/.test(c));
  return new DeliveryError('unreachable', name ? `unreachable (${name})` : 'unreachable');
}
