/**
 * Daemon RSS benchmark (issue 6: "the daemon's RSS with 10,000 managed servers, goal under
 * 200 MB"), measured on the REAL processes: the simulator runs in its own child process
 * (`ovh-fleet sim --servers 10000`, its memory is not counted), `ovh-fleet import` (its
 * `runImport`, in this process) writes a spec for every server whose OS can be declared into a
 * bare origin, and the bench a protected spec for each of the others: 10,000 specs. Then the
 * real `ovh-fleet daemon --config FILE` process, started as the systemd unit starts it (its node
 * flags and MALLOC_ARENA_MAX, read from systemd/ovh-fleet.service), runs its first full cycle
 * (adopt, or protected: every status record written and committed) and a second one (schedule
 * `* * * * *`; adopted → in sync: every record written again). Cycles that stop after the fetch
 * are not counted. The daemon's VmRSS and VmHWM are read from /proc/PID/status every 200 ms.
 * fleet.yaml sets `api.requestsPerMinute: 1000000` so that the request budget does not pace the
 * cycles. `daemon-rss-plain` runs the same with a bare `node`, for comparison.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { loadCredentials } from '../config/credentials.js';
import { createOvhApi } from '../ovh/create-ovh-api.js';
import { shippedDaemonLaunch } from './daemon-launch.js';
import { importedFleet } from './imported-fleet.js';
import type { Bench } from './main.js';
import { countBy } from './count-by.js';
import { stopChild } from './sim-child.js';

const MAIN = join(process.cwd(), 'dist', 'cli', 'main.js');
const SERVERS = 10_000;
const DEADLINE_MS = 10 * 60_000;
const MiB = 1024 * 1024;

/** VmRSS and VmHWM of a process, in bytes (null once it is gone). */
export function memoryOf(pid: number): { rss: number; hwm: number } | null {
  try {
    const text = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kib = (name: string): number => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(text)?.[1]);
    return { rss: kib('VmRSS') * 1024, hwm: kib('VmHWM') * 1024 };
  } catch {
    return null;
  }
}

const mib = (bytes: number): string => `${(bytes / MiB).toFixed(0)} MiB`;

/** Rejects with `message` once the bench's deadline passes. */
function deadline(startedAt: number, message: () => string): { promise: Promise<never>; clear(): void } {
  let timer: NodeJS.Timeout | undefined;
  const promise = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message())), startedAt + DEADLINE_MS - performance.now());
  });
  promise.catch(() => undefined);
  return { promise, clear: () => clearTimeout(timer) };
}

/** Starts the simulator child; resolves with its environment lines (OVH_*) once it listens. */
async function startSim(root: string, child: { sim?: ChildProcess }): Promise<Record<string, string>> {
  const sim = spawn(
    process.execPath,
    [MAIN, 'sim', '--servers', String(SERVERS), '--seed', '1', '--port', '0', '--tls-dir', join(root, 'tls')],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.sim = sim;
  let stderr = '';
  sim.stderr?.on('data', (b: Buffer) => (stderr = (stderr + b.toString('utf8')).slice(-4000)));
  const vars: Record<string, string> = {};
  const lines = createInterface({ input: sim.stdout! });
  return new Promise((resolve, reject) => {
    sim.once('exit', (code) =>
      reject(new Error(`the simulator exited (${code}) before listening: ${stderr}`)),
    );
    lines.on('line', (line) => {
      const m = /^(OVH_[A-Z_]+)=(.*)$/.exec(line);
      if (m) vars[m[1]!] = m[2]!;
      if (vars.OVH_CA_FILE !== undefined) resolve(vars);
    });
  });
}

interface CycleEnd {
  n: number;
  rssAtEnd: number;
  result: string;
  durationMs: number;
  servers: number;
  phases: string;
}

/** The whole run; children are recorded in `child` so that the caller can stop them. */
async function measure(
  root: string,
  child: { sim?: ChildProcess; daemon?: ChildProcess },
  asShipped: boolean,
): Promise<void> {
  const t0 = performance.now();
  const simEnv = await startSim(root, child);
  const simStartMs = performance.now() - t0;
  const api = createOvhApi(await loadCredentials(simEnv), { requestsPerMinute: 1_000_000 });

  // The servers import cannot declare (their OS is past its end of install, or unknown) are
  // managed too, as an operator holds such servers back: a protected spec each. All 10,000
  // servers then have a spec, a status record and observations.
  const fleet = await importedFleet(root, api);
  const origin = fleet.origin;
  process.stdout.write(
    `daemon-rss: simulator child with ${SERVERS} servers listening after ${simStartMs.toFixed(0)} ms; ` +
      `import: ${fleet.written} specs written, ${fleet.skipped} skipped ` +
      `(${fleet.skippedReasons}) in ${(fleet.importMs / 1000).toFixed(1)} s; ` +
      `a protected spec written for each skipped server: ${fleet.written + fleet.skipped} specs in all\n`,
  );

  const config = join(root, 'daemon.yaml');
  writeFileSync(
    config,
    `repository:\n  url: ${origin}\nlisten: 127.0.0.1:0\nstateDir: ${join(root, 'state')}\nlogLevel: info\nschedule: '* * * * *'\n`,
  );
  const log = createWriteStream(join(root, 'daemon.log'));
  const launch = asShipped ? shippedDaemonLaunch() : { nodeFlags: [], env: {} };
  process.stdout.write(
    `daemon-rss: daemon started ${asShipped ? 'as systemd/ovh-fleet.service starts it' : 'with no node flag and no MALLOC_* variable'}: ` +
      `node ${[...launch.nodeFlags, 'dist/cli/main.js daemon'].join(' ')}` +
      `${Object.entries(launch.env)
        .map(([k, v]) => `, ${k}=${v}`)
        .join('')}\n`,
  );
  const daemon = spawn(process.execPath, [...launch.nodeFlags, MAIN, 'daemon', '--config', config], {
    env: { PATH: process.env.PATH, HOME: root, ...launch.env, ...simEnv },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  child.daemon = daemon;
  const pid = daemon.pid!;
  let tail = '';
  let port = 0;
  let peakSampled = 0;
  let hwm = 0;
  const sample = (): number => {
    const m = memoryOf(pid);
    if (m) {
      peakSampled = Math.max(peakSampled, m.rss);
      hwm = Math.max(hwm, m.hwm);
    }
    return m?.rss ?? 0;
  };
  const sampler = setInterval(sample, 200);
  const ends: CycleEnd[] = [];
  const timer = deadline(
    t0,
    () =>
      `no second daemon cycle within ${DEADLINE_MS / 60_000} min (cycles ended: ${ends.length}); log tail: ${tail}`,
  );
  try {
    const done = new Promise<void>((resolve, reject) => {
      daemon.once('exit', (code, signal) =>
        reject(new Error(`the daemon exited (${code ?? signal}) after ${ends.length} cycle(s): ${tail}`)),
      );
      const queue: Promise<void>[] = [];
      createInterface({ input: daemon.stderr! }).on('line', (line) => {
        log.write(`${line}\n`);
        tail = (tail + line + '\n').slice(-3000);
        if (line.includes('"msg":"listening"')) port = Number(/"port":(\d+)/.exec(line)?.[1]);
        // Full cycles only: a cycle that stopped after the fetch (only status/ changed) is skipped.
        if (!line.includes('"msg":"cycle ended"') || line.includes('"result":"skipped"')) return;
        if (queue.length >= 2) return;
        const rssAtEnd = sample();
        const n = queue.length + 1;
        queue.push(
          cycleSummary(port, n, rssAtEnd).then((end) => {
            ends.push(end);
            if (ends.length === 2) resolve();
          }, reject),
        );
      });
    });
    await Promise.race([done, timer.promise]);
  } finally {
    timer.clear();
    clearInterval(sampler);
    sample();
  }
  for (const e of ends) {
    process.stdout.write(
      `daemon-rss: cycle ${e.n}: ${e.result} in ${(e.durationMs / 1000).toFixed(1)} s, ${e.servers} servers in /api/status (${e.phases}); daemon VmRSS at its end ${mib(e.rssAtEnd)}\n`,
    );
  }
  process.stdout.write(
    `daemon-rss: daemon peak: VmHWM ${mib(hwm)}, highest VmRSS sampled every 200 ms ${mib(peakSampled)} ` +
      `(goal < 200 MB = ${mib(200e6)}; the simulator's memory is not counted; includes serving GET /api/status after each cycle)\n`,
  );
}

/** Reads /api/status once after cycle `n` ended: its duration, result and the servers managed. */
async function cycleSummary(port: number, n: number, rssAtEnd: number): Promise<CycleEnd> {
  const response = await fetch(`http://127.0.0.1:${port}/api/status`);
  const status = (await response.json()) as {
    lastCycle: { result: string; startedAt: string; endedAt: string } | null;
    servers: { phase: string }[];
  };
  const last = status.lastCycle;
  if (!last) throw new Error(`GET /api/status shows no lastCycle after cycle ${n}`);
  return {
    n,
    rssAtEnd,
    result: last.result,
    durationMs: Date.parse(last.endedAt) - Date.parse(last.startedAt),
    servers: status.servers.length,
    phases: countBy(status.servers.map((s) => s.phase)),
  };
}

async function run(asShipped: boolean): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'ovh-fleet-bench-rss-'));
  const child: { sim?: ChildProcess; daemon?: ChildProcess } = {};
  try {
    await measure(root, child, asShipped);
  } finally {
    if (child.daemon) await stopChild(child.daemon);
    if (child.sim) await stopChild(child.sim);
    rmSync(root, { recursive: true, force: true, maxRetries: 5 });
  }
}

/** The daemon as the systemd unit and the container start it (node flags, MALLOC_ARENA_MAX). */
export const daemonRssBench: Bench = { name: 'daemon-rss', run: () => run(true) };

/** The same with a bare `node` (only when named: `node dist/bench/main.js daemon-rss-plain`). */
export const daemonRssPlainBench: Bench = { name: 'daemon-rss-plain', run: () => run(false) };
