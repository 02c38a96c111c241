/**
 * Steady-cycle benchmark (issue 14: "full cycle with nothing changed, 10,000 servers: under 2 s of
 * daemon time, measured"). The simulator runs in a child process with 10,000 servers (its CPU is
 * not counted); a spec for every server whose OS can be declared, as `ovh-fleet import` writes it,
 * and a protected spec for each of the others, in a bare origin. The daemon runs in this
 * process (startDaemon, as `ovh-fleet daemon` wires it) and converges: cycles until one writes
 * nothing. Then cycles with nothing changed, each printed with the daemon's own duration (its
 * cycle summary), the CPU this process spent (git children not included), the time of each step
 * (from the daemon's debug log) and the API calls the simulator received, by endpoint.
 * fleet.yaml sets `api.requestsPerMinute: 1000000` for these, so that the budget does not pace
 * the cycles. Then the steady state over a window of clock time, at fleet.yaml's default `api`
 * section (committed before the window): the daemon's clock jumps by the schedule's interval
 * (default cron, every 2 min) before each cycle, so that cached observations age as they would;
 * every call of the window (the sweep's included), per hour, is printed next to
 * `api.steadyStateShare × requestsPerMinute × 60`. OVH_FLEET_BENCH_PROFILE=FILE writes a
 * CPU profile (.cpuprofile) of the steady cycles; OVH_FLEET_BENCH_NO_WINDOW=1 skips the window.
 * The machine's other load shows in the wall times: the CPU time is the steadier figure.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Session } from 'node:inspector/promises';
import { importServer } from '../import/import-spec.js';
import { parseDaemonConfig } from '../config/daemon-config.js';
import { loadCredentials } from '../config/credentials.js';
import { systemClock, type Clock } from '../core/clock.js';
import { createLogger } from '../core/logger.js';
import { startDaemon, type RunningDaemon } from '../daemon/daemon.js';
import type { CycleSummary } from '../daemon/types.js';
import { createOvhApi, processRequestCounts } from '../ovh/create-ovh-api.js';
import { RequestBudgetRegistry } from '../ovh/request-budget.js';
import type { DedicatedServer, Template } from '../ovh/types.js';
import { benchGit } from './bench-git.js';
import type { Bench } from './main.js';
import {
  describeCalls,
  simControl,
  startSimChild,
  stopChild,
  takeRequests,
  totalCalls,
  type SimChild,
} from './sim-child.js';
import { countBy } from './count-by.js';

const SERVERS = 10_000;
const REQUESTS_PER_MINUTE = 1_000_000;
/** fleet.yaml's default `api.steadyStateShare` and `api.requestsPerMinute`. */
const DEFAULT_SHARE = 0.5;
const DEFAULT_RPM = 60;
const STEADY_CYCLES = 5;
const MAX_CONVERGE_CYCLES = 4;
/** The default schedule `*\/2 * * * *`: a full cycle every 2 minutes. */
const SCHEDULE_MS = 2 * 60_000;
/**
 * The window of clock time over which the steady-state spending is measured: one observation
 * lifetime (15 min, src/observe/cached-values.ts) and one cycle, so that each server's cached
 * observation expires once in it. The hourly refresh of the catalog and the daily one of hardware
 * and compatible templates fall outside it.
 */
const WINDOW_MS = 16 * 60_000;
/** Daemon clock after the switch to the default api section that the window leaves out. */
const WARMUP_MS = 10 * 60_000;

/** Real time plus an offset the bench moves forward (the daemon's caches age; no real wait). */
class JumpingClock implements Clock {
  private offset = 0;
  now(): number {
    return Date.now() + this.offset;
  }
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return systemClock.sleep(ms, signal);
  }
  jump(ms: number): void {
    this.offset += ms;
  }
}

/** Keeps the `step` debug lines of the daemon's log: per cycle id, each step's start time. */
class StepLog {
  private readonly steps = new Map<string, { step: string; at: number }[]>();
  write(line: string): void {
    if (!line.includes('"msg":"step"')) return;
    const entry = JSON.parse(line) as { cycleId: string; step: string; time: string };
    const list = this.steps.get(entry.cycleId) ?? [];
    list.push({ step: entry.step, at: Date.parse(entry.time) });
    this.steps.set(entry.cycleId, list);
  }
  /** "fetch 120 ms, verify 3 ms, ..." for one cycle (the last step runs to the cycle's end). */
  describe(summary: CycleSummary): string {
    const list = this.steps.get(summary.id) ?? [];
    // The log's times are real; the summary's follow the daemon's (jumping) clock: the last step
    // ends the cycle's duration after the first began.
    const end = (list[0]?.at ?? 0) + Date.parse(summary.endedAt) - Date.parse(summary.startedAt);
    return list.map((s, i) => `${s.step} ${(list[i + 1]?.at ?? end) - s.at}`).join(', ');
  }
}

/**
 * The fleet: what `ovh-fleet import` writes (its pure `importServer`, fed the account from the
 * simulator's control endpoint instead of 10,000 GETs, which would take a minute), a protected
 * spec for each server import skips, pushed to `origin`.
 */
async function writeFleet(root: string, sim: SimChild, origin: string): Promise<string> {
  const human = join(root, 'human');
  benchGit(root, ['init', '--quiet', '--bare', '--initial-branch=main', origin], root);
  benchGit(root, ['clone', '--quiet', origin, human], root);
  writeFileSync(
    join(human, 'fleet.yaml'),
    `apiVersion: ovh-fleet/v1\nkind: Fleet\napi:\n  requestsPerMinute: ${REQUESTS_PER_MINUTE}\n`,
  );
  const api = createOvhApi(await loadCredentials(sim.env), { requestsPerMinute: REQUESTS_PER_MINUTE });
  const account = (await simControl(sim, 'GET', '/_sim/account')) as { server: DedicatedServer }[];
  const infos = new Map((await api.listTemplateInfos()).map((i) => [i.templateName, i]));
  const templates = new Map<string, Template>();
  for (const os of new Set(account.map((s) => s.server.os))) {
    if (infos.has(os)) templates.set(os, await api.getTemplate(os));
  }
  const today = new Date().toISOString().slice(0, 10);
  mkdirSync(join(human, 'servers', 'imported'), { recursive: true });
  mkdirSync(join(human, 'servers', 'held'), { recursive: true });
  let imported = 0;
  for (const { server } of account) {
    const decision = importServer(
      server,
      { infos, templates },
      { today, schemaPath: '../../schemas/server.schema.json' },
    );
    if (decision.kind === 'spec') {
      writeFileSync(join(human, 'servers', 'imported', decision.fileName), decision.text);
      imported++;
    } else {
      writeFileSync(
        join(human, 'servers', 'held', `${server.name}.yaml`),
        `apiVersion: ovh-fleet/v1\nkind: Server\nserviceName: ${server.name}\noperatingSystem: debian12_64\nreinstall:\n  protect: true\n`,
      );
    }
  }
  benchGit(human, ['add', '--all'], root);
  benchGit(human, ['commit', '--quiet', '-m', 'fleet: imported'], root);
  benchGit(human, ['push', '--quiet', 'origin', 'HEAD:main'], root);
  return `${imported} specs as import writes them + ${account.length - imported} protected (servers import skips)`;
}

/** Runs one cycle and returns its summary; a failed cycle fails the bench. */
async function runCycle(daemon: RunningDaemon, kind: 'manual' | 'schedule'): Promise<CycleSummary> {
  const summary = await daemon.trigger(kind);
  if (!summary) throw new Error('the daemon stopped');
  if (summary.result === 'error')
    throw new Error(`cycle failed: ${summary.error?.code} ${summary.error?.message}`);
  return summary;
}

/** Runs one cycle: the daemon's summary, this process's CPU time and the API calls it made. */
async function measureCycle(daemon: RunningDaemon, sim: SimChild, kind: 'manual' | 'schedule') {
  await takeRequests(sim);
  const cpu0 = process.cpuUsage();
  const summary = await runCycle(daemon, kind);
  const cpu = process.cpuUsage(cpu0);
  const calls = await takeRequests(sim);
  return {
    summary,
    durationMs: Date.parse(summary.endedAt) - Date.parse(summary.startedAt),
    cpuMs: (cpu.user + cpu.system) / 1000,
    calls,
  };
}

async function measure(root: string, children: { sim?: SimChild }): Promise<void> {
  const print = (line: string): void => void process.stdout.write(`steady-cycle: ${line}\n`);
  const t0 = performance.now();
  const sim = await startSimChild(SERVERS, join(root, 'tls'));
  children.sim = sim;
  const origin = join(root, 'origin.git');
  print(`simulator child, ${SERVERS} servers; fleet: ${await writeFleet(root, sim, origin)}`);
  print(
    `fleet.yaml api.requestsPerMinute: ${REQUESTS_PER_MINUTE} (high, so that the request budget does not pace the cycles)`,
  );

  const clock = new JumpingClock();
  const steps = new StepLog();
  const budgets = new RequestBudgetRegistry(systemClock);
  const credentials = await loadCredentials(sim.env);
  const daemon = await startDaemon(
    parseDaemonConfig('', {
      OVH_FLEET_REPOSITORY_URL: origin,
      OVH_FLEET_STATE_DIR: join(root, 'state'),
      OVH_FLEET_LISTEN: '127.0.0.1:0',
    }),
    {
      api: createOvhApi(credentials, { requestsPerMinute: REQUESTS_PER_MINUTE, budgets }),
      // As `ovh-fleet daemon` wires it: the sweep pays for HTTP requests (pages, retries).
      apiRequestCounts: () => processRequestCounts.snapshot(),
      clock,
      logger: createLogger({ level: 'debug' }, steps),
      triggers: { schedule: false, watch: false, http: false },
    },
  );
  try {
    const converge: string[] = [];
    for (let i = 0; ; i++) {
      const c = await measureCycle(daemon, sim, 'manual');
      converge.push(
        `${(c.durationMs / 1000).toFixed(1)} s (${totalCalls(c.calls)} calls, ${c.summary.statusCommit ? 'status committed' : 'nothing written'})`,
      );
      if (c.summary.statusCommit === null) break;
      if (i + 1 >= MAX_CONVERGE_CYCLES)
        throw new Error(`not converged after ${i + 1} cycles: ${converge.join('; ')}`);
    }
    const phases = countBy(daemon.status().servers.map((s) => `${s.phase}/${s.reason}`));
    print(
      `converged after ${((performance.now() - t0) / 1000).toFixed(0)} s; cycles after the first: ${converge.join('; ')}; servers: ${phases}`,
    );

    await switchToDefaultApi(daemon, sim, clock, root);
    print(
      `fleet.yaml's default api section committed (${DEFAULT_RPM} requests/min, steadyStateShare ${DEFAULT_SHARE}); ` +
        `${WARMUP_MS / 60_000} min of daemon clock of warm-up`,
    );

    const profile = process.env.OVH_FLEET_BENCH_PROFILE;
    const session = profile ? new Session() : null;
    if (session) {
      session.connect();
      await session.post('Profiler.enable');
      await session.post('Profiler.start');
    }
    const steady: number[] = [];
    for (let i = 1; i <= STEADY_CYCLES; i++) {
      const c = await measureCycle(daemon, sim, 'manual');
      steady.push(c.durationMs);
      print(
        `steady cycle ${i}: ${c.durationMs} ms (cpu of this process ${c.cpuMs.toFixed(0)} ms), ` +
          `${c.summary.statusCommit ? 'STATUS COMMITTED' : 'nothing written'}; steps (ms): ${steps.describe(c.summary)}; ` +
          `API calls ${totalCalls(c.calls)}: ${describeCalls(c.calls)}`,
      );
    }
    if (session) {
      const { profile: p } = await session.post('Profiler.stop');
      writeFileSync(profile!, JSON.stringify(p));
      session.disconnect();
      print(`CPU profile of the steady cycles written to ${profile}`);
    }
    print(
      `steady cycle, nothing changed, ${SERVERS} servers: median ${median(steady)} ms over ${STEADY_CYCLES} (goal < 2000 ms)`,
    );

    if (process.env.OVH_FLEET_BENCH_NO_WINDOW === '1')
      print('steady-state window skipped (OVH_FLEET_BENCH_NO_WINDOW=1)');
    else await measureWindow(daemon, sim, clock, print);
  } finally {
    await daemon.stop();
  }
}

/**
 * Commits fleet.yaml's default `api` section (60 requests/min, steadyStateShare 0.5) and runs the
 * cycle that reads it, then WARMUP_MS of daemon clock: the background sweep's credit saved at the
 * bench's high rate is clamped to the new rate's ceiling and spent in those first minutes. The
 * bench's request budget stays at REQUESTS_PER_MINUTE, so that it paces nothing: what the daemon
 * spends from then on is what its own rules (the sweep's credit) let it spend, at the defaults.
 */
async function switchToDefaultApi(
  daemon: RunningDaemon,
  sim: SimChild,
  clock: JumpingClock,
  root: string,
): Promise<void> {
  const human = join(root, 'human');
  benchGit(human, ['pull', '--quiet', '--rebase', 'origin', 'main'], root);
  writeFileSync(join(human, 'fleet.yaml'), 'apiVersion: ovh-fleet/v1\nkind: Fleet\n');
  benchGit(human, ['commit', '--quiet', '--all', '-m', 'fleet: the default api budget'], root);
  benchGit(human, ['push', '--quiet', 'origin', 'HEAD:main'], root);
  await measureCycle(daemon, sim, 'manual'); // reads the new fleet.yaml
  await sweepSettled(daemon);
  // The sweep's credit saved at the bench's high rate is clamped to the new rate's ceiling and
  // spent in the first minutes: those are left out, the steady state is what follows.
  for (let at = 0; at < WARMUP_MS; at += SCHEDULE_MS) {
    clock.jump(SCHEDULE_MS);
    await runCycle(daemon, 'schedule');
    await sweepSettled(daemon);
  }
}

/**
 * The steady state over WINDOW_MS of the daemon's clock, a scheduled cycle every SCHEDULE_MS, at
 * fleet.yaml's default `api` section (see switchToDefaultApi). Every request the simulator saw
 * over the window counts, the sweep's slices between cycles too; the window runs from one sweep
 * slice to a later one, the stretch the sweep's credit accounts for (sweep-schedule.ts).
 */
async function measureWindow(
  daemon: RunningDaemon,
  sim: SimChild,
  clock: JumpingClock,
  print: (line: string) => void,
): Promise<void> {
  const t0 = performance.now();
  // The anchor: the sweep's slice after this cycle starts the stretch its credit covers, and the
  // checks it makes are paid by credit earned before; so the window counts calls made after it.
  clock.jump(SCHEDULE_MS);
  await runCycle(daemon, 'schedule');
  const anchor = clock.now();
  await sweepSettled(daemon);
  const checks0 = daemon.status().sweep?.checks ?? 0;
  await takeRequests(sim);
  let lastSlice = anchor;
  for (let at = SCHEDULE_MS; at <= WINDOW_MS; at += SCHEDULE_MS) {
    clock.jump(SCHEDULE_MS);
    await runCycle(daemon, 'schedule');
    lastSlice = clock.now();
    await sweepSettled(daemon);
  }
  const calls = await takeRequests(sim);
  const sweepChecks = (daemon.status().sweep?.checks ?? 0) - checks0;
  // Over the daemon clock from the anchor slice to the last slice (the jumps and the real time
  // the cycles took): the stretch whose credit paid for every call counted.
  const elapsedMs = lastSlice - anchor;
  const perHour = (totalCalls(calls) * 3_600_000) / elapsedMs;
  const allowance = DEFAULT_SHARE * DEFAULT_RPM * 60;
  print(
    `steady state at fleet.yaml's default api section (${DEFAULT_RPM} requests/min, steadyStateShare ${DEFAULT_SHARE}), ` +
      `over ${(elapsedMs / 60_000).toFixed(2)} min of daemon clock from one sweep slice to the ${WINDOW_MS / SCHEDULE_MS}th after it ` +
      `(a cycle every ${SCHEDULE_MS / 60_000} min, ${((performance.now() - t0) / 1000).toFixed(0)} s of real time): ` +
      `${totalCalls(calls)} calls (${sweepChecks} sweep checks) = ${perHour.toFixed(0)} calls/hour; by endpoint: ${describeCalls(calls)}`,
  );
  // The sweep's rule: over a stretch from one slice to a later one, the share plus one call (the
  // credit below one call carried from before the stretch, or a check's second call).
  const share = (allowance * elapsedMs) / 3_600_000;
  const within = totalCalls(calls) <= share + 1;
  print(
    `steady-state allowance = steadyStateShare x requestsPerMinute x 60 = ${DEFAULT_SHARE} x ${DEFAULT_RPM} x 60 = ${allowance}/hour; ` +
      `spent ${perHour.toFixed(0)}/hour = ${((100 * perHour) / allowance).toFixed(1)} % of it, ` +
      `${((100 * perHour) / (DEFAULT_RPM * 60)).toFixed(1)} % of the whole budget; over this stretch ${totalCalls(calls)} calls ` +
      `against a share of ${share.toFixed(1)} plus the one call the sweep may carry: ${within ? 'within' : 'OVER'} (goal: within)`,
  );
}

/** Waits until the background sweep's slice after a cycle is over. */
async function sweepSettled(daemon: RunningDaemon): Promise<void> {
  while (daemon.status().sweep?.sweeping) await new Promise((r) => setTimeout(r, 100));
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
}

export const steadyCycleBench: Bench = {
  name: 'steady-cycle',
  async run() {
    const root = mkdtempSync(join(tmpdir(), 'ovh-fleet-bench-steady-'));
    const children: { sim?: SimChild } = {};
    try {
      await measure(root, children);
    } finally {
      if (children.sim) await stopChild(children.sim.process);
      rmSync(root, { recursive: true, force: true, maxRetries: 5 });
    }
  },
};
