/**
 * Throughput and latency of the OVHcloud adapter (real official client, real HTTPS) against the
 * simulator: GET /dedicated/server/{serviceName}, sequential and at concurrency 16. The request
 * budget is set far above what the run can reach so that it is not the bottleneck.
 */
import { simulatorCredentials } from '../sim/client-credentials.js';
import { createOvhApi } from '../ovh/create-ovh-api.js';
import type { OvhApi } from '../ovh/ovh-api.js';
import { RequestBudgetRegistry } from '../ovh/request-budget.js';
import { systemClock } from '../core/clock.js';
import { startSimulator } from '../sim/index.js';
import type { Bench } from './main.js';

const BUDGET_PER_MINUTE = 10_000_000;
const SEQUENTIAL_REQUESTS = 500;
const CONCURRENT_REQUESTS = 3_000;
const CONCURRENCY = 16;

/** Percentile of sorted values (nearest rank). */
function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}

async function measure(
  api: OvhApi,
  serviceNames: readonly string[],
  total: number,
  concurrency: number,
): Promise<string> {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  const worker = async (): Promise<void> => {
    while (next < total) {
      const i = next++;
      const t0 = performance.now();
      await api.getServer(serviceNames[i % serviceNames.length] as string, { priority: 'plan' });
      latencies.push(performance.now() - t0);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return `${total} requests in ${seconds.toFixed(2)} s: ${(total / seconds).toFixed(0)} req/s, p50 ${percentile(latencies, 50).toFixed(2)} ms, p99 ${percentile(latencies, 99).toFixed(2)} ms`;
}

export const adapterBench: Bench = {
  name: 'adapter',
  async run() {
    const sim = await startSimulator({ servers: 12, seed: 1 });
    try {
      const api = createOvhApi(simulatorCredentials(sim, 'bench'), {
        requestsPerMinute: BUDGET_PER_MINUTE,
        budgets: new RequestBudgetRegistry(systemClock),
      });
      const serviceNames = await api.listServers();
      for (let i = 0; i < 20; i++) await api.getServer(serviceNames[i % serviceNames.length] as string);
      const line = (text: string): boolean =>
        process.stdout.write(`adapter GET /dedicated/server/{sn} ${text}\n`);
      line(
        `request budget ${BUDGET_PER_MINUTE.toLocaleString('en')}/min: not the bottleneck; simulator without faults, ${serviceNames.length} servers`,
      );
      line(`sequential: ${await measure(api, serviceNames, SEQUENTIAL_REQUESTS, 1)}`);
      line(
        `concurrency ${CONCURRENCY}: ${await measure(api, serviceNames, CONCURRENT_REQUESTS, CONCURRENCY)}`,
      );
    } finally {
      await sim.close();
    }
  },
};
