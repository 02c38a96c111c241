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
 *
 * Following (issue 14): the same run prints, per reinstall, the calls from the POST (included) to
 * the recorded end by kind, and the lag between OVHcloud's end (the task's doneDate) and the
 * recorded end, for the adaptive schedule with a progress listener (the follower's defaults
 * scaled by the sim's speed) and, beside it, the interval schedule as this bench ran it before
 * (fewer servers: its calls per reinstall do not depend on the count).
 */
import { simulatorCredentials } from '../sim/client-credentials.js';
import https from 'node:https';
import type { Duplex } from 'node:stream';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyPlan } from '../apply/apply-plan.js';
import { DEFAULT_FOLLOWER_OPTIONS, type FollowerOptions } from '../apply/task-follower.js';
import { IntentJournal } from '../apply/intent-journal.js';
import { systemClock } from '../core/clock.js';
import { createOvhApi } from '../ovh/create-ovh-api.js';
import type { OvhApi } from '../ovh/ovh-api.js';
import { RequestBudgetRegistry } from '../ovh/request-budget.js';
import type { ApplyEvent } from '../apply/apply-types.js';
import type { Plan, PlanServer } from '../plan/types.js';
import { REINSTALL_DURATION_MS, startSimulator } from '../sim/index.js';
import { DEFAULT_POLICY, type ServerSpec } from '../specs/types.js';
import type { Bench } from './main.js';

const REINSTALLS = 1_000;
/** The schedule before issue 14 runs on fewer servers (its calls per reinstall do not depend on the count). */
const BASELINE_REINSTALLS = 300;
const MAX_CONCURRENT = 50;
const SPEED = 150;
const BUDGET = 10_000_000;
const TARGETS = /^(debian12_64|ubuntu2404-server_64|alma9_64|rocky9_64|debian13_64)$/;

/**
 * The follower's defaults scaled to the simulator's speed (a 4.4 s task stands for 11 min 05 s),
 * so that calls and lag are those of real time divided by SPEED.
 */
const scaled = (ms: number): number => Math.max(1, Math.round(ms / SPEED));
const ADAPTIVE: Partial<FollowerOptions> = {
  schedule: 'adaptive',
  slowIntervalMs: scaled(DEFAULT_FOLLOWER_OPTIONS.slowIntervalMs),
  intervalMs: scaled(DEFAULT_FOLLOWER_OPTIONS.intervalMs),
  minIntervalMs: scaled(DEFAULT_FOLLOWER_OPTIONS.minIntervalMs),
  nearIntervalMs: scaled(DEFAULT_FOLLOWER_OPTIONS.nearIntervalMs),
  endMarginMs: scaled(DEFAULT_FOLLOWER_OPTIONS.endMarginMs),
  firstLookMs: scaled(DEFAULT_FOLLOWER_OPTIONS.firstLookMs),
  expectedDurationMs: scaled(DEFAULT_FOLLOWER_OPTIONS.expectedDurationMs),
};
/** The bench's options before issue 14 (interval schedule, nobody listening to progress). */
const INTERVAL: Partial<FollowerOptions> = {
  schedule: 'interval',
  slowIntervalMs: 1_000,
  intervalMs: 1_000,
  minIntervalMs: 100,
};

/** What one run measured. */
interface ApplyFigures {
  reinstalls: number;
  done: number;
  measuredMs: number;
  opened: number;
  /** Calls by kind over the whole run. */
  kinds: Map<string, number>;
  calls: number;
  /** Calls of a server from its POST (included) to its recorded end, by kind. */
  fromPost: Map<string, number>;
  /** Recorded end minus OVHcloud's doneDate, sim clock, ms, one per done reinstall. */
  lags: number[];
  /** Progress reports with a step (n of m) the listener received. */
  progressShown: number;
  peakRss: number;
}

export const applyBench: Bench = {
  name: 'apply',
  async run() {
    const taskMs = Math.max(1, Math.round(REINSTALL_DURATION_MS / SPEED));
    const now = await runApply(REINSTALLS, ADAPTIVE, true);
    const before = await runApply(BASELINE_REINSTALLS, INTERVAL, false);
    const idealMs = Math.ceil(now.reinstalls / MAX_CONCURRENT) * taskMs;
    const print = (line: string): void => void process.stdout.write(`apply: ${line}\n`);
    print(
      `${now.reinstalls} reinstalls (${now.done} done), maxConcurrent ${MAX_CONCURRENT}, sim speed ${SPEED} (task ${taskMs.toFixed(0)} ms), request budget ${BUDGET}/min (not the bottleneck)`,
    );
    print(
      `measured ${(now.measuredMs / 1000).toFixed(2)} s, ideal ${(idealMs / 1000).toFixed(2)} s, efficiency ${(idealMs / now.measuredMs).toFixed(2)} (goal >= 0.9)`,
    );
    print(`ideal = ceil(${now.reinstalls} / ${MAX_CONCURRENT}) waves x ${taskMs} ms task life`);
    print(
      `${now.calls} API calls, ${(now.calls / now.reinstalls).toFixed(1)} per reinstall (${perReinstall(now.kinds, now.reinstalls)}); ${now.opened} TLS connections opened; peak RSS ${(now.peakRss / 1048576).toFixed(0)} MiB`,
    );
    for (const [name, f] of [
      ['adaptive (progress shown)', now],
      ['interval, before issue 14 (no progress read)', before],
    ] as const) {
      const post = sum(f.fromPost);
      print(
        `follow ${name}: ${(post / f.reinstalls).toFixed(2)} calls per reinstall POST to recorded end (${perReinstall(f.fromPost, f.reinstalls)}; goal <= 5), ${(f.calls / f.reinstalls).toFixed(2)} with the preflight; over ${f.reinstalls} reinstalls`,
      );
      if (f.progressShown > 0)
        print(
          `follow ${name}: ${(f.progressShown / f.reinstalls).toFixed(2)} progress reports with a step (n of m) per reinstall`,
        );
      print(
        `follow ${name}: end seen after OVHcloud's doneDate: max ${Math.max(...f.lags)} ms, mean ${mean(f.lags).toFixed(0)} ms; at speed 1 (x${SPEED}) max ${((Math.max(...f.lags) * SPEED) / 1000).toFixed(0)} s, mean ${((mean(f.lags) * SPEED) / 1000).toFixed(0)} s (goal <= 60 s; includes the read-back and each request's round trip x${SPEED})`,
      );
    }
    print(
      `follow: POST to recorded end, interval / adaptive = ${(sum(before.fromPost) / before.reinstalls / (sum(now.fromPost) / now.reinstalls)).toFixed(1)}x fewer calls`,
    );
  },
};

/** One applyPlan run of `count` reinstalls with these follower options; a progress listener when `listen`. */
async function runApply(
  count: number,
  follower: Partial<FollowerOptions>,
  listen: boolean,
): Promise<ApplyFigures> {
  const sim = await startSimulator({ servers: count, seed: 5, speed: SPEED });
  const stateDir = await mkdtemp(join(tmpdir(), 'ovh-fleet-apply-bench-'));
  try {
    const api = createOvhApi(simulatorCredentials(sim, 'apply-bench'), {
      requestsPerMinute: BUDGET,
      budgets: new RequestBudgetRegistry(systemClock),
    });
    const doneDates = new Map<string, number>();
    let progressShown = 0;
    let peakRss = process.memoryUsage().rss;
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);
    const watched = watchDoneDates(api, doneDates);
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
        api: watched,
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
        // A listener is what shows progress (the daemon always has one); without it the interval
        // schedule reads no install/status.
        ...(listen
          ? {
              onEvent: (event: ApplyEvent) => {
                if (event.type === 'progress' && event.progress.step !== null) progressShown++;
              },
            }
          : {}),
      },
      { wait: true, follower },
    );
    const measuredMs = performance.now() - started;
    clearInterval(sampler);
    const simOffset = sim.control.now() - Date.now();
    const opened = connections.stop();
    const log = sim.control.requests();
    const kinds = new Map<string, number>();
    const fromPost = new Map<string, number>();
    const posted = new Set<string>();
    for (const r of log) {
      const kind = kindOf(r.method, r.path);
      kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
      const server = /^\/dedicated\/server\/([^/?]+)/.exec(r.path)?.[1];
      if (server && r.method === 'POST' && r.path.endsWith('/reinstall')) posted.add(server);
      if (server && posted.has(server)) fromPost.set(kind, (fromPost.get(kind) ?? 0) + 1);
    }
    const lags: number[] = [];
    for (const o of report.outcomes) {
      const doneAt = doneDates.get(o.serviceName);
      if (o.result === 'done' && o.endedAt && doneAt !== undefined)
        lags.push(Date.parse(o.endedAt) + simOffset - doneAt);
    }
    return {
      reinstalls: specs.length,
      done: report.outcomes.filter((o) => o.result === 'done').length,
      measuredMs,
      opened,
      kinds,
      calls: log.length,
      fromPost,
      lags,
      progressShown,
      peakRss,
    };
  } finally {
    await sim.close();
    await rm(stateDir, { recursive: true, force: true });
  }
}

/** The port, with each task's doneDate noted as the follower reads it. */
function watchDoneDates(api: OvhApi, doneDates: Map<string, number>): OvhApi {
  return new Proxy(api, {
    get(target, key, receiver) {
      if (key !== 'getTask') return Reflect.get(target, key, receiver) as unknown;
      return async (...args: Parameters<OvhApi['getTask']>) => {
        const task = await target.getTask(...args);
        if (task.doneDate) doneDates.set(args[0], Date.parse(task.doneDate));
        return task;
      };
    },
  });
}

function kindOf(method: string, path: string): string {
  return `${method} ${path
    .replace(/^\/dedicated\/server\/[^/?]+/, '{s}')
    .replace(/\/task\/\d+/, '/task/{id}')
    .replace(/\?.*$/, '')}`;
}

function perReinstall(kinds: Map<string, number>, reinstalls: number): string {
  return [...kinds]
    .sort((a, b) => b[1] - a[1])
    .map(([k, n]) => `${k} ${(n / reinstalls).toFixed(2)}`)
    .join(', ');
}

function sum(kinds: Map<string, number>): number {
  return [...kinds.values()].reduce((a, b) => a + b, 0);
}

function mean(values: number[]): number {
  return values.length === 0 ? 0 : values.reduce((a, b) => a + b, 0) / values.length;
}

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
