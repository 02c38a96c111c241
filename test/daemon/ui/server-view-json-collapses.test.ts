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
import { describe, expect, it } from 'vitest';
import type { DaemonStatus } from '../../../src/daemon/types.js';
import { HAVE_CHROMIUM, reinstalling, statusOf, useBrowserWorld } from './browser-harness.js';

let status: DaemonStatus = statusOf([reinstalling('ns-a.eu', 3), reinstalling('ns-b.eu', 3)], {
  tasksInFlight: 2,
});

const world = useBrowserWorld('server-view-json-collapses.test.ts', () => status);

describe.skipIf(!HAVE_CHROMIUM)('the Server view of a server under reinstall', () => {
  it('keeps "The record as JSON" open across a live update', { timeout: 60_000 }, async () => {
    const context = await world.browser.newContext();
    const page = await context.newPage();
    try {
      await page.goto(`${world.base}/#/server/ns-a.eu`);
      await page.locator('#connection[data-state="live"]').waitFor();
      await page.locator('#view-server details summary').click();
      await page.locator('#view-server details[open]').waitFor();
      status = { ...status, servers: [reinstalling('ns-a.eu', 4), reinstalling('ns-b.eu', 3)] };
      world.events.changed('progress');
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
