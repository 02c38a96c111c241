/// <reference lib="dom" />
/**
 * Review 5, defect: the Fleet view's server list drops keyboard focus at every live update.
 * ui/fleet.js `render` resets its row range whenever the store's version moves, and
 * `renderRows` then replaces every row in sight (`replace(this.body, ...)`): the server link a
 * keyboard user tabbed to is removed from the document and focus falls back to <body>, even when
 * the update touched another server. During a rollout updates come up to 4 times a second, so
 * the list cannot be walked with the keyboard (Tab from <body> starts again at the top).
 *
 * Expected: a focused server link in the list keeps the focus when an update changes only
 * another server.
 */
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser } from 'playwright-core';
import { createLogger } from '../../../src/core/logger.js';
import { startHttpServer, type HttpListener } from '../../../src/daemon/http-server.js';
import type { LiveRecord } from '../../../src/daemon/live-records.js';
import { createDaemonMetrics } from '../../../src/daemon/metrics.js';
import type { DaemonStatus } from '../../../src/daemon/types.js';
import { LiveEvents } from '../../../src/daemon/ui/live-events.js';
import { record, spec } from '../../plan/helpers.js';

const CHROMIUM = process.env.OVH_FLEET_CHROMIUM ?? '/usr/bin/chromium';
const HAVE_CHROMIUM = existsSync(CHROMIUM);

function reinstalling(name: string, step: number): LiveRecord {
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

let status: DaemonStatus = {
  ready: true,
  head: 'a'.repeat(40),
  block: null,
  lastCycle: null,
  lastGoodCycleAt: null,
  tasksInFlight: 2,
  servers: [reinstalling('ns-a.eu', 3), reinstalling('ns-b.eu', 3)],
};

let browser: Browser | null = null;
let listener: HttpListener | null = null;
let events: LiveEvents;
let base = '';
beforeAll(async () => {
  if (!HAVE_CHROMIUM) return;
  const args = process.getuid?.() === 0 ? ['--no-sandbox'] : [];
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args });
  events = new LiveEvents({ status: () => status, coalesceMs: 20 });
  listener = await startHttpServer('127.0.0.1', 0, {
    ready: () => true,
    status: () => status,
    onWebhook: () => undefined,
    webhookSecret: null,
    events,
    metrics: createDaemonMetrics(),
    log: createLogger({ level: 'silent' }),
  });
  base = `http://127.0.0.1:${listener.port}`;
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await listener?.close();
});

describe.skipIf(!HAVE_CHROMIUM)('keyboard focus in the Fleet list during a rollout', () => {
  it('survives an update of another server', { timeout: 60_000 }, async () => {
    const context = await browser!.newContext();
    const page = await context.newPage();
    try {
      await page.goto(`${base}/#/fleet`);
      await page.locator('#connection[data-state="live"]').waitFor();
      const link = page.locator('#view-fleet .rows a', { hasText: 'ns-a.eu' });
      await link.focus();
      await page.evaluate(() => {
        (window as unknown as { focused: Element | null }).focused = document.activeElement;
      });
      // ns-b.eu changes phase (ns-a.eu, the focused row, does not change).
      status = {
        ...status,
        servers: [
          reinstalling('ns-a.eu', 3),
          { ...reinstalling('ns-b.eu', 3), phase: 'verifying', task: null },
        ],
      };
      events.changed('progress');
      await page.locator('#view-fleet .rows', { hasText: 'verifying' }).waitFor();
      const kept = await page.evaluate(() => {
        const before = (window as unknown as { focused: Element | null }).focused;
        return {
          same: document.activeElement === before,
          connected: before?.isConnected ?? false,
          now: document.activeElement?.tagName ?? null,
        };
      });
      expect(kept).toEqual({ same: true, connected: true, now: 'A' });
    } finally {
      await context.close();
    }
  });

  // h28: a row that moves (a server added above it) keeps the focus on its server's link.
  it('follows the focused server when its row moves', { timeout: 60_000 }, async () => {
    const context = await browser!.newContext();
    const page = await context.newPage();
    try {
      await page.goto(`${base}/#/fleet`);
      await page.locator('#connection[data-state="live"]').waitFor();
      await page.locator('#view-fleet .rows a', { hasText: 'ns-b.eu' }).focus();
      status = { ...status, servers: [reinstalling('ns-0.eu', 1), ...status.servers] };
      events.changed('progress');
      await page.locator('#view-fleet .rows', { hasText: 'ns-0.eu' }).waitFor();
      const now = await page.evaluate(() => document.activeElement?.textContent ?? null);
      expect(now).toBe('ns-b.eu');
    } finally {
      await context.close();
    }
  });
});
