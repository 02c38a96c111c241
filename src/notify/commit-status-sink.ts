/**
 * Commit statuses as a notification sink (docs/notifications.md, "Commit statuses"): each server
 * event becomes the status `ovh-fleet/<serviceName>` on the server's spec commit, through the
 * forge's port (src/forge). Pending while the server is planned, reinstalls or verifies; success
 * when it is ready; failure when the reinstall or its health checks failed; error when ovh-fleet
 * could not finish (an API refusal, an inconsistent answer). The description is the phase and the
 * reason code; the link is the status record. Halts (no server, no spec commit) make no status.
 *
 * Order: the outbox sends a sink's deliveries oldest first and pauses the sink on an outage, so a
 * later state is not overtaken by an earlier one. Only a refusal (a 4xx other than 403/429) lets a
 * later delivery go first; the refused one is retried later and must not then replace the newer
 * state. So a delivery older than the last one set for the same commit and server is dropped as
 * stale, and for the (commit, server) pairs that met a refusal that watermark is kept on disk
 * (`stateFile`), so that a restart does not forget it. Written only around refusals: rare.
 */
import { readFileSync } from 'node:fs';
import { writeFileDurably } from '../apply/atomic-file.js';
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
  /** Where the watermarks of refused (commit, server) pairs are kept; null: in memory only. */
  stateFile?: string | null;
}

/** How many refused (commit, server) watermarks are kept on disk, newest last. */
const KEPT_WATERMARKS = 10_000;

/**
 * How many (commit, server) pairs this run remembers the last state of, newest last: the daemon
 * runs for months, so the memory is bounded; an older pair forgotten can only be overtaken by a
 * refused delivery, and those pairs keep their watermark on disk.
 */
const KEPT_LAST_SET = 50_000;

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
  /** Per (commit, context): the timestamp of the last event set (this run, at most KEPT_LAST_SET). */
  const lastSet = new Map<string, string>();
  /** Per refused (commit, context): the timestamp of the last event set, or '' (kept on disk). */
  const refused = readWatermarks(options.stateFile ?? null);
  const save = async (): Promise<void> => {
    if (!options.stateFile) return;
    while (refused.size > KEPT_WATERMARKS) refused.delete(refused.keys().next().value as string);
    await writeFileDurably(options.stateFile, JSON.stringify(Object.fromEntries(refused)));
  };
  return {
    name: options.name,
    package: (events) => onePerEvent(events.filter((e) => e.serviceName !== null && e.specCommit !== null)),
    send: async (delivery: Delivery) => {
      const [event] = delivery.events;
      const status = event ? commitStatusOf(event, options.targetUrl, options.branch) : null;
      if (!event || !status) return;
      const key = `${status.sha}\0${status.context}`;
      const before = [lastSet.get(key), refused.get(key)].filter((t) => t !== undefined && t !== '');
      if (before.some((t) => t! > event.timestamp)) return;
      try {
        await options.port.set(status);
      } catch (e) {
        const error = deliveryErrorOf(e);
        if (error.kind === 'rejected' && !refused.has(key)) {
          refused.set(key, lastSet.get(key) ?? '');
          await save();
        }
        throw error;
      }
      lastSet.delete(key); // re-inserted last: the newest are kept
      lastSet.set(key, event.timestamp);
      if (lastSet.size > KEPT_LAST_SET) lastSet.delete(lastSet.keys().next().value as string);
      if (refused.has(key)) {
        refused.delete(key); // re-inserted last: the newest are kept
        refused.set(key, event.timestamp);
        await save();
      }
    },
  };
}

/** The watermarks kept on disk; none when the file is missing or unreadable. */
function readWatermarks(file: string | null): Map<string, string> {
  if (!file) return new Map();
  try {
    const value = JSON.parse(readFileSync(file, 'utf8')) as unknown;
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      return new Map(Object.entries(value).filter((e): e is [string, string] => typeof e[1] === 'string'));
    }
  } catch {
    // Missing or unreadable: nothing was refused yet (or the file is lost; order then rests on the outbox).
  }
  return new Map();
}

/** A forge's refusal as the outbox's DeliveryError: retryable ones pause the sink (order kept). */
function deliveryErrorOf(e: unknown): DeliveryError {
  if (!(e instanceof ForgeError)) return new DeliveryError('unreachable', 'send failed');
  if (e.httpStatus === 0) return new DeliveryError('unreachable', e.message);
  return new DeliveryError(e.retryable ? 'server' : 'rejected', e.message);
}
