/**
 * Benchmark: makePlan over 10,000 generated servers (goal: under 1 s). Prints the figure; asserts
 * nothing about time. Run through src/bench/main.ts (`npm run bench`).
 */
import { makePlan } from '../plan/make-plan.js';
import type { Observation, PlanInput } from '../plan/types.js';
import { DEFAULT_POLICY, type ServerSpec } from '../specs/types.js';

import type { Bench } from './main.js';

function fleet(n: number): PlanInput {
  const specs: ServerSpec[] = [];
  const observed = new Map<string, Observation>();
  for (let i = 0; i < n; i++) {
    const serviceName = `ns${100000 + i}.ip-51-75-1.eu`;
    specs.push({
      file: `servers/${serviceName}.yaml`,
      serviceName,
      labels: { rack: `r${i % 20}` },
      operatingSystem: i % 3 === 0 ? 'ubuntu2404-server_64' : 'debian12_64',
      customizations: { hostname: { kind: 'literal', value: `web-${i}.example.com` } },
      storage: undefined,
      reinstall: { generation: 1, protect: false },
      positions: {},
    });
    observed.set(serviceName, { presence: 'present', os: 'debian12_64', runningTask: null, diskGroups: [] });
  }
  return {
    specs,
    invalid: [],
    policy: DEFAULT_POLICY,
    observed,
    applied: new Map(),
    catalog: ['debian12_64', 'ubuntu2404-server_64'],
    now: Date.UTC(2026, 10, 27, 12),
    revision: 'bench',
    diagnostics: [],
  };
}

/** Times makePlan and prints milliseconds per plan. */
async function run(): Promise<void> {
  const input = fleet(10_000);
  makePlan(input); // warm-up
  const rounds = 5;
  const start = performance.now();
  for (let i = 0; i < rounds; i++) makePlan(input);
  const ms = (performance.now() - start) / rounds;
  process.stdout.write(`makePlan, 10,000 servers: ${ms.toFixed(1)} ms per plan (goal < 1000 ms)\n`);
}

/** makePlan over 10,000 servers (goal: under 1 s). */
export const planBench: Bench = { name: 'plan', run };
