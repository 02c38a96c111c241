/**
 * Slack through an incoming webhook (`@slack/webhook`; docs/notifications.md, "Slack"). At fleet
 * scale a message per server would drown the channel, so a cycle's events become one summary
 * (counts per phase, a few names) plus one message per error event (a failed reinstall, an
 * unhealthy server, a halt). The webhook URL is a secret: read from a file, never logged, and a
 * failure is recorded by its HTTP status or error code only. The client retries nothing (the
 * outbox does); the idempotency key also goes in a header.
 */
import { createHash } from 'node:crypto';
import { IncomingWebhook, IncomingWebhookHTTPError, IncomingWebhookRequestError } from '@slack/webhook';
import type { NotificationEvent } from './event.js';
import { statusError, transportError, type Delivery, type NotificationSink } from './sink.js';

/** What the Slack sink needs; `url` is the file's content, never logged. */
export interface SlackSinkOptions {
  name: string;
  url: string;
  timeoutMs: number;
}

/** How many servers a summary names before "and N more". */
export const SUMMARY_NAMES = 10;

/** The Slack sink. */
export function slackSink(options: SlackSinkOptions): NotificationSink {
  return {
    name: options.name,
    package: packageForSlack,
    send: (delivery, signal) => sendToSlack(options, delivery, signal),
  };
}

/** One summary of the cycle's info events, plus one delivery per error event. Pure. */
export function packageForSlack(
  events: readonly NotificationEvent[],
  cycle: { revision: string },
): Delivery[] {
  const info = events.filter((e) => e.severity === 'info');
  const out: Delivery[] = [];
  if (info.length > 0) {
    const digest = createHash('sha256')
      .update(
        info
          .map((e) => e.idempotencyKey)
          .sort()
          .join('\n'),
      )
      .digest('hex')
      .slice(0, 32);
    out.push({ key: `ovh-fleet:summary:${cycle.revision}:${digest}`, kind: 'summary', events: info });
  }
  for (const e of events)
    if (e.severity === 'error') out.push({ key: e.idempotencyKey, kind: 'event', events: [e] });
  return out;
}

/** The text of a delivery (mrkdwn). Pure. */
export function slackText(delivery: Delivery): string {
  if (delivery.kind === 'event') {
    const e = delivery.events[0]!;
    return `:rotating_light: *ovh-fleet* ${e.message}`;
  }
  const byPhase = new Map<string, string[]>();
  for (const e of delivery.events) {
    const names = byPhase.get(e.phase) ?? [];
    names.push(e.involvedObject.name);
    byPhase.set(e.phase, names);
  }
  const revisions = [...new Set(delivery.events.map((e) => e.metadata.revision))];
  const head = `*ovh-fleet* rollout update (${delivery.events.length} server(s)${
    revisions.length === 1 && revisions[0] !== 'none' ? `, spec commit ${revisions[0]!.slice(0, 12)}` : ''
  })`;
  const lines = [...byPhase].map(([phase, names]) => {
    const shown = names.slice(0, SUMMARY_NAMES).join(', ');
    const more = names.length > SUMMARY_NAMES ? ` and ${names.length - SUMMARY_NAMES} more` : '';
    return `• ${names.length} ${phase}: ${shown}${more}`;
  });
  return [head, ...lines].join('\n');
}

async function sendToSlack(
  options: SlackSinkOptions,
  delivery: Delivery,
  signal: AbortSignal,
): Promise<void> {
  let timedOut = false;
  const webhook = new IncomingWebhook(options.url, {
    timeout: options.timeoutMs,
    retryConfig: { retries: 0 },
    // The client's own fetch, with the idempotency key and the daemon's stop signal added.
    fetch: (url, init) => {
      const timeout = init?.signal;
      timeout?.addEventListener('abort', () => (timedOut = true), { once: true });
      return fetch(url, {
        ...init,
        headers: { ...init?.headers, 'idempotency-key': delivery.key },
        signal: timeout ? AbortSignal.any([timeout, signal]) : signal,
      });
    },
  });
  try {
    await webhook.send({ text: slackText(delivery), unfurl_links: false });
  } catch (error) {
    if (error instanceof IncomingWebhookHTTPError) throw statusError(error.statusCode);
    if (error instanceof IncomingWebhookRequestError) throw transportError(error.original, timedOut);
    throw transportError(error, timedOut);
  }
}
