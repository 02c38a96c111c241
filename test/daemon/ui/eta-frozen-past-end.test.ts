/// <reference lib="dom" />
/**
 * Review 5, defect: a running task's card shows a time left that contradicts its own expected
 * end. ui/task-card.js prints `about <etaSeconds> left (ends about <expectedEndAt>)`, but
 * `etaSeconds` is the estimate at the follower's last progress report (live-records.ts), and a
 * report comes only when the step changes (task-follower.ts `observe`): OVHcloud steps last many
 * minutes, so for all that time the card keeps saying "about 5 min 00 s left" while the clock
 * runs, and a task past its expected end still shows minutes left with an end in the past
 * ("about 5 min 00 s left (ends about 09:05:00Z)" at 10:00).
 *
 * Expected: the time left the card shows is counted to the expected end from now (never more
 * than expectedEndAt − now), and a task past its expected end does not claim time left.
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

// The follower's last report was an hour ago: it said 5 minutes left then.
const reportedAt = new Date().getTime() - 3_600_000;
const running: LiveRecord = {
  ...record('ns-late.eu', spec('ns-late.eu'), { phase: 'reinstalling', reason: 'os-changed' }),
  task: {
    id: 77,
    status: 'doing',
    step: 5,
    steps: 21,
    currentStep: 'Installing the operating system',
    elapsedSeconds: 600,
    startedAt: new Date(reportedAt - 600_000).toISOString(),
    etaSeconds: 300,
    expectedEndAt: new Date(reportedAt + 300_000).toISOString(),
  },
};

const status: DaemonStatus = {
  ready: true,
  head: 'a'.repeat(40),
  block: null,
  lastCycle: null,
  lastGoodCycleAt: null,
  tasksInFlight: 1,
  servers: [running],
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

describe.skipIf(!HAVE_CHROMIUM)('a running task past its expected end', () => {
  it('does not claim minutes left on its card', { timeout: 60_000 }, async () => {
    const context = await browser!.newContext();
    const page = await context.newPage();
    try {
      await page.goto(`${base}/#/rollout`);
      await page.locator('#view-rollout .card').first().waitFor();
      const text = (await page.locator('#view-rollout .card').first().textContent()) ?? '';
      expect(text).toContain('ns-late.eu');
      expect(text).not.toContain('about 5 min 00 s left');
      // h28: and it says so, with the expected end.
      expect(text).toContain('longer than estimated (expected end ');
    } finally {
      await context.close();
    }
  });

  // h28: the card counts down between the follower's reports (every 15 s on the Rollout view).
  it(
    'counts the time left down on the page clock, then says the task runs late',
    { timeout: 60_000 },
    async () => {
      const context = await browser!.newContext();
      const page = await context.newPage();
      try {
        const end = Date.parse(running.task!.expectedEndAt!);
        await page.clock.install({ time: new Date(end - 20_000) });
        await page.clock.resume();
        await page.goto(`${base}/#/rollout`);
        const card = page.locator('#view-rollout .card', { hasText: 'ns-late.eu' });
        await card.filter({ hasText: 'left (ends about' }).waitFor();
        await page.clock.fastForward(31_000);
        await card.filter({ hasText: 'longer than estimated' }).waitFor();
      } finally {
        await context.close();
      }
    },
  );
});
