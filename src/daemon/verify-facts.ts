/**
 * Reading a server's addresses when its verification starts (docs/verification.md, "When the
 * addresses cannot be read"): one `GET /dedicated/server/{serviceName}` (priority `follow`). When
 * it fails (the server left the account, the API refuses the call, the network is down) it is
 * tried again at most once per `interval`, the last time at the deadline; past the deadline it is
 * not tried again and the verification ends `inconclusive` (an operator must look): a verification
 * never lasts longer than its deadline, and never holds a `maxConcurrent` slot or its cohort for
 * ever.
 */
import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/logger.js';
import type { OvhApi } from '../ovh/ovh-api.js';
import { OvhApiError } from '../ovh/errors.js';
import type { VerifySettings } from '../specs/verify-types.js';
import { serverFactsOf, type ServerFacts } from '../verify/index.js';

/** What reading the addresses gave: the facts, or why they could not be read by the deadline. */
export type FactsRead = { facts: ServerFacts } | { unreadable: string };

/** The least time between two tries, whatever the interval says. */
const MIN_RETRY_MS = 1000;

/**
 * Reads the server's addresses, trying again once per interval until the deadline (`endedAt` +
 * `deadlineMs`); null when `signal` stops it first.
 */
export async function readFactsByDeadline(input: {
  api: OvhApi;
  clock: Clock;
  log: Logger;
  serviceName: string;
  settings: VerifySettings;
  endedAt: number;
  signal: AbortSignal;
}): Promise<FactsRead | null> {
  const { api, clock, log, serviceName, settings, endedAt, signal } = input;
  const deadline = endedAt + settings.deadlineMs;
  for (let tries = 1; ; tries++) {
    try {
      const server = await api.getServer(serviceName, { priority: 'follow', signal });
      return { facts: serverFactsOf(server) };
    } catch (error) {
      if (signal.aborted) return null;
      const now = clock.now();
      const why = describeError(error);
      if (now >= deadline) {
        log.warn(
          { err: error, tries },
          'server addresses not read by the deadline: verification inconclusive',
        );
        return {
          unreadable: `the server's addresses could not be read from the API by the deadline (${settings.deadlineMs / 1000}s, ${tries} tries of GET /dedicated/server/${serviceName}): ${why}; an operator must look`,
        };
      }
      const retryAt = Math.min(now + Math.max(settings.intervalMs, MIN_RETRY_MS), deadline);
      log.warn(
        { err: error, tries, retryAt: new Date(retryAt).toISOString() },
        'server addresses not read; tried again after one interval',
      );
      await clock.sleep(retryAt - now, signal);
    }
  }
}

/** A short sentence on a failed read, for the record (the API's own message, no body). */
function describeError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const text = error instanceof OvhApiError ? `${error.code}: ${message}` : message;
  return text.length > 200 ? `${text.slice(0, 199)}…` : text;
}
