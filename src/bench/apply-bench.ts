/**
 * The executor at scale: 1,000 reinstalls with maxConcurrent 50 against the simulator at high
 * speed, through the real adapter. Prints the efficiency (the time the limits allow — waves of
 * 50 tasks of the simulator's duration — over the measured time; goal >= 0.9), the API calls per
 * reinstall, and the peak RSS. The request budget is set far above what the run reaches.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyPlan } from '../apply/apply-plan.js';
import { IntentJournal } from '../apply/intent-journal.js';
import { parseEndpoint, type OvhEndpoint } from '../config/endpoints.js';
import { systemClock } from '../core/clock.js';
import { createOvhApi } from '../ovh/create-ovh-api.js';
import { RequestBudgetRegistry } from '../ovh/request-budget.js';
import type { Plan, PlanServer } from '../plan/types.js';
import { REINSTALL_DURATION_MS, startSimulator } from '../sim/index.js';
import { DEFAULT_POLICY, type ServerSpec } from '../specs/types.js';
import type { Bench } from './main.js';

const REINSTALLS = 1_000;
const MAX_CONCURRENT = 50;
const SPEED = 150;
const BUDGET = 10_000_000;
const TARGETS = /^(debian12_64|ubuntu2404-server_64|alma9_64|rocky9_64|debian13_64)$/;

export const applyBench: Bench = {
  name: 'apply',
  async run() {
    const sim = await startSimulator({ servers: REINSTALLS, seed: 5, speed: SPEED });
    const stateDir = await mkdtemp(join(tmpdir(), 'ovh-fleet-apply-bench-'));
    let peakRss = process.memoryUsage().rss;
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);
    try {
      const api = createOvhApi(
        {
          endpoint: parseEndpoint(sim.url) as OvhEndpoint,
          auth: {
            kind: 'application',
            applicationKey: sim.credentials.appKey,
            applicationSecret: sim.credentials.appSecret,
            consumerKey: sim.credentials.consumerKey,
          },
          caFile: sim.certPath,
          caPem: sim.caCert,
          budgetKey: 'apply-bench',
        },
        { requestsPerMinute: BUDGET, budgets: new RequestBudgetRegistry(systemClock) },
      );
      const specs: ServerSpec[] = [];
      for (const s of sim.control.account()) {
        const os = s.compatibleTemplates.ovh.find((t) => TARGETS.test(t) && t !== s.server.os);
        if (os) specs.push(benchSpec(s.server.name, os));
      }
      const plan = benchPlan(specs);
      sim.control.clearRequests();
      const started = performance.now();
      const report = await applyPlan(
        plan,
        {
          api,
          clock: systemClock,
          journal: new IntentJournal(stateDir, systemClock),
          specs: new Map(specs.map((s) => [s.serviceName, s])),
          env: {},
          policy: {
            ...DEFAULT_POLICY,
            rollout: {
              ...DEFAULT_POLICY.rollout,
              maxConcurrent: MAX_CONCURRENT,
              maxPerHour: 100_000,
              maxFailures: 0,
            },
            api: { requestsPerMinute: BUDGET },
          },
        },
        { wait: true, follower: { slowIntervalMs: 1_500, intervalMs: 1_000, minIntervalMs: 250 } },
      );
      const measuredMs = performance.now() - started;
      const taskMs = REINSTALL_DURATION_MS / SPEED;
      const idealMs = Math.ceil(specs.length / MAX_CONCURRENT) * taskMs;
      const calls = sim.control.requests().length;
      const done = report.outcomes.filter((o) => o.result === 'done').length;
      process.stdout.write(
        `apply: ${specs.length} reinstalls (${done} done), maxConcurrent ${MAX_CONCURRENT}, sim speed ${SPEED} (task ${taskMs.toFixed(0)} ms), request budget ${BUDGET}/min (not the bottleneck)\n`,
      );
      process.stdout.write(
        `apply: measured ${(measuredMs / 1000).toFixed(2)} s, ideal ${(idealMs / 1000).toFixed(2)} s, efficiency ${(idealMs / measuredMs).toFixed(2)} (goal >= 0.9)\n`,
      );
      process.stdout.write(
        `apply: ${calls} API calls, ${(calls / specs.length).toFixed(1)} per reinstall; peak RSS ${(peakRss / 1048576).toFixed(0)} MiB\n`,
      );
    } finally {
      clearInterval(sampler);
      await sim.close();
      await rm(stateDir, { recursive: true, force: true });
    }
  },
};

function benchSpec(serviceName: string, operatingSystem: string): ServerSpec {
  return {
    file: `servers/${serviceName}.yaml`,
    serviceName,
    labels: {},
    operatingSystem,
    customizations: {},
    storage: undefined,
    reinstall: { generation: 1, protect: false },
    positions: {},
  };
}

function benchPlan(specs: readonly ServerSpec[]): Plan {
  const servers: PlanServer[] = specs.map((s, i) => ({
    serviceName: s.serviceName,
    file: s.file,
    action: i < MAX_CONCURRENT ? 'reinstall' : 'deferred',
    reason: i < MAX_CONCURRENT ? 'spec-changed' : 'concurrency-limit',
    message: '',
    digest: `sha256:${i.toString(16).padStart(64, '0')}`,
    from: null,
    to: { operatingSystem: s.operatingSystem },
    changes: [],
    erases: null,
    notBefore: null,
    batch: i < MAX_CONCURRENT ? 1 : 2 + Math.floor((i - MAX_CONCURRENT) / MAX_CONCURRENT),
    labels: {},
  }));
  const summary = {
    reinstall: Math.min(MAX_CONCURRENT, servers.length),
    adopt: 0,
    follow: 0,
    none: 0,
    deferred: Math.max(0, servers.length - MAX_CONCURRENT),
    invalid: 0,
  };
  return {
    formatVersion: 1,
    planHash: 'sha256:bench',
    revision: 'bench',
    generatedAt: new Date(0).toISOString(),
    summary,
    servers,
    diagnostics: [],
  };
}
