/// <reference lib="dom" />
/**
 * The Rollout view's cycle timeline and task cards in a real browser (issue 17,
 * docs/dashboard.md): a synthetic status served by the real listener and its event stream. The
 * timeline shows the cycles the daemon kept before the page opened, with the API requests each
 * used, as bars (each with its text) and as a table, and takes a new cycle live; a running task
 * shows its estimate and expected end; a reinstall whose task ended (the record still
 * `reinstalling`, the task `done` with no step, as the live view holds it when the follower saw
 * only the end) says so with a full bar instead of "Not started". No console error, no CSP
 * violation, no serious or critical axe-core violation. Skipped without Chromium (see
 * browser.test.ts).
 */
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { CycleTimelineEntry } from '../../../src/daemon/cycle-timeline.js';
import type { LiveRecord } from '../../../src/daemon/live-records.js';
import type { DaemonStatus } from '../../../src/daemon/types.js';
import { record, spec } from '../../plan/helpers.js';
import { HAVE_CHROMIUM, useBrowserWorld } from './browser-harness.js';
import { axeViolations } from './page-checks.js';

function cycle(id: string, over: Partial<CycleTimelineEntry> = {}): CycleTimelineEntry {
  return {
    id,
    trigger: 'schedule',
    result: 'success',
    startedAt: '2026-12-03T10:00:00.000Z',
    endedAt: '2026-12-03T10:00:04.000Z',
    head: 'a'.repeat(40),
    planHash: null,
    statusCommit: null,
    block: null,
    error: null,
    apiRequests: 0,
    requestsPerMinute: 60,
    ...over,
  };
}

function reinstalling(name: string, task: NonNullable<LiveRecord['task']>): LiveRecord {
  return { ...record(name, spec(name), { phase: 'reinstalling', reason: 'os-changed' }), task };
}

const TASK = {
  currentStep: null,
  elapsedSeconds: 400,
  startedAt: '2026-12-03T09:58:00.000Z',
  etaSeconds: null,
  expectedEndAt: null,
};

const CYCLES = [
  cycle('c1', { apiRequests: 37 }),
  cycle('c2', {
    trigger: 'webhook',
    result: 'error',
    startedAt: '2026-12-03T10:05:00.000Z',
    endedAt: '2026-12-03T10:05:30.000Z',
    apiRequests: 5,
    error: { code: 'api-unavailable', message: 'HTTP 503 from OVHcloud', next: 'retry' },
  }),
  cycle('c3', {
    trigger: 'manual',
    result: 'skipped',
    startedAt: '2026-12-03T10:06:00.000Z',
    endedAt: '2026-12-03T10:06:00.500Z',
  }),
];

let status: DaemonStatus = {
  ready: true,
  head: 'a'.repeat(40),
  block: null,
  lastCycle: CYCLES.at(-1)!,
  lastGoodCycleAt: '2026-12-03T10:00:04.000Z',
  tasksInFlight: 3,
  cycles: CYCLES,
  servers: [
    reinstalling('ns-running.eu', {
      ...TASK,
      id: 11,
      status: 'doing',
      step: 5,
      steps: 21,
      currentStep: 'Cleaning Partitioning',
      etaSeconds: 300,
      expectedEndAt: '2026-12-03T10:12:00.000Z',
    }),
    reinstalling('ns-ended.eu', { ...TASK, id: 12, status: 'done', step: null, steps: null }),
    reinstalling('ns-failed.eu', {
      ...TASK,
      id: 13,
      status: 'customerError',
      step: 9,
      steps: 21,
      currentStep: 'Setting up logical volumes',
    }),
  ],
};

const world = useBrowserWorld('cycles-view.test.ts', () => status);

/** Opens the Rollout view; collects console errors, page errors and failed requests. */
async function rollout(
  bypassCSP = false,
): Promise<{ page: Page; trouble: string[]; close(): Promise<void> }> {
  const context = await world.browser.newContext({ bypassCSP });
  const page = await context.newPage();
  const trouble: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') trouble.push(m.text());
  });
  page.on('pageerror', (e) => trouble.push(`page error: ${e.message}`));
  page.on('response', (r) => {
    if (r.status() >= 400) trouble.push(`${r.url()}: HTTP ${r.status()}`);
  });
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) =>
      console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`),
    );
  });
  // The time left is counted from the browser's clock: 5 minutes before the running task's end.
  await page.clock.setFixedTime(new Date('2026-12-03T10:07:00.000Z'));
  await page.goto(`${world.base}/#/rollout`);
  await page.locator('#connection[data-state="live"]').waitFor();
  await page.locator('#view-rollout .card').first().waitFor();
  return { page, trouble, close: () => context.close() };
}

/** The text of the card of `name` on the Rollout view, and its progress bar's value and max. */
async function card(page: Page, name: string): Promise<{ text: string; value: number; max: number }> {
  return page.evaluate((n) => {
    for (const li of document.querySelectorAll('#view-rollout .card'))
      if (li.querySelector('a')?.textContent === n) {
        const bar = li.querySelector('progress');
        return { text: li.textContent ?? '', value: bar?.value ?? -1, max: bar?.max ?? -1 };
      }
    return { text: '', value: -1, max: -1 };
  }, name);
}

const rows = (page: Page): Promise<string[][]> =>
  page.$$eval('#view-rollout table.cycles tbody tr', (trs) =>
    trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent ?? '')),
  );

describe.skipIf(!HAVE_CHROMIUM)('the Rollout view: cycle timeline and task cards, in Chromium', () => {
  it('shows the cycles kept before the page opened with their API requests, and a new one live', async () => {
    const { page, trouble, close } = await rollout();
    try {
      expect(await rows(page)).toEqual([
        ['2026-12-03 10:06:00Z', 'manual', 'skipped', '1 s', '0', ''],
        ['2026-12-03 10:05:30Z', 'webhook', 'error', '30 s', '5', 'api-unavailable: HTTP 503 from OVHcloud'],
        ['2026-12-03 10:00:04Z', 'schedule', 'success', '4 s', '37', ''],
      ]);
      const bars = await page.$$eval('#view-rollout .cycle-bar', (els) =>
        els.map((el) => ({ text: el.textContent ?? '', title: el.getAttribute('title') ?? '' })),
      );
      expect(bars.map((b) => b.text)).toEqual(['✓', '✗', '–']);
      expect(bars[0]!.title).toContain('success');
      expect(bars[0]!.title).toContain('37 API requests');
      expect(bars[1]!.title).toContain('error');

      status = {
        ...status,
        cycles: [
          ...CYCLES,
          cycle('c4', {
            endedAt: '2026-12-03T10:10:02.000Z',
            startedAt: '2026-12-03T10:10:00.000Z',
            apiRequests: 12,
          }),
        ],
      };
      world.events.changed('cycle');
      await page.waitForFunction(
        () => document.querySelectorAll('#view-rollout table.cycles tbody tr').length === 4,
      );
      expect((await rows(page))[0]).toEqual(['2026-12-03 10:10:02Z', 'schedule', 'success', '2 s', '12', '']);
      expect(trouble).toEqual([]);
    } finally {
      await close();
    }
  }, 60_000);

  it('shows the estimate of a running task and a task that ended as ended, with a full bar', async () => {
    const { page, trouble, close } = await rollout();
    try {
      const running = await card(page, 'ns-running.eu');
      expect(running.text).toContain('Step 5 of 21: Cleaning Partitioning');
      expect(running.text).toContain('about 5 min 00 s left');
      expect(running.text).toContain('ends about 2026-12-03 10:12:00Z');
      expect([running.value, running.max]).toEqual([5, 21]);

      const ended = await card(page, 'ns-ended.eu');
      expect(ended.text).not.toContain('Not started');
      expect(ended.text).toContain('Finished (done)');
      expect(ended.value).toBe(ended.max);
      expect(ended.text).not.toContain('left');

      const failed = await card(page, 'ns-failed.eu');
      expect(failed.text).toContain('Task ended: customerError');
      expect(failed.text).toContain('Step 9 of 21: Setting up logical volumes');
      expect(failed.value).toBe(failed.max);
      expect(trouble).toEqual([]);
    } finally {
      await close();
    }
  }, 60_000);

  it('has no serious or critical axe-core violation', async () => {
    // axe-core is injected as an inline script: only this context bypasses the page's CSP.
    const { page, close } = await rollout(true);
    try {
      const found = await axeViolations(page);
      expect(found).toEqual([]);
    } finally {
      await close();
    }
  }, 60_000);
});
