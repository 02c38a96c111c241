/**
 * What commands receive from the composition root: the OvhApi adapter built from the
 * environment's credentials (OVH_ENDPOINT, OVH_APPLICATION_KEY, ..., $CREDENTIALS_DIRECTORY,
 * OVH_CA_FILE), logging to stderr through the redacting logger.
 */
import { loadCredentials } from '../config/credentials.js';
import { createLogger, type Logger } from '../core/logger.js';
import { createOvhApi } from '../ovh/create-ovh-api.js';
import type { OvhApi } from '../ovh/ovh-api.js';

/** Options of {@link openApi}. */
export interface OpenApiOptions {
  /** The fleet's request budget (fleet.yaml `api.requestsPerMinute`); default 60. */
  requestsPerMinute?: number;
  logger?: Logger;
}

/** The OvhApi of this process. Throws FleetError (exit 64) when credentials are missing or wrong. */
export async function openApi(options: OpenApiOptions = {}): Promise<OvhApi> {
  const credentials = await loadCredentials(process.env);
  const logger = options.logger ?? createLogger({ level: process.env.OVH_FLEET_LOG_LEVEL ?? 'warn' });
  return createOvhApi(credentials, {
    logger,
    ...(options.requestsPerMinute === undefined ? {} : { requestsPerMinute: options.requestsPerMinute }),
  });
}
