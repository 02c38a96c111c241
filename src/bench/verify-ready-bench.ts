/**
 * Verification bench (`verify-ready`, docs/verification.md; issue 15's figures): the time from a
 * reinstall task's `done` to the server's `ready` with the default timings of fleet.yaml's
 * `verify` section, and the OvhCloud API calls verification spends.
 *
 * Real components: the simulator (in process, its loopback probe listeners), the daemon's
 * verification watch (src/daemon/verify-watch.ts) with the real OVHcloud client over HTTPS, the
 * real network transport and the simulator's probe mapping with the loopback guard on (as
 * `ovh-fleet daemon` builds them against the simulator). The settings are read from a fleet.yaml
 * text by the real policy reader: probes `ssh` and `http` (the two the simulator answers; there
 * is no default probe list), every timing left to its default.
 *
 * Default timings are minutes of waiting, so the watch runs on simulator time: its clock is the
 * simulator's, and when every verification sleeps until its next round the bench moves the
 * simulator's clock to that round at once (POST /_sim/clock's power) and waits until the probe
 * listeners match the servers' state. The rounds themselves (probes, the API GET, the state
 * files) run in real time. Each server comes back after its own boot time (the simulator's
 * `late` probe fault), spread over a few minutes and out of step with the interval, so that the
 * figures are not those of a single phase between the boot and the rounds. Rounds before a server
 * answers count only toward the deadline (the verdict machine's rule), so every server becomes
 * ready however late it answers.
 *
 * `ready` is the verdict's time (the round that decided it). The daemon's follower noticing the
 * task's end is not in it (rounds count from the task's end, so a lag under `initialDelay` changes
 * nothing), nor the `verified` cycle that then commits the record (the daemon bench's figures).
 *
 * Figures: per server and as median/p95, done→ready and answers→ready, and PASS/FAIL against the
 * goal "ready one interval after the server answers". answers→ready is ready minus the later of
 * the server's first answer and the first round (done + initialDelay): a server that answers
 * before the first round cannot be seen earlier, and initialDelay is the operator's choice, not
 * verification's delay. Check (fails the bench): verification spends at most one
 * `GET /dedicated/server/{serviceName}` per server, and no other API call.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simulatorProbes } from '../cli/sim-probes.js';
import type { Clock } from '../core/clock.js';
import { systemClock } from '../core/clock.js';
import { silentLogger } from '../core/logger.js';
import { VerifyWatch } from '../daemon/verify-watch.js';
import { createOvhApi } from '../ovh/create-ovh-api.js';
import { RequestBudgetRegistry } from '../ovh/request-budget.js';
import type { StatusRecord } from '../records/types.js';
import { simulatorCredentials } from '../sim/client-credentials.js';
import { startSimulator, type RunningSimulator } from '../sim/index.js';
import { buildPolicy } from '../specs/build-policy.js';
import { parseFleetFile } from '../specs/parse-file.js';
import type { VerifySettings } from '../specs/verify-types.js';
import { netTransport, verifySettingsFor } from '../verify/index.js';
import type { Bench } from './main.js';
import { describeCalls, endpointOf } from './sim-child.js';

const SERVERS = 10;
const DIGEST = `sha256:${'0'.repeat(64)}`;
const FLEET_YAML = [
  'apiVersion: ovh-fleet/v1',
  'kind: Fleet',
  'verify:',
  '  probes:',
  '    - {name: ssh, type: ssh}',
  '    - {name: web, type: http, url: "http://{address}/"}',
  '',
].join('\n');

/** The settings fleet.yaml gives with every timing left to its default. */
function defaultSettings(): VerifySettings {
  const { policy, diagnostics } = buildPolicy(parseFleetFile('fleet.yaml', Buffer.from(FLEET_YAML)));
  if (diagnostics.length > 0) throw new Error(`fleet.yaml: ${diagnostics.map((d) => d.message).join('; ')}`);
  const settings = verifySettingsFor(policy.verify, {});
  if (!settings) throw new Error('fleet.yaml verifies nothing');
  return settings;
}

/**
 * Boot times are this many seconds apart: a little more than one interval, so that they spread
 * over a few minutes (more than `failureLimit` intervals: late servers are in the sample) and fall
 * at every phase of the rounds.
 */
function bootStepSec(s: VerifySettings): number {
  return Math.round(s.intervalMs / 1000) + 2;
}

interface Sleeper {
  at: number;
  resolve: () => void;
}

/**
 * The simulator's clock for the watch: `sleep` waits until the bench moves the simulator's clock
 * past the wake time (`jump`), or the real time gets there.
 */
class SimClock implements Clock {
  sleepers: Sleeper[] = [];

  constructor(private readonly sim: RunningSimulator) {}

  now(): number {
    return this.sim.control.now();
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason as Error);
      const onAbort = (): void => {
        this.sleepers = this.sleepers.filter((s) => s !== sleeper);
        reject(signal!.reason as Error);
      };
      // Woken: stop listening, or every round adds a listener to the watch's signal.
      const wake = (): void => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      const sleeper: Sleeper = { at: this.now() + Math.max(0, ms), resolve: wake };
      this.sleepers.push(sleeper);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Moves the simulator's clock to the earliest wake time (never back) and wakes who is due. */
  async jump(settle: () => Promise<void>): Promise<void> {
    const next = Math.min(...this.sleepers.map((s) => s.at));
    if (next > this.now()) this.sim.control.advanceClock(next - this.now());
    await settle();
    const now = this.now();
    const due = this.sleepers.filter((s) => s.at <= now);
    this.sleepers = this.sleepers.filter((s) => s.at > now);
    for (const s of due) s.resolve();
  }
}

function running(serviceName: string, endedAt: number): StatusRecord {
  return {
    serviceName,
    phase: 'verifying',
    reason: 'in-sync',
    message: '',
    since: new Date(endedAt).toISOString(),
    spec: null,
    desiredDigest: DIGEST,
    observedOs: null,
    task: null,
    lastApplied: null,
    lastAttempt: null,
    attempts: [],
    lastError: null,
    verification: {
      digest: DIGEST,
      result: 'running',
      startedAt: new Date(endedAt).toISOString(),
      finishedAt: null,
      message: null,
    },
  };
}

/** How many of `items` fall under each key. */
function tally<T>(items: readonly T[], keyOf: (item: T) => string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(keyOf(item), (counts.get(keyOf(item)) ?? 0) + 1);
  return counts;
}

const wait = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? NaN;
}

const sec = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

interface Measured {
  serviceName: string;
  bootMs: number;
  doneToReadyMs: number;
  /** Ready minus the later of the first answer and the first round (done + initialDelay). */
  answerToReadyMs: number;
}

async function measure(): Promise<{
  settings: VerifySettings;
  results: Measured[];
  calls: Map<string, number>;
  perServer: Map<string, number>;
}> {
  const settings = defaultSettings();
  const sim = await startSimulator({ servers: SERVERS, seed: 5 });
  const stateDir = mkdtempSync(join(tmpdir(), 'ovh-fleet-bench-verify-'));
  try {
    const names = sim.control.account().map((s) => s.server.name);
    // Reinstall every server (a task nobody posted through the API: not verification's calls),
    // each with its own boot time, and move the clock to the last task's end.
    const ends = new Map<string, number>();
    const boots = new Map<string, number>();
    const step = bootStepSec(settings);
    for (const [i, name] of names.entries()) {
      const bootSec = i * step;
      boots.set(name, bootSec * 1000);
      sim.control.setServerProbeFaults(name, { probeFault: 'late', probeLateSec: bootSec });
      sim.control.startForeignTask(name);
      const state = (await sim.control.probeServer(name)).state;
      if (state.condition !== 'installing' || state.changesAt === null)
        throw new Error(`${name} is not installing after its reinstall`);
      ends.set(name, state.changesAt);
    }
    const lastEnd = Math.max(...ends.values());
    sim.control.advanceClock(Math.max(0, lastEnd - sim.control.now()));

    const clock = new SimClock(sim);
    const api = createOvhApi(simulatorCredentials(sim, 'verify-bench'), {
      requestsPerMinute: 1_000_000,
      budgets: new RequestBudgetRegistry(systemClock),
    });
    // A daemon's client has signed calls before any verification (the cycles that observed the
    // fleet and followed the tasks): it knows the API's time. Warm this one the same way.
    await api.listServers();
    // All tasks are done now; verification starts at each task's end (the record's startedAt).
    sim.control.clearRequests();
    const decided = new Set<string>();
    const watch = new VerifyWatch({
      api,
      clock,
      log: silentLogger(),
      stateDir,
      probes: {
        targets: simulatorProbes(sim.control.probeMap()),
        transport: netTransport,
        commands: undefined,
        // Probe timeouts in real time; the rounds' times on the simulator's clock.
        clock: { now: () => sim.control.now(), sleep: systemClock.sleep },
      },
      settingsFor: () => ({ settings }),
      onVerdict: (name) => decided.add(name),
    });
    watch.update(names.map((name) => running(name, ends.get(name)!)));
    const settle = async (): Promise<void> => {
      for (const name of names) await sim.control.probeServer(name);
    };
    const giveUpAt = Date.now() + 300_000;
    while (decided.size < names.length) {
      if (watch.size === 0 || Date.now() > giveUpAt)
        throw new Error(
          `verification stopped without a verdict for ${names.length - decided.size} server(s)`,
        );
      if (clock.sleepers.length === watch.size) await clock.jump(settle);
      else await wait(2);
    }
    const log = sim.control.requests();
    await watch.stop();

    const results: Measured[] = [];
    for (const name of names) {
      const verdict = watch.verdicts.get(name);
      if (verdict?.result !== 'healthy')
        throw new Error(
          `${name}: verdict ${verdict?.result ?? 'none'} (${verdict?.message ?? ''}), not ready`,
        );
      const end = ends.get(name)!;
      const readyAt = Date.parse(verdict.finishedAt);
      const boot = boots.get(name)!;
      results.push({
        serviceName: name,
        bootMs: boot,
        doneToReadyMs: readyAt - end,
        answerToReadyMs: readyAt - Math.max(end + boot, end + settings.initialDelayMs),
      });
    }
    const calls = tally(log, (r) => `${r.method} ${endpointOf(r.path)}`);
    const perServer = tally(
      log.filter((r) => r.method === 'GET' && endpointOf(r.path) === '/dedicated/server/{serviceName}'),
      (r) => r.path.split('?')[0]!.slice('/dedicated/server/'.length),
    );
    return { settings, results, calls, perServer };
  } finally {
    await sim.close();
    rmSync(stateDir, { recursive: true, force: true });
  }
}

export const verifyReadyBench: Bench = {
  name: 'verify-ready',
  async run() {
    const { settings, results, calls, perServer } = await measure();
    const print = (line: string): void => void process.stdout.write(`verify-ready: ${line}\n`);
    const s = settings;
    print(
      `default timings: initialDelay ${sec(s.initialDelayMs)}, interval ${sec(s.intervalMs)}, timeout ${sec(s.timeoutMs)}, ` +
        `successes ${s.successes}, failureLimit ${s.failureLimit}, deadline ${sec(s.deadlineMs)}; probes ${s.probes.map((p) => p.type).join(' + ')}`,
    );
    const lastBoot = Math.max(...results.map((r) => r.bootMs));
    print(
      `the servers here answer 0 to ${sec(lastBoot)} after done (${(lastBoot / s.intervalMs).toFixed(1)} intervals; ` +
        `rounds before a server answers count only toward the deadline, not toward failureLimit)`,
    );
    for (const r of results)
      print(
        `  ${r.serviceName}: answers ${sec(r.bootMs)} after done, ready ${sec(r.doneToReadyMs)} after done, ${sec(r.answerToReadyMs)} after answering (or the first round)`,
      );
    const doneToReady = results.map((r) => r.doneToReadyMs).sort((a, b) => a - b);
    const answerToReady = results.map((r) => r.answerToReadyMs).sort((a, b) => a - b);
    const goalMet = quantile(answerToReady, 0.95) <= s.intervalMs;
    print(
      `done → ready (${results.length} servers): median ${sec(quantile(doneToReady, 0.5))}, p95 ${sec(quantile(doneToReady, 0.95))}`,
    );
    print(
      `server answers → ready: median ${sec(quantile(answerToReady, 0.5))}, p95 ${sec(quantile(answerToReady, 0.95))} ` +
        `(${(quantile(answerToReady, 0.5) / s.intervalMs).toFixed(1)} and ${(quantile(answerToReady, 0.95) / s.intervalMs).toFixed(1)} intervals); ` +
        `measured as ready - max(answers, done + initialDelay); goal: ready one interval (${sec(s.intervalMs)}) after the server answers, p95 within it: ${goalMet ? 'PASS' : 'FAIL'}`,
    );
    print(`OVHcloud API calls during verification: ${describeCalls(calls)}`);
    const total = [...calls.values()].reduce((a, b) => a + b, 0);
    const gets = [...perServer.values()].reduce((a, b) => a + b, 0);
    const over = [...perServer].filter(([, n]) => n > 1);
    const ok = total === gets && over.length === 0 && gets <= results.length;
    print(
      `allowance: one GET /dedicated/server/{sn} per server (${results.length}), nothing else: ` +
        `${total} calls (${gets} GET of ${perServer.size} servers, ${total - gets} other): ${ok ? 'PASS' : 'FAIL'}`,
    );
    if (!ok)
      throw new Error(
        `verification spent API calls beyond its allowance: ${describeCalls(calls)}` +
          (over.length > 0 ? `; read more than once: ${over.map(([n, c]) => `${n} ×${c}`).join(', ')}` : ''),
      );
  },
};
