/**
 * Benchmark: `plan` of 1,000 servers against the simulator (real adapter, real HTTPS), cold (empty
 * state directory) then warm (a new cache object loaded from the same state directory, as a new
 * process would). Prints API calls per server and wall time of each; asserts nothing about time.
 * The fleet: every server's spec declares the OS it runs and has a status record at that digest
 * (in sync), except every tenth, whose spec asks for another compatible OS (a reinstall).
 */
import { simulatorCredentials } from '../sim/client-credentials.js';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runPlan } from '../cli/plan-command.js';
import { systemClock } from '../core/clock.js';
import { createOvhApi } from '../ovh/create-ovh-api.js';
import { RequestBudgetRegistry } from '../ovh/request-budget.js';
import { canonicalizeSpec, specDigest } from '../plan/digest.js';
import { startSimulator, type RunningSimulator } from '../sim/index.js';
import { readFleet } from '../specs/read-fleet.js';
import { serializeStatusRecord } from '../records/status-record.js';
import type { Bench } from './main.js';

/** Name shown by the bench runner. */
export const name = 'plan-observe';

const SERVERS = 1_000;
const LINUX = /^(debian12_64|alma9_64|rocky9_64|ubuntu2404-server_64|ubuntu2204-server_64)$/;

function writeFleet(sim: RunningSimulator, root: string): void {
  let i = 0;
  for (const s of sim.control.account()) {
    if (!LINUX.test(s.server.os)) continue;
    const other = s.compatibleTemplates.ovh.find((t) => LINUX.test(t) && t !== s.server.os);
    const os = i++ % 10 === 0 && other ? other : s.server.os;
    const file = path.join(root, 'servers', `${s.server.name}.yaml`);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(
      file,
      `apiVersion: ovh-fleet/v1\nkind: Server\nserviceName: ${s.server.name}\noperatingSystem: ${os}\n`,
    );
  }
}

async function writeRecords(sim: RunningSimulator, root: string): Promise<void> {
  const running = new Map(sim.control.account().map((s) => [s.server.name, s.server.os]));
  mkdirSync(path.join(root, 'status'), { recursive: true });
  const at = '2026-01-01T00:00:00.000Z';
  for (const spec of (await readFleet(root)).specs) {
    // A record at the spec's digest only where the server runs it: the others become reinstalls.
    if (running.get(spec.serviceName) !== spec.operatingSystem) continue;
    const digest = specDigest(spec);
    const text = serializeStatusRecord({
      serviceName: spec.serviceName,
      phase: 'ready',
      reason: 'in-sync',
      message: 'runs the applied spec',
      since: at,
      spec: { file: spec.file, commit: 'bench' },
      desiredDigest: digest,
      observedOs: spec.operatingSystem,
      task: null,
      lastApplied: {
        digest,
        operatingSystem: spec.operatingSystem,
        planHash: 'sha256:0',
        specCommit: 'bench',
        taskId: null,
        startedAt: at,
        finishedAt: at,
        result: 'adopted',
        spec: canonicalizeSpec(spec),
      },
      lastAttempt: null,
      attempts: [],
      lastError: null,
    });
    writeFileSync(path.join(root, 'status', `${spec.serviceName}.yaml`), text);
  }
}

/** Runs the cold and the warm plan and prints their figures. */
export async function run(): Promise<void> {
  const sim = await startSimulator({ servers: SERVERS, seed: 1 });
  const root = mkdtempSync(path.join(tmpdir(), 'ovh-fleet-bench-repo-'));
  const stateDir = mkdtempSync(path.join(tmpdir(), 'ovh-fleet-bench-state-'));
  try {
    writeFleet(sim, root);
    await writeRecords(sim, root);
    const api = createOvhApi(simulatorCredentials(sim, 'plan-observe-bench'), {
      requestsPerMinute: 10_000_000,
      budgets: new RequestBudgetRegistry(systemClock),
    });
    let coldCalls = 0;
    for (const label of ['cold', 'warm']) {
      const started = performance.now();
      const result = await runPlan({
        repo: root,
        format: 'json',
        api,
        stateDir,
        revision: 'bench',
        print: () => {},
        printErr: () => {},
      });
      const seconds = (performance.now() - started) / 1000;
      const { stats, plan } = result;
      if (label === 'cold') coldCalls = stats.totalCalls;
      const calls = Object.entries(stats.calls)
        .filter(([, n]) => n > 0)
        .map(([m, n]) => `${m} ${n}`)
        .join(', ');
      process.stdout.write(
        `${name} ${label}: ${stats.servers} servers (${plan.summary.none} unchanged, ${plan.summary.reinstall + plan.summary.deferred} reinstalls wanted, ${plan.summary.invalid} invalid), ` +
          `${stats.totalCalls} API calls = ${stats.callsPerServer.toFixed(2)} per server (${calls || 'none'}), ${stats.reused} reused, ${seconds.toFixed(2)} s\n`,
      );
    }
    process.stdout.write(
      `${name}: request budget 10,000,000/min (not the bottleneck); at the default 60/min the cold run would take ~${Math.ceil(coldCalls / 60)} min\n`,
    );
  } finally {
    await sim.close();
    rmSync(root, { recursive: true, force: true });
    rmSync(stateDir, { recursive: true, force: true });
  }
}

/** The bench as the runner lists it. */
export const planObserveBench: Bench = { name, run };
