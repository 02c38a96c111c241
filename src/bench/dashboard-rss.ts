/**
 * The daemon's extra RSS while 5 dashboards are open (issue 17, goal under 20 MB), measured on
 * the real processes: the simulator in its own child (`ovh-fleet sim --servers SERVERS`, not
 * counted), a fleet imported from it (imported-fleet.ts), and the real `ovh-fleet daemon` started
 * as systemd/ovh-fleet.service starts it, with a full cycle every 10 s. Its VmRSS
 * (/proc/PID/status) is read while no dashboard is open, after WARM_CYCLES full cycles, then with
 * DASHBOARDS Chromium pages open on `/` (each in its own browser context, its event stream
 * connected and its snapshot shown) through at least one more full cycle, whose update the pages
 * receive. The daemon exposes no way to force a garbage collection, so each figure is the median
 * of READINGS readings taken 250 ms apart once the cycle has ended.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Browser, BrowserContext } from 'playwright-core';
import { loadCredentials } from '../config/credentials.js';
import { createOvhApi } from '../ovh/create-ovh-api.js';
import { memoryOf } from './daemon-rss-bench.js';
import { shippedDaemonLaunch } from './daemon-launch.js';
import { median, until } from './dashboard-render.js';
import { importedFleet } from './imported-fleet.js';
import { startSimChild, stopChild } from './sim-child.js';

const MAIN = join(process.cwd(), 'dist', 'cli', 'main.js');
const SERVERS = 2_000;
const DASHBOARDS = 5;
/** Full cycles before the reading without dashboards: the first adopts, the second finds in sync. */
const WARM_CYCLES = 3;
const READINGS = 9;
const CYCLE_DEADLINE_MS = 90_000;
const MiB = 1024 * 1024;

const mib = (bytes: number): string => `${(bytes / MiB).toFixed(1)} MiB`;

/** The running daemon: its port once it listens, and a wait for its next full cycle's end. */
interface DaemonChild {
  process: ChildProcess;
  port(): Promise<number>;
  fullCycles(): number;
  cycleEnded(count: number): Promise<void>;
}

function startDaemon(root: string, origin: string, simEnv: Record<string, string>): DaemonChild {
  const config = join(root, 'daemon.yaml');
  writeFileSync(
    config,
    `repository:\n  url: ${origin}\nlisten: 127.0.0.1:0\nstateDir: ${join(root, 'state')}\nlogLevel: info\nschedule: '*/10 * * * * *'\n`,
  );
  const launch = shippedDaemonLaunch();
  const child = spawn(process.execPath, [...launch.nodeFlags, MAIN, 'daemon', '--config', config], {
    env: { PATH: process.env.PATH, HOME: root, ...launch.env, ...simEnv },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let tail = '';
  let port = 0;
  let cycles = 0;
  const waiters: (() => void)[] = [];
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code, signal) =>
      reject(new Error(`the daemon exited (${code ?? signal}) after ${cycles} cycle(s): ${tail}`)),
    ),
  );
  exited.catch(() => undefined);
  createInterface({ input: child.stderr! }).on('line', (line) => {
    tail = (tail + line + '\n').slice(-3000);
    if (line.includes('"msg":"listening"')) port = Number(/"port":(\d+)/.exec(line)?.[1]);
    // Full cycles only: a cycle that stopped after the fetch (only status/ changed) is not one.
    if (line.includes('"msg":"cycle ended"') && !line.includes('"result":"skipped"')) cycles += 1;
    for (const wake of waiters.splice(0)) wake();
  });
  const when = async (done: () => boolean, what: string): Promise<void> => {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`${what}: not within ${CYCLE_DEADLINE_MS / 1000} s: ${tail}`)),
        CYCLE_DEADLINE_MS,
      );
    });
    try {
      while (!done()) await Promise.race([new Promise<void>((r) => waiters.push(r)), exited, late]);
    } finally {
      clearTimeout(timer);
    }
  };
  return {
    process: child,
    port: async () => {
      await when(() => port !== 0, 'the daemon listening');
      return port;
    },
    fullCycles: () => cycles,
    cycleEnded: (count) => when(() => cycles >= count, `full cycle ${count} of the daemon`),
  };
}

/** The median of READINGS VmRSS readings of `pid`, 250 ms apart. */
async function settledRss(pid: number): Promise<{ median: number; min: number; max: number }> {
  const readings: number[] = [];
  for (let i = 0; i < READINGS; i++) {
    if (i > 0) await new Promise((resolve) => setTimeout(resolve, 250));
    const m = memoryOf(pid);
    if (!m) throw new Error('the daemon is gone');
    readings.push(m.rss);
  }
  return { median: median(readings), min: Math.min(...readings), max: Math.max(...readings) };
}

/** Opens one dashboard in its own context; resolves once it is live and shows every server. */
async function openDashboard(browser: Browser, url: string, servers: number): Promise<BrowserContext> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(url);
  await page.locator('#connection[data-state="live"]').waitFor({ timeout: 60_000 });
  await until(
    page,
    `document.getElementById('view-fleet')?.textContent?.includes(${JSON.stringify(`${servers} of ${servers} servers shown`)}) === true`,
  );
  return context;
}

/** Prints the daemon's VmRSS without dashboards, with DASHBOARDS open, and the difference. */
export async function measureDashboardsRss(browser: Browser, print: (line: string) => void): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'ovh-fleet-bench-dashboards-'));
  const children: ChildProcess[] = [];
  const contexts: BrowserContext[] = [];
  try {
    const sim = await startSimChild(SERVERS, join(root, 'tls'));
    children.push(sim.process);
    const api = createOvhApi(await loadCredentials(sim.env), { requestsPerMinute: 1_000_000 });
    const fleet = await importedFleet(root, api);
    const daemon = startDaemon(root, fleet.origin, sim.env);
    children.unshift(daemon.process);
    const url = `http://127.0.0.1:${await daemon.port()}/`;
    await daemon.cycleEnded(WARM_CYCLES);
    const before = await settledRss(daemon.process.pid!);

    const t0 = performance.now();
    for (let i = 0; i < DASHBOARDS; i++) contexts.push(await openDashboard(browser, url, SERVERS));
    const openMs = performance.now() - t0;
    const cycle = daemon.fullCycles() + 1;
    await daemon.cycleEnded(cycle);
    // The cycle's update goes out to the pages once it ended; give them a moment to take it.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    for (const context of contexts)
      await context.pages()[0]!.locator('#connection[data-state="live"]').waitFor({ timeout: 10_000 });
    const after = await settledRss(daemon.process.pid!);

    const extra = after.median - before.median;
    print(
      `dashboard: daemon with ${SERVERS} servers (${fleet.written} imported specs, ${fleet.skipped} protected), ` +
        `started as systemd/ovh-fleet.service starts it, a full cycle every 10 s; ` +
        `VmRSS median of ${READINGS} readings: before ${mib(before.median)} (after ${WARM_CYCLES} cycles, no dashboard; ` +
        `${mib(before.min)}–${mib(before.max)}), with ${DASHBOARDS} dashboards open through cycle ${cycle} ` +
        `${mib(after.median)} (${mib(after.min)}–${mib(after.max)}; opened in ${(openMs / 1000).toFixed(1)} s); ` +
        `extra ${mib(extra)}; goal under 20 MB (${mib(20e6)}): ${extra < 20e6 ? 'PASS' : 'FAIL'}`,
    );
  } finally {
    for (const context of contexts) await context.close();
    for (const child of children) await stopChild(child);
    rmSync(root, { recursive: true, force: true, maxRetries: 5 });
  }
}
