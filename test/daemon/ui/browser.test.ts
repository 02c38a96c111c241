/// <reference lib="dom" />
/**
 * The dashboard in a real browser (issue 17, docs/dashboard.md): playwright-core drives the
 * distribution's Chromium (OVH_FLEET_CHROMIUM, else /usr/bin/chromium; skipped with a message when
 * neither exists) against a real in-process daemon (the simulator over HTTPS, a bare git origin)
 * with bearer authentication configured. It checks that the page loads with no console error, no
 * failed request and no CSP violation; that a merged change shows as reinstalling then ready with
 * no reload, its step (n of m) shown live by a second dashboard on the Rollout view; that axe-core finds no serious or critical violation in any view; and that filtering
 * 10,000 servers (served by the real listener over a synthetic status) leaves the right rows. The
 * filter's time is measured in the page and printed, never asserted.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { startStatusListener } from '../../../src/bench/status-listener.js';
import type { HttpListener } from '../../../src/daemon/http-server.js';
import type { RunningDaemon } from '../../../src/daemon/daemon.js';
import type { DaemonStatus } from '../../../src/daemon/types.js';
import { record, spec as planSpec } from '../../plan/helpers.js';
import { closeSimulator, useSimulatorOptions, WEBHOOK_SECRET, World } from '../helpers.js';
import {
  collectTrouble,
  reinstallToOther,
  cspViolations,
  HAVE_CHROMIUM,
  recordCspViolations,
  statusOf,
  useChromium,
} from './browser-harness.js';
import { axeViolations } from './page-checks.js';

// Slow enough (a reinstall takes some 15 s) for the follower to read install/status's steps.
useSimulatorOptions({ speed: 60 });

const TOKEN = 'a-browser-test-dashboard-token';
const AUTH = { authorization: `Bearer ${TOKEN}` };

const chromium = useChromium('browser tests');
afterAll(async () => {
  await closeSimulator();
});

/** Everything a page reported that should not happen: console errors, failed requests, CSP. */
interface Trouble {
  console: string[];
  failed: string[];
}

/** A new page of `context` whose trouble is recorded. */
async function watched(context: BrowserContext): Promise<{ page: Page; trouble: Trouble }> {
  const page = await context.newPage();
  const trouble: Trouble = { console: [], failed: [] };
  collectTrouble(page, trouble.console, trouble.failed);
  await recordCspViolations(page);
  return { page, trouble };
}

/** The phase badge of `name`'s row in the fleet list, or null when the row is not shown. */
async function phaseOf(page: Page, name: string): Promise<string | null> {
  return page.evaluate((n) => {
    for (const row of document.querySelectorAll('#view-fleet .row'))
      if (row.querySelector('a')?.textContent === n) return row.querySelector('.badge')?.textContent ?? null;
    return null;
  }, name);
}

describe.skipIf(!HAVE_CHROMIUM)(
  'the dashboard in Chromium, against a running daemon with bearer auth',
  () => {
    let world: World;
    let daemon: RunningDaemon;
    let base: string;
    let context: BrowserContext | null = null;

    beforeAll(async () => {
      world = await World.create({ count: 2 });
      daemon = await world.start({
        secrets: { webhookSecret: WEBHOOK_SECRET, uiAuth: { type: 'bearer', token: TOKEN } },
      });
      base = `http://127.0.0.1:${daemon.address!.port}`;
    }, 120_000);
    afterAll(async () => {
      await context?.close();
      await world?.close();
    });

    it('refuses the page without the token and serves it with', async () => {
      const anonymous = await chromium.browser.newContext();
      try {
        const page = await anonymous.newPage();
        const refused = await page.goto(`${base}/`);
        expect(refused?.status()).toBe(401);
        expect(await page.content()).not.toContain('view-fleet');
      } finally {
        await anonymous.close();
      }
      const authed = await chromium.browser.newContext({ extraHTTPHeaders: AUTH });
      try {
        const page = await authed.newPage();
        expect((await page.goto(`${base}/`))?.status()).toBe(200);
        await page.locator('#connection[data-state="live"]').waitFor();
      } finally {
        await authed.close();
      }
    }, 60_000);

    it('loads clean and follows a merged change to reinstalling, then ready, with no reload', async () => {
      context = await chromium.browser.newContext({ extraHTTPHeaders: AUTH });
      const { page, trouble } = await watched(context);
      let navigations = 0;
      page.on('framenavigated', (f) => {
        if (f === page.mainFrame()) navigations += 1;
      });
      const [m] = world.managed as [World['managed'][number]];
      await page.goto(`${base}/`);
      await page.locator('#connection[data-state="live"]').waitFor();
      await page.waitForFunction(() => document.querySelectorAll('#view-fleet .row').length > 0);
      expect(await phaseOf(page, m.name)).toBe('ready');
      expect(trouble).toEqual({ console: [], failed: [] });
      expect(await cspViolations(page)).toEqual([]);

      // Every phase the row shows from now on, seen as the DOM changes (a phase can be brief).
      await page.evaluate((name) => {
        const w = window as unknown as { seen: string[] };
        w.seen = [];
        const look = (): void => {
          for (const row of document.querySelectorAll('#view-fleet .row'))
            if (row.querySelector('a')?.textContent === name) {
              const phase = row.querySelector('.badge')?.textContent ?? '';
              if (w.seen.at(-1) !== phase) w.seen.push(phase);
            }
        };
        new MutationObserver(look).observe(document.body, {
          subtree: true,
          childList: true,
          characterData: true,
        });
      }, m.name);
      // A second dashboard on the Rollout view records the step lines it shows meanwhile.
      const rollout = await watched(context);
      await rollout.page.goto(`${base}/#/rollout`);
      await rollout.page.locator('#connection[data-state="live"]').waitFor();
      await rollout.page.evaluate(() => {
        const w = window as unknown as { steps: string[] };
        w.steps = [];
        const section = document.getElementById('view-rollout')!;
        new MutationObserver(() => {
          for (const p of section.querySelectorAll('p'))
            if (/^Step \d+ of \d+/.test(p.textContent ?? '') && !w.steps.includes(p.textContent!))
              w.steps.push(p.textContent!);
        }).observe(section, { subtree: true, childList: true, characterData: true });
      });

      world.pull();
      await reinstallToOther(world, daemon, m);
      await page.waitForFunction(
        (name) => {
          for (const row of document.querySelectorAll('#view-fleet .row'))
            if (row.querySelector('a')?.textContent === name)
              return row.querySelector('.badge')?.textContent === 'ready';
          return false;
        },
        m.name,
        { timeout: 60_000 },
      );

      const seen = await page.evaluate(() => (window as unknown as { seen: string[] }).seen);
      expect(seen).toContain('reinstalling');
      expect(seen.indexOf('reinstalling')).toBeLessThan(seen.lastIndexOf('ready'));
      expect(navigations).toBe(1);
      const steps = await rollout.page.evaluate(() => (window as unknown as { steps: string[] }).steps);
      console.log(`step lines the Rollout view showed live: ${JSON.stringify(steps)}`);
      expect(steps.length).toBeGreaterThan(0);
      expect(rollout.trouble).toEqual({ console: [], failed: [] });
      expect(await page.locator('#summary').textContent()).toContain('0 reinstalling');
      expect(trouble).toEqual({ console: [], failed: [] });
      expect(await cspViolations(page)).toEqual([]);
    }, 240_000);

    it('has no serious or critical axe-core violation in any view', async () => {
      // axe-core is injected as an inline script: only this context bypasses the page's CSP.
      const axeContext = await chromium.browser.newContext({ extraHTTPHeaders: AUTH, bypassCSP: true });
      try {
        const page = await axeContext.newPage();
        const [m] = world.managed as [World['managed'][number]];
        const found: string[] = [];
        for (const hash of ['#/fleet', '#/rollout', `#/server/${encodeURIComponent(m.name)}`]) {
          await page.goto(`${base}/${hash}`);
          await page.locator('#connection[data-state="live"]').waitFor();
          await page.waitForFunction(() => document.querySelectorAll('#view-fleet .row').length > 0);
          found.push(...(await axeViolations(page)).map((v) => `${hash}: ${v}`));
        }
        expect(found).toEqual([]);
      } finally {
        await axeContext.close();
      }
    }, 120_000);
  },
);

describe.skipIf(!HAVE_CHROMIUM)('the dashboard in Chromium with 10,000 servers', () => {
  const COUNT = 10_000;
  const name = (i: number): string => `srv-${String(i).padStart(5, '0')}.fleet.example`;
  const servers = Array.from({ length: COUNT }, (_, i) =>
    record(name(i), planSpec(name(i)), i % 100 === 7 ? { phase: 'failed', reason: 'install-failed' } : {}),
  );
  const status: DaemonStatus = statusOf(servers, { head: 'b'.repeat(40) });
  let listener: HttpListener | null = null;
  afterAll(async () => {
    await listener?.close();
  });

  it('filters them to the right rows (the time is printed, not asserted)', async () => {
    listener = await startStatusListener(() => status);
    const context = await chromium.browser.newContext();
    try {
      const { page, trouble } = await watched(context);
      await page.goto(`http://127.0.0.1:${listener.port}/`);
      await page.waitForFunction(
        (n) => document.querySelector('#view-fleet')?.textContent?.includes(`${n} of ${n} servers shown`),
        COUNT,
        { timeout: 60_000 },
      );

      const filter = async (text: string): Promise<number> =>
        page.evaluate(async (value) => {
          const input = document.getElementById('filter') as HTMLInputElement;
          const start = performance.now();
          input.value = value;
          input.dispatchEvent(new Event('input', { bubbles: true }));
          await new Promise((r) => requestAnimationFrame(() => r(null)));
          return performance.now() - start;
        }, text);
      const shown = async (): Promise<string[]> =>
        page.$$eval('#view-fleet .row a', (links) => links.map((a) => a.textContent ?? ''));

      const narrow = await filter('srv-0123');
      expect(await shown()).toEqual(Array.from({ length: 10 }, (_, i) => name(1230 + i)));
      expect(await page.locator('#view-fleet').textContent()).toContain(`10 of ${COUNT} servers shown`);

      const byReason = await filter('install-failed');
      const failed = servers.filter((r) => r.phase === 'failed').length;
      expect(await page.locator('#view-fleet').textContent()).toContain(
        `${failed} of ${COUNT} servers shown`,
      );
      expect((await shown()).every((n) => Number(n.slice(4, 9)) % 100 === 7)).toBe(true);

      const none = await filter('no-such-server');
      expect(await shown()).toEqual([]);
      const all = await filter('');
      expect(await page.locator('#view-fleet').textContent()).toContain(`${COUNT} of ${COUNT} servers shown`);
      console.log(
        `dashboard filter of ${COUNT} servers, in Chromium (input to next frame): ` +
          `"srv-0123" ${narrow.toFixed(1)} ms, "install-failed" ${byReason.toFixed(1)} ms, ` +
          `no match ${none.toFixed(1)} ms, cleared ${all.toFixed(1)} ms`,
      );
      expect(trouble).toEqual({ console: [], failed: [] });
      expect(await cspViolations(page)).toEqual([]);
    } finally {
      await context.close();
    }
  }, 120_000);
});
