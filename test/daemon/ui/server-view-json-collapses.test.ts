/// <reference lib="dom" />
/**
 * Review 5, defect: the Server view of a server that is reinstalling collapses "The record as
 * JSON" at every live update. ui/server.js rebuilds the whole section whenever the record object
 * changes (`r === this.shown` fails for every update of that server), so the <details> an
 * operator opened to read the record closes again at the next progress report (up to 4 times a
 * second during a rollout), and the focus and the scroll position inside it go too: the JSON of
 * a server under reinstall cannot be read while it is under reinstall.
 *
 * Expected: the open/closed state of "The record as JSON" survives a live update of that server
 * (and the shown JSON is the new record).
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

describe.skipIf(!HAVE_CHROMIUM)('the Server view of a server under reinstall', () => {
  it('keeps "The record as JSON" open across a live update', { timeout: 60_000 }, async () => {
    const context = await browser!.newContext();
    const page = await context.newPage();
    try {
      await page.goto(`${base}/#/server/ns-a.eu`);
      await page.locator('#connection[data-state="live"]').waitFor();
      await page.locator('#view-server details summary').click();
      await page.locator('#view-server details[open]').waitFor();
      status = { ...status, servers: [reinstalling('ns-a.eu', 4), reinstalling('ns-b.eu', 3)] };
      events.changed('progress');
      await page.locator('#view-server', { hasText: 'step 4' }).waitFor();
      const open = await page.evaluate(
        () => document.querySelector<HTMLDetailsElement>('#view-server details')?.open ?? null,
      );
      expect(open).toBe(true);
    } finally {
      await context.close();
    }
  });
});
