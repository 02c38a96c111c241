/// <reference lib="dom" />
/**
 * The Server view in a real browser (issue 17, docs/dashboard.md): playwright-core drives the
 * distribution's Chromium (OVH_FLEET_CHROMIUM, else /usr/bin/chromium; skipped with a message when
 * neither exists) against a real in-process daemon (the simulator over HTTPS, a bare git origin,
 * bearer authentication). The view shows the server's last plan entry and its history from git
 * (the text under <details> is what `ovh-fleet history` prints); a merged change of the server
 * shows up in the history with no reload, because its record moved (never by polling); no console
 * error, failed request or CSP violation; no serious or critical axe-core violation.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { historyText } from '../../../src/cli/history-command.js';
import type { RunningDaemon } from '../../../src/daemon/daemon.js';
import { closeSimulator, WEBHOOK_SECRET, World } from '../helpers.js';
import { collectTrouble, HAVE_CHROMIUM, reinstallToOther, useChromium } from './browser-harness.js';
import { axeViolations } from './page-checks.js';

const TOKEN = 'a-server-view-test-token';
const AUTH = { authorization: `Bearer ${TOKEN}` };

const chromium = useChromium('server view browser tests');
afterAll(async () => {
  await closeSimulator();
});

/** Console errors, page errors and failed requests, as the page meets them. */
function watch(page: Page): string[] {
  const trouble: string[] = [];
  collectTrouble(page, trouble);
  return trouble;
}

/** The history table's "What" cells, newest first. */
function historyWhats(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll('#view-server table.history tbody tr')].map(
      (tr) => tr.querySelector('td:last-child')?.textContent ?? '',
    ),
  );
}

describe.skipIf(!HAVE_CHROMIUM)('the Server view in Chromium, against a running daemon', () => {
  let world: World;
  let daemon: RunningDaemon;
  let base: string;

  beforeAll(async () => {
    world = await World.create({ count: 1 });
    daemon = await world.start({
      secrets: { webhookSecret: WEBHOOK_SECRET, uiAuth: { type: 'bearer', token: TOKEN } },
    });
    base = `http://127.0.0.1:${daemon.address!.port}`;
  }, 120_000);
  afterAll(async () => {
    await world?.close();
  });

  it('shows the plan entry and the history, and follows a change of the server with no reload', async () => {
    const context = await chromium.browser.newContext({ extraHTTPHeaders: AUTH });
    try {
      const page = await context.newPage();
      const trouble = watch(page);
      const details: string[] = [];
      page.on('request', (r) => {
        if (r.url().includes('/api/servers/')) details.push(r.url());
      });
      let navigations = 0;
      page.on('framenavigated', (f) => {
        if (f === page.mainFrame()) navigations += 1;
      });
      const [m] = world.managed as [World['managed'][number]];
      await page.goto(`${base}/#/server/${encodeURIComponent(m.name)}`);
      await page.locator('#connection[data-state="live"]').waitFor();
      await page.locator('#view-server table.history tbody tr').first().waitFor();

      const section = page.locator('#view-server');
      expect(await section.locator('#h-plan-entry').textContent()).toBe('Last plan entry');
      const plan = await section.locator('section[aria-labelledby="h-plan-entry"] dl').textContent();
      expect(plan).toContain('Action');
      expect(plan).toContain('none');
      expect(plan).toContain('Would erase');
      const whats = await historyWhats(page);
      expect(whats.at(-1)).toContain(`spec ${m.file}: operatingSystem (none) → ${m.os}`);
      expect(whats.some((w) => w.startsWith('status'))).toBe(true);
      world.pull();
      expect(await section.locator('details pre').first().textContent()).toBe(
        await historyText(m.name, world.human),
      );
      expect(details).toHaveLength(1);

      await reinstallToOther(world, daemon, m);
      await page.waitForFunction(
        (subject) =>
          [...document.querySelectorAll('#view-server table.history tbody tr')].some((tr) =>
            tr.textContent?.includes(subject),
          ),
        `move ${m.name} to ${m.other}`,
        { timeout: 60_000 },
      );
      expect((await historyWhats(page))[0]).toMatch(/^status/);
      expect(navigations).toBe(1);
      // Fetched again only when the record moved, never per progress step: at most once per phase
      // change (pending, reinstalling, verifying, ready), task status (init, todo, doing, done),
      // new attempt and new last applied, over a whole reinstall.
      expect(details.length).toBeGreaterThan(1);
      expect(details.length).toBeLessThanOrEqual(12);
      console.log(`server view detail requests over one reinstall: ${details.length}`);
      expect(trouble).toEqual([]);
    } finally {
      await context.close();
    }
  }, 240_000);

  it('has no serious or critical axe-core violation', async () => {
    // axe-core is injected as an inline script: only this context bypasses the page's CSP.
    const context = await chromium.browser.newContext({ extraHTTPHeaders: AUTH, bypassCSP: true });
    try {
      const page = await context.newPage();
      const [m] = world.managed as [World['managed'][number]];
      await page.goto(`${base}/#/server/${encodeURIComponent(m.name)}`);
      await page.locator('#view-server table.history tbody tr').first().waitFor();
      // Both <details> open: the history text and the record as JSON.
      await page.evaluate(() => {
        for (const d of document.querySelectorAll('#view-server details'))
          (d as HTMLDetailsElement).open = true;
      });
      const found = await axeViolations(page);
      expect(found).toEqual([]);
    } finally {
      await context.close();
    }
  }, 120_000);
});
