/**
 * Commit statuses as a notification sink (docs/notifications.md, "Commit statuses"): each server
 * event becomes the status `ovh-fleet/<serviceName>` on the server's spec commit, through the
 * forge's port (src/forge). Pending while the server is planned, reinstalls or verifies; success
 * when it is ready; failure when the reinstall or its health checks failed; error when ovh-fleet
 * could not finish (an API refusal, an inconsistent answer). The description is the phase and the
 * reason code; the link is the status record. Halts (no server, no spec commit) make no status.
 *
 * Order: the outbox sends a sink's deliveries oldest first and pauses the sink on an outage, so a
 * later state is not overtaken by an earlier one; a delivery older than the last one this sink set
 * for the same commit and server is dropped as stale (a refused older one retried later).
 */
import type { CommitState, CommitStatus, CommitStatusPort } from '../forge/commit-status.js';
import { shortDescription, statusContext } from '../forge/commit-status.js';
import { ForgeError } from '../forge/forge-error.js';
import type { NotificationEvent } from './event.js';
import { DeliveryError, onePerEvent, type Delivery, type NotificationSink } from './sink.js';

/** What the commit-status sink needs. */
export interface CommitStatusSinkOptions {
  name: string;
  port: CommitStatusPort;
  /** The link of a server's status: `{serviceName}`, `{specCommit}` and `{branch}` replaced; null: none. */
  targetUrl: string | null;
  branch: string;
}

/** Failure codes of the reinstall itself (the server's fault); any other failure is our `error`. */
const REINSTALL_FAILURES = new Set(['reinstall-failed', 'task-timeout']);

/** The commit state of a server event. */
export function commitStateOf(event: NotificationEvent): CommitState {
  switch (event.phase) {
    case 'ready':
      return 'success';
    case 'unhealthy':
      return 'failure';
    case 'failed':
      return REINSTALL_FAILURES.has(event.reason) ? 'failure' : 'error';
    default:
      return 'pending';
  }
}

/** The status a server event sets, or null for an event that names no server or spec commit. */
export function commitStatusOf(
  event: NotificationEvent,
  targetUrl: string | null,
  branch: string,
): CommitStatus | null {
  if (event.serviceName === null || event.specCommit === null) return null;
  const link = targetUrl
    ?.replaceAll('{serviceName}', encodeURIComponent(event.serviceName))
    .replaceAll('{specCommit}', event.specCommit)
    .replaceAll('{branch}', encodeURIComponent(branch));
  const summary = [
    `**${event.serviceName}** is \`${event.phase}\` (\`${event.reason}\`).`,
    event.taskId === null ? null : `OVHcloud task ${event.taskId}.`,
    event.planHash === null ? null : `Plan hash \`${event.planHash}\`.`,
  ]
    .filter((line) => line !== null)
    .join('\n\n');
  return {
    sha: event.specCommit,
    context: statusContext(event.serviceName),
    state: commitStateOf(event),
    description: shortDescription(`${event.phase}: ${event.reason}`),
    ...(link ? { targetUrl: link } : {}),
    summary,
  };
}

/** The commit-status sink. */
export function commitStatusSink(options: CommitStatusSinkOptions): NotificationSink {
  /** Per (commit, context): the timestamp of the last event set. */
  const lastSet = new Map<string, string>();
  return {
    name: options.name,
    package: (events) => onePerEvent(events.filter((e) => e.serviceName !== null && e.specCommit !== null)),
    send: async (delivery: Delivery) => {
      const [event] = delivery.events;
      const status = event ? commitStatusOf(event, options.targetUrl, options.branch) : null;
      if (!event || !status) return;
      const key = `${status.sha}\0${status.context}`;
      const before = lastSet.get(key);
      if (before !== undefined && before > event.timestamp) return;
      try {
        await options.port.set(status);
      } catch (e) {
        throw deliveryErrorOf(e);
      }
      lastSet.set(key, event.timestamp);
    },
  };
}

/** A forge's refusal as the outbox's DeliveryError: retryable ones pause the sink (order kept). */
function deliveryErrorOf(e: unknown): DeliveryError {
  if (!(e instanceof ForgeError)) return new DeliveryError('unreachable', 'send failed');
  if (e.httpStatus === 0) return new DeliveryError('unreachable', e.message);
  return new DeliveryError(e.retryable ? 'server' : 'rejected', e.message);
}
