/**
 * Builds the real OvhApi from credentials: the official client configured for the endpoint,
 * its debug/warn output routed to the redacting logger, the extra CA trusted, the transport,
 * and the budget of this credential from the process-wide registry. Only composition roots
 * (CLI, daemon, benches) call this.
 */
import createOvhClient, { type OvhClientOptions } from '@ovhcloud/node-ovh';
import type { LoadedCredentials } from '../config/credentials.js';
import { systemClock, type Clock } from '../core/clock.js';
import { silentLogger, type Logger } from '../core/logger.js';
import {
  DEFAULT_TIMEOUTS,
  NodeOvhTransport,
  type OvhClientLike,
  type TransportTimeouts,
} from './node-ovh-transport.js';
import { OvhClientAdapter } from './ovh-client-adapter.js';
import type { OvhApi } from './ovh-api.js';
import { DEFAULT_REQUESTS_PER_MINUTE, RequestBudgetRegistry } from './request-budget.js';
import { ApiRequestCounts } from './request-counts.js';
import { installResponseCapture } from './response-capture.js';
import type { RetryPolicy } from './retry-policy.js';
import { trustExtraCa } from './tls-trust.js';

/** The budgets of this process, shared by every OvhApi it builds. */
export const processBudgets = new RequestBudgetRegistry(systemClock);

/** The HTTP requests of this process by endpoint and status class (/metrics), unless an API is given its own. */
export const processRequestCounts = new ApiRequestCounts();

/** Options of {@link createOvhApi}. */
export interface CreateOvhApiOptions {
  requestsPerMinute?: number;
  /** fleet.yaml `api.steadyStateShare`: the background priority's share of the budget. */
  steadyStateShare?: number;
  logger?: Logger;
  timeouts?: TransportTimeouts;
  retry?: RetryPolicy;
  clock?: Clock;
  budgets?: RequestBudgetRegistry;
  /** Where HTTP requests are counted (default {@link processRequestCounts}). */
  requestCounts?: ApiRequestCounts;
}

/** The official client's options for these credentials. Secrets go only into the client. */
export function clientOptions(
  credentials: LoadedCredentials,
  idleTimeoutMs: number,
  logger: Logger,
): OvhClientOptions {
  const { endpoint, auth } = credentials;
  const where: OvhClientOptions = { host: endpoint.host, port: endpoint.port, basePath: endpoint.basePath };
  const who: OvhClientOptions =
    auth.kind === 'application'
      ? { appKey: auth.applicationKey, appSecret: auth.applicationSecret, consumerKey: auth.consumerKey }
      : {
          clientID: auth.clientId,
          clientSecret: auth.clientSecret,
          ...(endpoint.tokenUrl ? { tokenURL: endpoint.tokenUrl } : {}),
        };
  return {
    ...where,
    ...who,
    timeout: idleTimeoutMs,
    warn: (...args: unknown[]) =>
      logger.warn({ client: args.map(String).join(' ') }, 'OVHcloud client warning'),
    debug: logger.isLevelEnabled('debug') ? (...args: unknown[]) => logClientDebug(logger, args) : false,
  };
}

/**
 * The client's debug lines are `('[OVH] API call:', method, path, body)` and
 * `('[OVH] API response to', method, path, ':', body)`. Bodies are logged as parsed JSON under
 * `body` so that the logger's redaction paths apply (they never see inside a string).
 */
export function logClientDebug(logger: Logger, args: readonly unknown[]): void {
  const [label, method, path] = args;
  const raw = args[args.length - 1];
  let body: unknown;
  if (typeof raw === 'string' && raw !== '' && raw !== path) {
    try {
      body = JSON.parse(raw);
    } catch {
      body = { unparsed: true, length: raw.length };
    }
  }
  const event = String(label).includes('response') ? 'response' : 'call';
  logger.debug({ event, method, path, ...(body === undefined ? {} : { body }) }, 'OVHcloud API');
}

/** The OvhApi for loaded credentials. */
export function createOvhApi(credentials: LoadedCredentials, options: CreateOvhApiOptions = {}): OvhApi {
  const logger = options.logger ?? silentLogger();
  const timeouts = options.timeouts ?? DEFAULT_TIMEOUTS;
  const clock = options.clock ?? systemClock;
  if (credentials.caPem) trustExtraCa(credentials.caPem);
  installResponseCapture();
  const client: OvhClientLike = createOvhClient(clientOptions(credentials, timeouts.idleTimeoutMs, logger));
  const budget = (options.budgets ?? processBudgets).setLimit(
    credentials.budgetKey,
    options.requestsPerMinute ?? DEFAULT_REQUESTS_PER_MINUTE,
  );
  if (options.steadyStateShare !== undefined) budget.setShares({ background: options.steadyStateShare });
  return new OvhClientAdapter({
    transport: new NodeOvhTransport(client, clock, timeouts),
    budget,
    clock,
    logger,
    requestCounts: options.requestCounts ?? processRequestCounts,
    ...(options.retry ? { retry: options.retry } : {}),
  });
}
