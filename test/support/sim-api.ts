/**
 * The one way tests build an OvhApi over the simulator: the real adapter and the official client
 * over HTTPS, a request budget of its own far above what a test uses, and fast retries so that an
 * injected fault costs milliseconds, not seconds.
 */
import { systemClock } from '../../src/core/clock.js';
import type { Logger } from '../../src/core/logger.js';
import { createOvhApi } from '../../src/ovh/create-ovh-api.js';
import type { OvhApi } from '../../src/ovh/ovh-api.js';
import { RequestBudgetRegistry } from '../../src/ovh/request-budget.js';
import { DEFAULT_RETRY_POLICY } from '../../src/ovh/retry-policy.js';
import { simulatorCredentials } from '../../src/sim/client-credentials.js';
import type { RunningSimulator } from '../../src/sim/index.js';

let budgetCounter = 0;

/** The real adapter over HTTPS against `sim`; `logger` receives the adapter's logs. */
export function simApi(sim: RunningSimulator, logger?: Logger): OvhApi {
  return createOvhApi(simulatorCredentials(sim, `sim-api-test-${budgetCounter++}`), {
    requestsPerMinute: 1_000_000,
    ...(logger ? { logger } : {}),
    budgets: new RequestBudgetRegistry(systemClock),
    retry: { ...DEFAULT_RETRY_POLICY, baseDelayMs: 5, rateLimitBaseDelayMs: 10, maxAttempts: 2 },
  });
}
