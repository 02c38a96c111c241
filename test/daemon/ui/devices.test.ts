/// <reference lib="dom" />
/**
 * The dashboard's accessibility, phones and themes (issue 17, docs/dashboard.md "Accessibility
 * and devices"), in the distribution's Chromium (skipped with a message when it is missing, as
 * browser.test.ts). A synthetic status (a running task with steps and time left, a plan with
 * batches, erasures and deferrals, cycles, failed and unhealthy servers, labels) is served by
 * the real listener and its event stream; `/api/servers/<name>` answers a fixed detail. For each
 * view (Fleet, Rollout, Server), light and dark, desktop and phone: no serious or critical
 * axe-core violation (contrast included), nothing wider than the screen on a phone (except in a
 * labelled scrolling box), no console error, no CSP violation. By keyboard alone: the skip link
 * first, the views' links, the filter, a server's link, each with a visible focus ring that no
 * box clips; every stop of each view has such a ring; Tab walks through every server of the
 * list. The theme follows prefers-color-scheme with no reload. The fixture is devices-fixture.ts,
 * the measures are page-checks.ts; the checks themselves are shown to fail on a broken page.
 */
import { describe, expect, it } from 'vitest';
import type { BrowserContextOptions, Page } from 'playwright-core';
import {
  collectTrouble,
  cspViolations,
  HAVE_CHROMIUM,
  recordCspViolations,
  useBrowserWorld,
} from './browser-harness.js';
import { detail, RUNNING, servers, SICK, status } from './devices-fixture.js';
import { axeViolations, focused, focusRingProblem, overflow, tab, visibleView } from './page-checks.js';

const VIEWS = {
  Fleet: { hash: '#/fleet', ready: '#view-fleet .row a' },
  Rollout: { hash: '#/rollout', ready: '#view-rollout .plan .batch' },
  Server: { hash: `#/server/${RUNNING}`, ready: '#view-server table.history tbody tr' },
} as const;
const DEVICES: Record<string, BrowserContextOptions> = {
  desktop: { viewport: { width: 1280, height: 900 } },
  phone: { viewport: { width: 375, height: 812 }, isMobile: true, hasTouch: true },
};

const world = useBrowserWorld('devices browser tests', () => status, {
  handlers: {
    serverDetail: async (segment) =>
      servers.some((r) => r.serviceName === decodeURIComponent(segment))
        ? { code: 200, body: detail(decodeURIComponent(segment)) }
        : { code: 404, error: 'no such server here' },
  },
});

/** A page that records console errors, page errors, failed requests and CSP violations. */
async function watchedPage(
  options: BrowserContextOptions,
): Promise<{ page: Page; trouble: () => Promise<string[]> }> {
  const context = await world.browser.newContext(options);
  const page = await context.newPage();
  const seen: string[] = [];
  collectTrouble(page, seen);
  await recordCspViolations(page);
  const trouble = async (): Promise<string[]> => [
    ...seen,
    ...(await cspViolations(page)).map((v) => `CSP: ${v}`),
  ];
  return { page, trouble };
}

describe.skipIf(!HAVE_CHROMIUM)('the dashboard on desktops and phones, light and dark, in Chromium', () => {
  for (const [device, options] of Object.entries(DEVICES))
    for (const [view, { hash, ready }] of Object.entries(VIEWS))
      it(`${view} view on a ${device}: axe-clean, fits the screen, no error, in light and dark`, async () => {
        const { page, trouble } = await watchedPage(options);
        try {
          await page.goto(`${world.base}/${hash}`);
          await page.locator('#connection[data-state="live"]').waitFor();
          await page.locator(ready).first().waitFor({ timeout: 60_000 });
          // What folds away is checked unfolded (the changed fields, the history's text, the JSON).
          await page.$$eval('details', (all) => all.forEach((d) => ((d as HTMLDetailsElement).open = true)));
          const found: string[] = [];
          for (const colorScheme of ['light', 'dark'] as const) {
            await page.emulateMedia({ colorScheme });
            found.push(...(await axeViolations(page)).map((v) => `${colorScheme}: ${v}`));
            if (device === 'phone') found.push(...(await overflow(page)).map((v) => `${colorScheme}: ${v}`));
          }
          expect(found).toEqual([]);
          expect(await trouble()).toEqual([]);
        } finally {
          await page.context().close();
        }
      }, 120_000);
});

describe.skipIf(!HAVE_CHROMIUM)('the checks themselves, in Chromium', () => {
  it('see a box wider than a phone, an unnamed sideways scroll, and a missing focus ring', async () => {
    const { page } = await watchedPage(DEVICES.phone!);
    try {
      await page.goto(`${world.base}/${VIEWS.Fleet.hash}`);
      await page.locator(VIEWS.Fleet.ready).first().waitFor({ timeout: 60_000 });
      expect(await overflow(page)).toEqual([]);
      await page.evaluate(() => {
        const wide = document.createElement('div');
        wide.id = 'wide';
        wide.style.setProperty('width', '600px');
        wide.style.setProperty('height', '10px');
        const scroller = document.createElement('div');
        scroller.id = 'scroller';
        scroller.style.setProperty('overflow-x', 'auto');
        scroller.append(wide.cloneNode());
        document.getElementById('main')!.append(wide, scroller);
      });
      expect(await overflow(page)).toEqual([
        'the page is zoomed out to 616px to fit',
        'document is 616px wide on a 375px screen',
        'div#wide ends at 616px on a 375px screen',
        'div#scroller scrolls sideways with no name of its own',
      ]);
      await page.evaluate(() => {
        document.getElementById('wide')!.remove();
        document.getElementById('scroller')!.setAttribute('aria-label', 'A wide thing');
      });
      expect(await overflow(page)).toEqual([]);

      // Through the CSSOM, which the page's CSP allows (a <style> element it would refuse).
      await page.evaluate(() => document.getElementById('filter')!.style.setProperty('outline', 'none'));
      await page.focus('#filter');
      expect(await focusRingProblem(page)).toBe('input "" has no focus ring');
    } finally {
      await page.context().close();
    }
  }, 120_000);
});

describe.skipIf(!HAVE_CHROMIUM)('the dashboard by keyboard alone, in Chromium', () => {
  it('Tab reaches the skip link first; Enter moves the focus to main and keeps the view', async () => {
    const { page, trouble } = await watchedPage(DEVICES.desktop!);
    try {
      await page.goto(`${world.base}/#/rollout`);
      await page.locator(VIEWS.Rollout.ready).first().waitFor({ timeout: 60_000 });
      const rings: string[] = [];
      const first = await tab(page, rings);
      expect(first).toMatchObject({ tag: 'a', text: 'Skip to content' });
      // The link is shown while focused (it sits off-screen otherwise).
      const box = await page.locator('a.skip').boundingBox();
      expect(box!.x).toBeGreaterThanOrEqual(0);
      await page.keyboard.press('Enter');
      expect((await focused(page)).id).toBe('main');
      expect(await visibleView(page)).toEqual(['view-rollout']);
      expect(page.url()).toBe(`${world.base}/#/rollout`);
      expect(rings).toEqual([]);
      expect(await trouble()).toEqual([]);
    } finally {
      await page.context().close();
    }
  }, 120_000);

  it('Tab reaches the views, the filter and a server, each with a visible focus ring', async () => {
    const { page, trouble } = await watchedPage(DEVICES.desktop!);
    try {
      await page.goto(`${world.base}/`);
      await page.locator(VIEWS.Fleet.ready).first().waitFor({ timeout: 60_000 });
      const rings: string[] = [];
      expect((await tab(page, rings)).text).toBe('Skip to content');
      expect((await tab(page, rings)).text).toBe('Fleet');
      expect((await tab(page, rings)).text).toBe('Rollout');
      await page.keyboard.press('Enter');
      await page.locator(VIEWS.Rollout.ready).first().waitFor();
      expect(await visibleView(page)).toEqual(['view-rollout']);
      expect((await focused(page)).id).toBe('main');

      // Back to the Fleet view by keyboard: Shift+Tab from main walks back to the Fleet link.
      let at = await focused(page);
      for (let i = 0; i < 10 && at.text !== 'Fleet'; i += 1) {
        await page.keyboard.press('Shift+Tab');
        at = await focused(page);
      }
      expect(at.text).toBe('Fleet');
      await page.keyboard.press('Enter');
      await page.locator('#view-fleet:not([hidden])').waitFor();
      expect(await visibleView(page)).toEqual(['view-fleet']);

      for (let i = 0; i < 30 && at.id !== 'filter'; i += 1) at = await tab(page, rings);
      expect(at.id).toBe('filter');
      await page.keyboard.type(SICK.slice(0, 9));
      await page.waitForFunction(() => document.querySelectorAll('#view-fleet .rows .row').length === 1);
      expect(await page.locator('#view-fleet .list-count').textContent()).toBe(
        `1 of ${servers.length} servers shown`,
      );

      for (let i = 0; i < 30 && !at.server; i += 1) at = await tab(page, rings);
      expect(at).toMatchObject({ server: true, text: SICK });
      await page.keyboard.press('Enter');
      await page.locator('#h-server').waitFor();
      expect(await visibleView(page)).toEqual(['view-server']);
      expect(await page.locator('#h-server').textContent()).toBe(SICK);
      expect((await focused(page)).id).toBe('main');
      // The next Tab goes into the Server view, not back to the top of the page.
      const next = await tab(page, rings);
      expect(await page.evaluate(() => document.activeElement!.closest('#view-server') !== null)).toBe(true);
      expect(next.text).toBe('← Back to the fleet');

      expect(rings).toEqual([]);
      expect(await trouble()).toEqual([]);
    } finally {
      await page.context().close();
    }
  }, 120_000);
});

describe.skipIf(!HAVE_CHROMIUM)('the server list by keyboard, in Chromium', () => {
  it('Tab walks through every server of the list in order, though it renders only the rows in sight', async () => {
    const { page, trouble } = await watchedPage(DEVICES.desktop!);
    try {
      await page.goto(`${world.base}/`);
      await page.locator(VIEWS.Fleet.ready).first().waitFor({ timeout: 60_000 });
      await page.focus('#sort');
      const reached: string[] = [];
      for (let i = 0; i < servers.length + 5; i += 1) {
        await page.keyboard.press('Tab');
        const at = await focused(page);
        if (at.server) reached.push(at.text);
        else if (reached.length > 0) break;
      }
      expect(reached).toEqual(servers.map((r) => r.serviceName).sort());
      expect(await trouble()).toEqual([]);
    } finally {
      await page.context().close();
    }
  }, 120_000);
});

describe.skipIf(!HAVE_CHROMIUM)('focus rings on every stop of each view, in Chromium', () => {
  for (const [view, { hash, ready }] of Object.entries(VIEWS))
    it(`${view} view: each element Tab reaches shows a ring no box clips, light and dark`, async () => {
      const { page, trouble } = await watchedPage(DEVICES.desktop!);
      try {
        await page.goto(`${world.base}/${hash}`);
        await page.locator(ready).first().waitFor({ timeout: 60_000 });
        const rings: string[] = [];
        let stops = 0;
        for (const colorScheme of ['light', 'dark'] as const) {
          await page.emulateMedia({ colorScheme });
          await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
          // Up to 120 stops, or until the focus leaves the page (back to the body).
          for (let i = 0; i < 120; i += 1) {
            await page.keyboard.press('Tab');
            if (await page.evaluate(() => document.activeElement === document.body)) break;
            stops += 1;
            const problem = await focusRingProblem(page);
            if (problem !== '') rings.push(`${colorScheme}: ${problem}`);
          }
        }
        expect(stops).toBeGreaterThan(10);
        expect(rings).toEqual([]);
        expect(await trouble()).toEqual([]);
      } finally {
        await page.context().close();
      }
    }, 120_000);
});

describe.skipIf(!HAVE_CHROMIUM)('the light and dark themes, in Chromium', () => {
  it('follow prefers-color-scheme with no reload', async () => {
    const { page, trouble } = await watchedPage({ ...DEVICES.desktop!, colorScheme: 'light' });
    try {
      let navigations = 0;
      page.on('framenavigated', (f) => {
        if (f === page.mainFrame()) navigations += 1;
      });
      await page.goto(`${world.base}/`);
      await page.locator(VIEWS.Fleet.ready).first().waitFor({ timeout: 60_000 });
      const colours = (): Promise<{ background: string; text: string }> =>
        page.evaluate(() => {
          const s = getComputedStyle(document.body);
          return { background: s.backgroundColor, text: s.color };
        });
      const light = await colours();
      await page.emulateMedia({ colorScheme: 'dark' });
      const dark = await colours();
      expect(light).toEqual({ background: 'rgb(255, 255, 255)', text: 'rgb(27, 31, 36)' });
      expect(dark).toEqual({ background: 'rgb(13, 17, 23)', text: 'rgb(230, 237, 243)' });
      await page.emulateMedia({ colorScheme: 'light' });
      expect(await colours()).toEqual(light);
      expect(navigations).toBe(1);
      expect(await trouble()).toEqual([]);
    } finally {
      await page.context().close();
    }
  }, 120_000);
});
