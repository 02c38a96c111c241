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
import { describe, expect, it } from 'vitest';
import type { DaemonStatus } from '../../../src/daemon/types.js';
import { record, spec } from '../../plan/helpers.js';
import { HAVE_CHROMIUM, statusOf, useBrowserWorld } from './browser-harness.js';

const status: DaemonStatus = statusOf(
  [
    record('constructor', null, { phase: 'unmanaged', reason: 'no-spec', spec: null }),
    record('ns1.eu', spec('ns1.eu')),
  ],
  { declared: { 'ns1.eu': { operatingSystem: 'debian12_64', labels: { role: 'web' } } } },
);

const world = useBrowserWorld('prototype-name-breaks-fleet.test.ts', () => status);

describe.skipIf(!HAVE_CHROMIUM)('a server named like an Object.prototype key', () => {
  it('does not break the Fleet view', { timeout: 60_000 }, async () => {
    const context = await world.browser.newContext();
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    try {
      await page.goto(`${world.base}/#/fleet`);
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
