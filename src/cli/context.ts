/**
 * What commands receive from the composition root: the OvhApi adapter built from the
 * environment's credentials (OVH_ENDPOINT, OVH_APPLICATION_KEY, ..., $CREDENTIALS_DIRECTORY,
 * OVH_CA_FILE), logging to stderr through the redacting logger, within the fleet's request
 * budget (fleet.yaml `api`, read by fleet-budget.ts).
 */
import { loadCredentials } from '../config/credentials.js';
import { createLogger, type Logger } from '../core/logger.js';
import { createOvhApi } from '../ovh/create-ovh-api.js';
import type { OvhApi } from '../ovh/ovh-api.js';
import { DEFAULT_REQUESTS_PER_MINUTE, DEFAULT_STEADY_STATE_SHARE } from '../ovh/request-budget.js';
import { readFleetBudget } from './fleet-budget.js';

/** Options of {@link openApi}. */
export interface OpenApiOptions {
  /** The fleet's request budget (fleet.yaml `api.requestsPerMinute`); default 60. */
  requestsPerMinute?: number;
  /** fleet.yaml `api.steadyStateShare`: the share of background reads; default 0.5. */
  steadyStateShare?: number;
  /** Where the budget came from, for the debug log line (`fleet.yaml` or `default`). */
  source?: string;
  logger?: Logger;
}

/** The OvhApi of this process. Throws FleetError (exit 64) when credentials are missing or wrong. */
export async function openApi(options: OpenApiOptions = {}): Promise<OvhApi> {
  const credentials = await loadCredentials(process.env);
  const logger = options.logger ?? createLogger({ level: process.env.OVH_FLEET_LOG_LEVEL ?? 'warn' });
  const requestsPerMinute = options.requestsPerMinute ?? DEFAULT_REQUESTS_PER_MINUTE;
  const steadyStateShare = options.steadyStateShare ?? DEFAULT_STEADY_STATE_SHARE;
  logger.debug(
    { requestsPerMinute, steadyStateShare, source: options.source ?? 'default' },
    'request budget of this command',
  );
  return createOvhApi(credentials, { logger, requestsPerMinute, steadyStateShare });
}

/** The OvhApi of a command that works on the fleet repository `root`: within fleet.yaml's budget. */
export async function openFleetApi(root: string, logger?: Logger): Promise<OvhApi> {
  const { api, source } = readFleetBudget(root);
  return openApi({ ...api, source, ...(logger ? { logger } : {}) });
}
