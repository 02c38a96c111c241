/// <reference lib="dom" />
/**
 * Review 5, defect: a dashboard URL whose hash is not valid percent-encoding (a pasted or
 * truncated link such as `/#/server/ns1%` or `/#/server/%E0%A4%A`) kills the page: ui/app.js
 * `route()` calls `decodeURIComponent` unguarded at module top level, so the URIError aborts the
 * entry module before `connect()`: no event stream, no view ever rendered, the connection line
 * stuck on "Connecting to the live stream…", an uncaught error in the console. The same hash
 * typed later (hashchange) throws too and leaves the previous view up.
 *
 * Expected: the page still connects (`#connection` says Live) and shows a view (e.g. "No such
 * server" or the fleet), with no page error.
 */
import { describe, expect, it } from 'vitest';
import type { DaemonStatus } from '../../../src/daemon/types.js';
import { record, spec } from '../../plan/helpers.js';
import { HAVE_CHROMIUM, statusOf, useBrowserWorld } from './browser-harness.js';

const status: DaemonStatus = statusOf([record('ns1.eu', spec('ns1.eu'))]);

const world = useBrowserWorld('malformed-hash-kills-page.test.ts', () => status);

describe.skipIf(!HAVE_CHROMIUM)('a malformed hash in the dashboard URL', () => {
  it('still connects the live stream and renders a view', { timeout: 60_000 }, async () => {
    const context = await world.browser.newContext();
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    try {
      await page.goto(`${world.base}/#/server/ns1%`);
      // Wait for the page to settle the way the page itself does: its stream request answered.
      await page.waitForLoadState('load');
      await page.evaluate(
        () =>
          new Promise<void>((resolve) => {
            // Two frames: the module ran and the store's first frame (if any) was painted.
            requestAnimationFrame(() => requestAnimationFrame(() => resolve()));
          }),
      );
      const visible = await page.evaluate(
        () =>
          [...document.querySelectorAll('main > section')].filter((s) => !(s as HTMLElement).hidden).length,
      );
      expect(errors).toEqual([]);
      expect(visible).toBe(1);
      await page.locator('#connection[data-state="live"]').waitFor({ timeout: 20_000 });
    } finally {
      await context.close();
    }
  });
});
