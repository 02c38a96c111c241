/** Test helper of the observation tests: the real adapter over HTTPS against the simulator. */
import { simulatorCredentials } from '../../src/sim/client-credentials.js';
import { systemClock } from '../../src/core/clock.js';
import { createOvhApi } from '../../src/ovh/create-ovh-api.js';
import type { OvhApi } from '../../src/ovh/ovh-api.js';
import { RequestBudgetRegistry } from '../../src/ovh/request-budget.js';
import { DEFAULT_RETRY_POLICY } from '../../src/ovh/retry-policy.js';
import type { RunningSimulator } from '../../src/sim/index.js';

let budgetCounter = 0;

/** The OvhApi for the simulator, with a budget far above what a test uses and fast retries. */
export function simApi(sim: RunningSimulator): OvhApi {
  return createOvhApi(simulatorCredentials(sim, `observe-test-${budgetCounter++}`), {
    requestsPerMinute: 1_000_000,
    budgets: new RequestBudgetRegistry(systemClock),
    retry: { ...DEFAULT_RETRY_POLICY, baseDelayMs: 5, rateLimitBaseDelayMs: 10, maxAttempts: 2 },
  });
}

/** API requests the simulator received since the last clear (its own count, not ours). */
export function apiRequests(sim: RunningSimulator): number {
  return sim.control.requests().length;
}
