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
import { describe, expect, it } from 'vitest';
import type { LiveRecord } from '../../../src/daemon/live-records.js';
import type { DaemonStatus } from '../../../src/daemon/types.js';
import { record, spec } from '../../plan/helpers.js';
import { HAVE_CHROMIUM, statusOf, useBrowserWorld } from './browser-harness.js';

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

const status: DaemonStatus = statusOf([running], { tasksInFlight: 1 });

const world = useBrowserWorld('eta-frozen-past-end.test.ts', () => status);

describe.skipIf(!HAVE_CHROMIUM)('a running task past its expected end', () => {
  it('does not claim minutes left on its card', { timeout: 60_000 }, async () => {
    const context = await world.browser.newContext();
    const page = await context.newPage();
    try {
      await page.goto(`${world.base}/#/rollout`);
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
      const context = await world.browser.newContext();
      const page = await context.newPage();
      try {
        const end = Date.parse(running.task!.expectedEndAt!);
        await page.clock.install({ time: new Date(end - 20_000) });
        await page.clock.resume();
        await page.goto(`${world.base}/#/rollout`);
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
