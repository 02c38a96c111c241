/**
 * What the dashboard's browser tests share: the distribution's Chromium (OVH_FLEET_CHROMIUM, else
 * /usr/bin/chromium, with --no-sandbox as root; a file's tests skip with a message when it is
 * missing) and the real listener serving a made-up status with its live event hub, started
 * before a file's tests and closed after them (`useBrowserWorld`).
 */
import { existsSync } from 'node:fs';
import { afterAll, beforeAll } from 'vitest';
import { parse } from 'yaml';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../../../src/bench/dashboard-chromium.js';
import { startStatusListener } from '../../../src/bench/status-listener.js';
import type { HttpHandlers, HttpListener } from '../../../src/daemon/http-server.js';
import type { LiveRecord } from '../../../src/daemon/live-records.js';
import type { DaemonStatus } from '../../../src/daemon/types.js';
import { LiveEvents, type LiveEventsOptions } from '../../../src/daemon/ui/live-events.js';
import type { RunningDaemon } from '../../../src/daemon/daemon.js';
import type { StatusRecord } from '../../../src/records/types.js';
import { record, spec } from '../../plan/helpers.js';
import { spec as specText, type Managed, type World } from '../helpers.js';

export const CHROMIUM = process.env.OVH_FLEET_CHROMIUM ?? '/usr/bin/chromium';
export const HAVE_CHROMIUM = existsSync(CHROMIUM);

/** Says once why `what` is skipped when there is no Chromium. */
export function noticeSkip(what: string): void {
  if (!HAVE_CHROMIUM)
    console.warn(
      `${what} skipped: no Chromium at ${CHROMIUM} (install the distribution's chromium package, ` +
        'or set OVH_FLEET_CHROMIUM to its executable)',
    );
}

/** Chromium, headless (throws when it cannot be launched). */
export async function chromiumBrowser(): Promise<Browser> {
  const launched = await launchChromium();
  if ('skip' in launched) throw new Error(launched.skip);
  return launched.browser;
}

/**
 * Launches Chromium before the file's tests and closes it after them; without Chromium nothing
 * is launched and the tests skip with a message naming `what`.
 */
export function useChromium(what: string): { browser: Browser } {
  noticeSkip(what);
  const held: Partial<{ browser: Browser }> = {};
  beforeAll(async () => {
    if (HAVE_CHROMIUM) held.browser = await chromiumBrowser();
  }, 60_000);
  afterAll(async () => {
    await held.browser?.close();
  });
  return held as { browser: Browser };
}

/** The browser and the listener of a file's tests (set once its beforeAll ran). */
export interface BrowserWorld {
  browser: Browser;
  events: LiveEvents;
  listener: HttpListener;
  /** http://127.0.0.1:<port> */
  base: string;
}

/**
 * Launches Chromium and starts the listener over `status` (with a LiveEvents hub coalescing at
 * 20 ms unless `events` says otherwise) before the file's tests, closes both after them. Nothing
 * is started without Chromium; the tests skip with a message naming `what`.
 */
export function useBrowserWorld(
  what: string,
  status: () => DaemonStatus,
  options: { events?: Partial<LiveEventsOptions>; handlers?: Partial<HttpHandlers> } = {},
): BrowserWorld {
  noticeSkip(what);
  const world: Partial<BrowserWorld> = {};
  beforeAll(async () => {
    if (!HAVE_CHROMIUM) return;
    world.browser = await chromiumBrowser();
    world.events = new LiveEvents({ status, coalesceMs: 20, ...options.events });
    world.listener = await startStatusListener(status, { events: world.events, ...options.handlers });
    world.base = `http://127.0.0.1:${world.listener.port}`;
  }, 60_000);
  afterAll(async () => {
    world.events?.close();
    await world.browser?.close();
    await world.listener?.close();
  });
  return world as BrowserWorld;
}

/** A status as the daemon reports it after a cycle at head aaaa…, with these servers. */
export function statusOf(servers: LiveRecord[], more: Partial<DaemonStatus> = {}): DaemonStatus {
  return {
    ready: true,
    head: 'a'.repeat(40),
    block: null,
    lastCycle: null,
    lastGoodCycleAt: null,
    tasksInFlight: 0,
    servers,
    ...more,
  };
}

/** A server being reinstalled, its task at `step` of 21 (no estimate yet). */
export function reinstalling(name: string, step: number): LiveRecord {
  return {
    ...record(name, spec(name), { phase: 'reinstalling', reason: 'os-changed' }),
    task: {
      id: name.length,
      status: 'doing',
      step,
      steps: 21,
      currentStep: `step ${step}`,
      elapsedSeconds: 60 * step,
      startedAt: '2026-12-03T10:00:00.000Z',
      etaSeconds: null,
      expectedEndAt: null,
    },
  };
}

/**
 * Records what a page should never do: console errors and page errors in `console`, failed
 * requests (but the event stream, which is cut when the page closes) and HTTP errors in `failed`
 * (the same list unless given).
 */
export function collectTrouble(page: Page, console: string[], failed: string[] = console): void {
  page.on('console', (m) => {
    if (m.type() === 'error') console.push(m.text());
  });
  page.on('pageerror', (e) => console.push(`page error: ${e.message}`));
  page.on('requestfailed', (r) => {
    if (!r.url().endsWith('/api/events')) failed.push(`${r.url()}: ${r.failure()?.errorText}`);
  });
  page.on('response', (r) => {
    if (r.status() >= 400) failed.push(`${r.url()}: HTTP ${r.status()}`);
  });
}

/**
 * Counts the CSP violations the page itself sees (read them with `cspViolations`). Init scripts
 * run outside the page's CSP.
 */
export async function recordCspViolations(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const w = window as unknown as { cspViolations: string[] };
    w.cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) =>
      w.cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`),
    );
  });
}

/** The CSP violations recorded since the page loaded (recordCspViolations). */
export async function cspViolations(page: Page): Promise<string[]> {
  return page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations);
}

/**
 * Merges a change of `m` to its other operating system, runs cycles until its status file says
 * the reinstall is done, then runs one more cycle (the records then say ready).
 */
export async function reinstallToOther(world: World, daemon: RunningDaemon, m: Managed): Promise<void> {
  world.write(m.file, specText(m.name, m.other));
  world.commit(`move ${m.name} to ${m.other}`);
  await daemon.trigger('manual');
  await world.until(
    () => {
      const text = world.originFile(`status/${m.name}.yaml`);
      return text !== null && (parse(text) as StatusRecord).lastApplied?.result === 'done';
    },
    'the reinstall recorded done',
    120_000,
  );
  await daemon.trigger('manual');
}
