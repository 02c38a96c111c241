/// <reference lib="dom" />
/**
 * Review 5, defect: the page looks up a server's declared spec with `summary.declared[name]` on a
 * plain object (ui/store.js `declared`), so a server whose name is an Object.prototype key
 * (`constructor`, `toString`, `valueOf`, `hasOwnProperty`... all valid service names by
 * src/core/service-name.ts) and which has no declared spec (an unmanaged server, a spec removed)
 * gets `Object.prototype.constructor` as its "declared spec"; `Object.entries(undefined labels)`
 * then throws in ui/fleet.js `labelsOf`: the Fleet view renders neither its bars nor its rows,
 * for the whole fleet, and the Server view of that server throws too (uncaught page errors).
 *
 * Expected: declared(name) is null for a name the status does not declare, whatever the name;
 * the Fleet view lists every server and the page logs no error.
 */
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser } from 'playwright-core';
import { createLogger } from '../../../src/core/logger.js';
import { startHttpServer, type HttpListener } from '../../../src/daemon/http-server.js';
import { createDaemonMetrics } from '../../../src/daemon/metrics.js';
import type { DaemonStatus } from '../../../src/daemon/types.js';
import { LiveEvents } from '../../../src/daemon/ui/live-events.js';
import { record, spec } from '../../plan/helpers.js';

const CHROMIUM = process.env.OVH_FLEET_CHROMIUM ?? '/usr/bin/chromium';
const HAVE_CHROMIUM = existsSync(CHROMIUM);

const status: DaemonStatus = {
  ready: true,
  head: 'a'.repeat(40),
  block: null,
  lastCycle: null,
  lastGoodCycleAt: null,
  tasksInFlight: 0,
  declared: { 'ns1.eu': { operatingSystem: 'debian12_64', labels: { role: 'web' } } },
  servers: [
    record('constructor', null, { phase: 'unmanaged', reason: 'no-spec', spec: null }),
    record('ns1.eu', spec('ns1.eu')),
  ],
};

let browser: Browser | null = null;
let listener: HttpListener | null = null;
let base = '';
beforeAll(async () => {
  if (!HAVE_CHROMIUM) return;
  const args = process.getuid?.() === 0 ? ['--no-sandbox'] : [];
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args });
  listener = await startHttpServer('127.0.0.1', 0, {
    ready: () => true,
    status: () => status,
    onWebhook: () => undefined,
    webhookSecret: null,
    events: new LiveEvents({ status: () => status, coalesceMs: 20 }),
    metrics: createDaemonMetrics(),
    log: createLogger({ level: 'silent' }),
  });
  base = `http://127.0.0.1:${listener.port}`;
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await listener?.close();
});

describe.skipIf(!HAVE_CHROMIUM)('a server named like an Object.prototype key', () => {
  it('does not break the Fleet view', { timeout: 60_000 }, async () => {
    const context = await browser!.newContext();
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    try {
      await page.goto(`${base}/#/fleet`);
      await page.locator('#connection[data-state="live"]').waitFor();
      // The store tells its views at the next frame: wait two.
      await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
      const rows = await page.locator('#view-fleet .rows .row').count();
      expect(errors).toEqual([]);
      expect(rows).toBe(2);
    } finally {
      await context.close();
    }
  });
});
