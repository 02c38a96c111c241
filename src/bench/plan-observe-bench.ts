/**
 * Benchmark: `plan` of a 10,000-server simulated account (real adapter, real HTTPS), the
 * per-server way (expanded listing switched off: ovh-fleet before issue 14) and the new way (the
 * expanded server list when the API answers objects), each cold (empty state directory) then warm
 * (a new cache object loaded from the same state directory, as a new process would). Prints, side
 * by side: API calls per server and per unchanged server, minutes at 60 requests/min computed
 * from the calls, the Terraform provider's floor (one GET per server), the ratios, which listing
 * the new way took (`objects` or `unavailable: reason`, so the figure cannot lie) and wall time;
 * asserts nothing about time. The fleet: every server running a Linux template has a spec that
 * declares the OS it runs and a status record at that digest (in sync), except every tenth, whose
 * spec asks for another compatible OS (a reinstall).
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
import {
  BUDGET_PER_MINUTE,
  costOf,
  minutesAtBudget,
  pathOf,
  perServerWay,
  perUnchanged,
  runLine,
  type RunCost,
} from './plan-observe-measure.js';

/** Name shown by the bench runner. */
export const name = 'plan-observe';

const SERVERS = 10_000;
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

/** The ways compared, in the order they run. */
const WAYS = [
  { way: 'per-server', label: `${name} per-server` },
  { way: 'new', label: name },
] as const;

/** Runs each way cold then warm on the same account, prints their figures side by side. */
export async function run(): Promise<void> {
  const sim = await startSimulator({ servers: SERVERS, seed: 1 });
  const root = mkdtempSync(path.join(tmpdir(), 'ovh-fleet-bench-repo-'));
  const stateDirs: string[] = [];
  try {
    writeFleet(sim, root);
    await writeRecords(sim, root);
    const api = createOvhApi(simulatorCredentials(sim, 'plan-observe-bench'), {
      requestsPerMinute: 10_000_000,
      budgets: new RequestBudgetRegistry(systemClock),
    });
    process.stdout.write(
      `${name}: account of ${SERVERS} simulated servers; request budget 10,000,000/min here (not the bottleneck), minutes at ${BUDGET_PER_MINUTE}/min computed from the calls\n`,
    );
    const costs = new Map<string, RunCost>();
    for (const { way, label } of WAYS) {
      const stateDir = mkdtempSync(path.join(tmpdir(), 'ovh-fleet-bench-state-'));
      stateDirs.push(stateDir);
      for (const temperature of ['cold', 'warm']) {
        sim.control.clearRequests();
        const started = performance.now();
        const result = await runPlan({
          repo: root,
          format: 'json',
          api: way === 'per-server' ? perServerWay(api) : api,
          stateDir,
          revision: 'bench',
          print: () => {},
          printErr: () => {},
        });
        const seconds = (performance.now() - started) / 1000;
        const cost = costOf(result.plan, result.stats, sim.control.requests(), seconds);
        costs.set(`${way} ${temperature}`, cost);
        process.stdout.write(`${runLine(`${label} ${temperature}`, cost)}\n`);
      }
    }
    printComparison(costs);
  } finally {
    await sim.close();
    rmSync(root, { recursive: true, force: true });
    for (const dir of stateDirs) rmSync(dir, { recursive: true, force: true });
  }
}

/** Goals of issue 14 for a cold plan of unchanged servers. */
const GOAL_PER_UNCHANGED = 0.05;
const GOAL_MINUTES = 5;

/** The side-by-side table, the Terraform provider's floor, the ratios and the goals. */
function printComparison(costs: ReadonlyMap<string, RunCost>): void {
  const get = (key: string): RunCost => costs.get(key)!;
  const [oldCold, oldWarm, newCold, newWarm] = [
    get('per-server cold'),
    get('per-server warm'),
    get('new cold'),
    get('new warm'),
  ];
  const out: string[] = [
    `${name} side by side (same account, same fleet, same run):`,
    '| way | cold calls | per server | per unchanged server | cold plan at 60/min: whole fleet | unchanged servers only | warm calls | per server |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    row('per-server (ovh-fleet before issue 14)', oldCold, oldWarm),
    terraformRow(oldCold),
    row(`expanded list (listing ${pathOf(newCold.stats)})`, newCold, newWarm),
    `${name} ratio per-server/new: cold ${ratio(oldCold.stats.totalCalls, newCold.stats.totalCalls)}, ` +
      `cold per unchanged server ${ratio(perUnchanged(oldCold), perUnchanged(newCold))}, ` +
      `warm ${ratio(oldWarm.stats.totalCalls, newWarm.stats.totalCalls)}`,
    `${name} goals (new way, cold): ${perUnchanged(newCold).toFixed(4)} calls per unchanged server ` +
      `(goal <= ${GOAL_PER_UNCHANGED}: ${perUnchanged(newCold) <= GOAL_PER_UNCHANGED ? 'met' : 'NOT met'}); ` +
      `first complete plan of the unchanged servers ${minutesAtBudget(newCold.unchangedRequests).toFixed(1)} min at ${BUDGET_PER_MINUTE}/min ` +
      `(goal < ${GOAL_MINUTES}: ${minutesAtBudget(newCold.unchangedRequests) < GOAL_MINUTES ? 'met' : 'NOT met'}); listing ${pathOf(newCold.stats)}`,
  ];
  process.stdout.write(`${out.join('\n')}\n`);
}

function row(way: string, cold: RunCost, warm: RunCost): string {
  return (
    `| ${way} | ${cold.stats.totalCalls} | ${cold.stats.callsPerServer.toFixed(2)} | ${perUnchanged(cold).toFixed(4)} | ` +
    `${minutesAtBudget(cold.stats.totalCalls).toFixed(1)} min | ${minutesAtBudget(cold.unchangedRequests).toFixed(1)} min | ` +
    `${warm.stats.totalCalls} | ${warm.stats.callsPerServer.toFixed(2)} |`
  );
}

/**
 * The Terraform provider refreshes every resource on every plan with one
 * `GET /dedicated/server/{serviceName}` at the least: a floor computed from the fleet, not run.
 */
function terraformRow(cost: RunCost): string {
  const n = cost.servers;
  return (
    `| Terraform provider (computed floor: 1 GET per server per plan, not run) | >= ${n} | >= 1.00 | >= 1.0000 | ` +
    `>= ${minutesAtBudget(n).toFixed(1)} min | >= ${minutesAtBudget(cost.unchanged).toFixed(1)} min | >= ${n} | >= 1.00 |`
  );
}

function ratio(before: number, after: number): string {
  return after === 0 ? (before === 0 ? '1x' : 'all calls saved') : `${(before / after).toFixed(1)}x`;
}

/** The bench as the runner lists it. */
export const planObserveBench: Bench = { name, run };
