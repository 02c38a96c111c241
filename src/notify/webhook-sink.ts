/**
 * The generic webhook (docs/notifications.md, "Generic webhook"): one POST per event, the event
 * as JSON, signed like Flux's generic-hmac provider: `X-Signature: sha256=<hex HMAC-SHA256 of the
 * body>` with the key from `hmacKeyFile`. The idempotency key goes in `Idempotency-Key` (and is
 * in the body), so a receiver can drop the duplicate a crash between send and record may cause.
 * No redirect is followed; a request that gets no answer in time is aborted.
 */
import { createHmac } from 'node:crypto';
import type { NotificationEvent } from './event.js';
import { onePerEvent, statusError, transportError, type Delivery, type NotificationSink } from './sink.js';

/** What the webhook sink needs; the key is the file's content, never logged. */
export interface WebhookSinkOptions {
  name: string;
  url: string;
  hmacKey: string | null;
  timeoutMs: number;
}

/** `sha256=<hex>` of `body` under `key`: the value of X-Signature. */
export function signatureOf(key: string, body: string): string {
  return `sha256=${createHmac('sha256', key).update(body, 'utf8').digest('hex')}`;
}

/** The generic webhook sink. */
export function webhookSink(options: WebhookSinkOptions): NotificationSink {
  return {
    name: options.name,
    package: (events: readonly NotificationEvent[]) => onePerEvent(events),
    send: (delivery, signal) => post(options, delivery, signal),
  };
}

async function post(options: WebhookSinkOptions, delivery: Delivery, signal: AbortSignal): Promise<void> {
  const body = JSON.stringify(delivery.kind === 'event' ? delivery.events[0] : { events: delivery.events });
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'user-agent': 'ovh-fleet',
    'idempotency-key': delivery.key,
  };
  if (options.hmacKey !== null) headers['x-signature'] = signatureOf(options.hmacKey, body);
  await postJson(options.url, headers, body, options.timeoutMs, signal);
}

/** POSTs `body`; resolves on 2xx, rejects with a DeliveryError otherwise. Shared by the sinks over plain HTTP. */
export async function postJson(
  url: string,
  headers: Record<string, string>,
  body: string,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<void> {
  const timeout = AbortSignal.timeout(timeoutMs);
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers,
      body,
      redirect: 'error',
      signal: AbortSignal.any([signal, timeout]),
    });
  } catch (error) {
    throw transportError(error, timeout.aborted);
  }
  // The body is never read: what a receiver says is not kept, and a large or endless answer (a
  // URL pointing at a file server) must not fill the daemon's memory. Cancelling frees the socket.
  await response.body?.cancel().catch(() => undefined);
  if (response.status < 200 || response.status >= 300) throw statusError(response.status);
}
