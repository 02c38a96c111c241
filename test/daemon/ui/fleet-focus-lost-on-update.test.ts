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
import { describe, expect, it } from 'vitest';
import type { DaemonStatus } from '../../../src/daemon/types.js';
import { HAVE_CHROMIUM, reinstalling, statusOf, useBrowserWorld } from './browser-harness.js';

let status: DaemonStatus = statusOf([reinstalling('ns-a.eu', 3), reinstalling('ns-b.eu', 3)], {
  tasksInFlight: 2,
});

const world = useBrowserWorld('fleet-focus-lost-on-update.test.ts', () => status);

describe.skipIf(!HAVE_CHROMIUM)('keyboard focus in the Fleet list during a rollout', () => {
  it('survives an update of another server', { timeout: 60_000 }, async () => {
    const context = await world.browser.newContext();
    const page = await context.newPage();
    try {
      await page.goto(`${world.base}/#/fleet`);
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
      world.events.changed('progress');
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
    const context = await world.browser.newContext();
    const page = await context.newPage();
    try {
      await page.goto(`${world.base}/#/fleet`);
      await page.locator('#connection[data-state="live"]').waitFor();
      await page.locator('#view-fleet .rows a', { hasText: 'ns-b.eu' }).focus();
      status = { ...status, servers: [reinstalling('ns-0.eu', 1), ...status.servers] };
      world.events.changed('progress');
      await page.locator('#view-fleet .rows', { hasText: 'ns-0.eu' }).waitFor();
      const now = await page.evaluate(() => document.activeElement?.textContent ?? null);
      expect(now).toBe('ns-b.eu');
    } finally {
      await context.close();
    }
  });
});
