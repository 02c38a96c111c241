/// <reference lib="dom" />
/**
 * The current plan on the Rollout view (ui/plan.js, docs/dashboard.md), in the distribution's
 * Chromium (skipped with a message when it is missing, as browser.test.ts): a synthetic status
 * served by the real listener and its event stream carries a plan with a halt, cohorts, two
 * reinstalls starting now (one on hardware that was read, one on hardware that was not) and
 * 10,000 deferred servers in later batches with a `notBefore`. The view shows the halt on top,
 * the batches, the erasures, the deferrals' `notBefore`, caps the long lists, follows a new plan
 * sent by the stream with no reload, logs no console error, and axe-core finds no serious or
 * critical violation. The time to show the view is printed, never asserted.
 */
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { DaemonStatus } from '../../../src/daemon/types.js';
import type { DashboardPlan, DashboardPlanEntry } from '../../../src/daemon/ui/dashboard-plan.js';
import { record, spec } from '../../plan/helpers.js';
import { HAVE_CHROMIUM, useBrowserWorld } from './browser-harness.js';
import { axeViolations } from './page-checks.js';

const DEFERRED = 10_000;
const COHORT = 'rocky9_64/advance';
const ERASES = [
  {
    diskGroupId: 1,
    description: '2 X Disk SSD 480 GB, JBOD',
    numberOfDisks: 2,
    diskSize: { unit: 'GB', value: 480 },
  },
];
/** Two hours and ten minutes (and a few seconds) after the test starts: "in 2 h 10 min". */
const NOT_BEFORE = new Date(Date.now() + (2 * 60 + 10) * 60_000 + 30_000).toISOString();

function reinstall(name: string, erases: DashboardPlanEntry['erases']): DashboardPlanEntry {
  return {
    serviceName: name,
    file: `servers/${name}.yaml`,
    action: 'reinstall',
    reason: 'spec-changed',
    message: 'the spec changed since the last reinstall (2 field(s))',
    batch: 1,
    from: { operatingSystem: 'debian12_64' },
    to: { operatingSystem: 'rocky9_64' },
    erases,
    notBefore: null,
    changes: [
      { path: '/customizations/postInstallationScript', from: null, to: '(sha256:1a2b3c4d)' },
      { path: '/operatingSystem', from: 'debian12_64', to: 'rocky9_64' },
    ],
    cohort: COHORT,
    canary: true,
    waitsFor: [],
  };
}

function deferred(i: number): DashboardPlanEntry {
  return {
    ...reinstall(`wait-${String(i).padStart(5, '0')}.fleet.example`, ERASES),
    action: 'deferred',
    reason: 'budget-exhausted',
    message: 'the spec changed since the last reinstall (2 field(s)); held back: budget-exhausted',
    batch: 2 + Math.floor(i / 50),
    notBefore: NOT_BEFORE,
    canary: false,
  };
}

function planWith(entries: DashboardPlanEntry[], revision: string): DashboardPlan {
  return {
    planHash: `sha256:${'ab'.repeat(32)}`,
    revision,
    generatedAt: new Date(Date.now() - 5 * 60_000).toISOString(),
    summary: {
      reinstall: entries.filter((e) => e.action === 'reinstall').length,
      adopt: 0,
      follow: 0,
      deferred: entries.filter((e) => e.action === 'deferred').length,
      invalid: 0,
      none: 3,
    },
    halts: [
      {
        scope: 'cohort',
        cohort: 'debian12_64/scale',
        reason: 'rollout-halted',
        message: 'cohort debian12_64/scale halted: 1 unhealthy, limit 1',
        servers: ['sick.fleet.example'],
        acknowledge: [`sick.fleet.example@sha256:${'cd'.repeat(32)}`],
      },
    ],
    cohorts: [
      { cohort: 'debian12_64/scale', servers: 4, candidates: 0, canaries: [], waitsFor: [], state: 'halted' },
      {
        cohort: COHORT,
        servers: DEFERRED + 2,
        candidates: DEFERRED + 2,
        canaries: ['seen.fleet.example', 'unseen.fleet.example'],
        waitsFor: [],
        state: 'canaries',
      },
    ],
    entries,
  };
}

const names = ['seen.fleet.example', 'unseen.fleet.example', 'sick.fleet.example'];
let status: DaemonStatus = {
  ready: true,
  head: 'c'.repeat(40),
  block: null,
  lastCycle: null,
  lastGoodCycleAt: null,
  tasksInFlight: 0,
  plan: planWith(
    [
      reinstall('seen.fleet.example', ERASES),
      reinstall('unseen.fleet.example', null),
      ...Array.from({ length: DEFERRED }, (_, i) => deferred(i)),
    ],
    'f00dfeed'.repeat(5),
  ),
  servers: names.map((n) => record(n, spec(n))),
};

const world = useBrowserWorld('plan view browser tests', () => status);

/** The text of the plan section. */
async function planText(page: Page): Promise<string> {
  return (await page.locator('#view-rollout .plan').textContent()) ?? '';
}

describe.skipIf(!HAVE_CHROMIUM)('the current plan on the Rollout view, in Chromium', () => {
  it('shows the halt, the cohorts, the batches, the erasures and the deferrals, capped', async () => {
    const context = await world.browser.newContext();
    try {
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(m.text());
      });
      page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
      const start = Date.now();
      await page.goto(`${world.base}/#/rollout`);
      await page.locator('#view-rollout .plan .batch').first().waitFor({ timeout: 60_000 });
      const shownIn = Date.now() - start;
      const text = await planText(page);

      expect(text).toContain('Revision f00dfeedf00d');
      expect(text).toContain('1 halted or paused (above).');
      expect(await page.locator('#view-rollout .halts .alert').textContent()).toContain(
        'Rollout halted (cohort debian12_64/scale): cohort debian12_64/scale halted: 1 unhealthy, limit 1',
      );
      const cohortRows = await page.$$eval('#view-rollout .cohorts tbody tr', (rows) =>
        rows.map((r) => [...r.querySelectorAll('td')].slice(0, 2).map((td) => td.textContent)),
      );
      expect(cohortRows).toEqual([
        ['debian12_64/scale', 'halted'],
        [COHORT, 'canaries first'],
      ]);

      const batches = await page.$$eval('#view-rollout .plan .batch h4', (hs) =>
        hs.map((x) => x.textContent),
      );
      expect(batches.slice(0, 3)).toEqual([
        'Batch 1 — starts now (2)',
        'Batch 2 — waits (50)',
        'Batch 3 — waits (50)',
      ]);
      // The cards are capped (some 200 in all), the rest counted.
      expect(await page.locator('#view-rollout .plan .card').count()).toBeLessThanOrEqual(250);
      expect(text).toMatch(/… and [\d,]+ more in batches \d+ to 201 \(see the Fleet list\)\./);
      expect(text).toContain('Deferred: 10,000 — budget-exhausted 10,000');

      const first = page.locator('#view-rollout .plan .batch').first();
      const cards = await first.locator('.card').allTextContents();
      expect(cards[0]).toContain('seen.fleet.example');
      expect(cards[0]).toContain('debian12_64 → rocky9_64');
      expect(cards[0]).toContain('Erases every disk of: 2 × SSD 480 GB (JBOD)');
      expect(cards[0]).toContain('2 changed fields');
      expect(cards[1]).toContain('Erases every disk (hardware not observed)');
      expect(await first.locator('.card a').first().getAttribute('href')).toBe('#/server/seen.fleet.example');

      const waiting = page.locator('#view-rollout .plan .batch').nth(1).locator('.card').first();
      expect(await waiting.textContent()).toContain('budget-exhausted');
      expect(await waiting.locator('time').getAttribute('datetime')).toBe(NOT_BEFORE);
      expect(await waiting.textContent()).toMatch(/Not before .+ \(in 2 h 1[01] min\)/);

      console.log(
        `Rollout view with a plan of ${DEFERRED} deferred servers shown in ${shownIn} ms (load to first batch)`,
      );
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  }, 120_000);

  it('has no serious or critical axe-core violation on the Rollout view, light or dark', async () => {
    // axe-core is injected as an inline script: only this context bypasses the page's CSP.
    const context = await world.browser.newContext({ bypassCSP: true });
    try {
      const page = await context.newPage();
      await page.goto(`${world.base}/#/rollout`);
      await page.locator('#view-rollout .plan .erase').first().waitFor({ timeout: 60_000 });
      // The changed fields opened, so that their text is checked too.
      await page.locator('#view-rollout .plan details summary').first().click();
      const found: string[] = [];
      for (const colorScheme of ['light', 'dark'] as const) {
        await page.emulateMedia({ colorScheme });
        const violations = await axeViolations(page);
        found.push(...violations.map((v) => `${colorScheme}: ${v}`));
      }
      expect(found).toEqual([]);
    } finally {
      await context.close();
    }
  }, 120_000);

  it('follows a new plan from the event stream with no reload', async () => {
    const context = await world.browser.newContext();
    try {
      const page = await context.newPage();
      let navigations = 0;
      page.on('framenavigated', (f) => {
        if (f === page.mainFrame()) navigations += 1;
      });
      await page.goto(`${world.base}/#/rollout`);
      await page.locator('#connection[data-state="live"]').waitFor();
      await page.locator('#view-rollout .plan .batch').first().waitFor({ timeout: 60_000 });

      status = {
        ...status,
        plan: planWith([reinstall('seen.fleet.example', ERASES)], '0123456789ab'.repeat(3)),
      };
      world.events.changed('cycle');
      await page.waitForFunction(
        () => document.querySelector('#view-rollout .plan')?.textContent?.includes('Revision 0123456789ab'),
        undefined,
        { timeout: 30_000 },
      );
      const batches = await page.$$eval('#view-rollout .plan .batch h4', (hs) =>
        hs.map((x) => x.textContent),
      );
      expect(batches).toEqual(['Batch 1 — starts now (1)']);
      expect(navigations).toBe(1);
    } finally {
      await context.close();
    }
  }, 120_000);
});
