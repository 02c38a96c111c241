/**
 * The executor at scale: 1,000 reinstalls with maxConcurrent 50 against the simulator at high
 * speed, through the real adapter. Prints the efficiency (ideal / measured, goal >= 0.9), the API
 * calls per reinstall by kind, the TLS connections opened, and the peak RSS. The request budget
 * is set far above what the run reaches, so the only limit is maxConcurrent.
 *
 * Ideal time, honestly: a slot frees only when a task ends, and a task lives exactly
 * D = REINSTALL_DURATION_MS / speed in the simulator (creation to done), so no executor can
 * finish N reinstalls with C slots in less than ceil(N / C) * D. Everything else (preflight and
 * POST round trips, the journal's fsyncs, the delay between a task's end and the poll that sees
 * it) is the executor's overhead and counts against it.
 */
import { simulatorCredentials } from '../sim/client-credentials.js';
import https from 'node:https';
import type { Duplex } from 'node:stream';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyPlan } from '../apply/apply-plan.js';
import { IntentJournal } from '../apply/intent-journal.js';
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
      const api = createOvhApi(simulatorCredentials(sim, 'apply-bench'), {
        requestsPerMinute: BUDGET,
        budgets: new RequestBudgetRegistry(systemClock),
      });
      const specs: ServerSpec[] = [];
      for (const s of sim.control.account()) {
        const os = s.compatibleTemplates.ovh.find((t) => TARGETS.test(t) && t !== s.server.os);
        if (os) specs.push(benchSpec(s.server.name, os));
      }
      const plan = benchPlan(specs);
      sim.control.clearRequests();
      const connections = countConnections();
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
              maxFailures: Number.MAX_SAFE_INTEGER,
            },
            api: { requestsPerMinute: BUDGET, steadyStateShare: 0.5 },
          },
        },
        // Shorter intervals than the defaults, for 4.4 s tasks; the expected duration is learned in the run.
        { wait: true, follower: { slowIntervalMs: 1_000, intervalMs: 1_000, minIntervalMs: 100 } },
      );
      const measuredMs = performance.now() - started;
      const opened = connections.stop();
      const taskMs = Math.max(1, Math.round(REINSTALL_DURATION_MS / SPEED));
      const idealMs = Math.ceil(specs.length / MAX_CONCURRENT) * taskMs;
      const log = sim.control.requests();
      const calls = log.length;
      const kinds = new Map<string, number>();
      for (const r of log) {
        const kind = `${r.method} ${r.path
          .replace(/^\/dedicated\/server\/[^/?]+/, '{s}')
          .replace(/\/task\/\d+/, '/task/{id}')
          .replace(/\?.*$/, '')}`;
        kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
      }
      const done = report.outcomes.filter((o) => o.result === 'done').length;
      process.stdout.write(
        `apply: ${specs.length} reinstalls (${done} done), maxConcurrent ${MAX_CONCURRENT}, sim speed ${SPEED} (task ${taskMs.toFixed(0)} ms), request budget ${BUDGET}/min (not the bottleneck)\n`,
      );
      process.stdout.write(
        `apply: measured ${(measuredMs / 1000).toFixed(2)} s, ideal ${(idealMs / 1000).toFixed(2)} s, efficiency ${(idealMs / measuredMs).toFixed(2)} (goal >= 0.9)\n`,
      );
      process.stdout.write(
        `apply: ideal = ceil(${specs.length} / ${MAX_CONCURRENT}) waves x ${taskMs} ms task life\n`,
      );
      process.stdout.write(
        `apply: ${calls} API calls, ${(calls / specs.length).toFixed(1)} per reinstall (${[...kinds]
          .sort((a, b) => b[1] - a[1])
          .map(([k, n]) => `${k} ${(n / specs.length).toFixed(2)}`)
          .join(', ')}); ${opened} TLS connections opened; peak RSS ${(peakRss / 1048576).toFixed(0)} MiB\n`,
      );
    } finally {
      clearInterval(sampler);
      await sim.close();
      await rm(stateDir, { recursive: true, force: true });
    }
  },
};

/**
 * Counts the connections https.globalAgent opens (the official client uses it): with keep-alive
 * (Node 20's default) it stays near the number of requests in flight at once.
 */
function countConnections(): { stop: () => number } {
  const agent = https.globalAgent as https.Agent & {
    createConnection: (...args: unknown[]) => Duplex;
  };
  const original = agent.createConnection;
  let opened = 0;
  agent.createConnection = function (this: unknown, ...args: unknown[]) {
    opened++;
    return original.apply(this, args);
  };
  return {
    stop: () => {
      agent.createConnection = original;
      return opened;
    },
  };
}

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
    erases: [],
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
