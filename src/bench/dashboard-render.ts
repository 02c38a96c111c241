/**
 * The dashboard's page with 10,000 servers in Chromium (issue 17): a synthetic status
 * (dashboard-status.ts) served by the real listener (startHttpServer, its page, assets and event
 * stream, as test/daemon/ui/browser.test.ts serves it). Measured in the page:
 * - first render: from navigation start (the page's performance timeline origin) to the frame
 *   that first shows "10000 of 10000 servers shown", in a fresh browser context each run (nothing
 *   cached); the median of RENDER_RUNS runs;
 * - filtering: from the filter's input event to the next frame, for a few typical filters, the
 *   median of FILTER_ROUNDS rounds.
 */
import type { Browser, Page } from 'playwright-core';
import { syntheticStatus } from './dashboard-status.js';
import { startStatusListener } from './status-listener.js';

const COUNT = 10_000;
const RENDER_RUNS = 5;
const FILTER_ROUNDS = 5;
/** Typed in the filter: a name prefix (10 rows), a reason (1 %), an OS (a third), nothing. */
const FILTERS = ['srv-0123', 'install-failed', 'rocky9', 'no-such-server', ''] as const;

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

const verdict = (ok: boolean): string => (ok ? 'PASS' : 'FAIL');

/**
 * Runs in the page before its scripts (source text: src/ is compiled without the DOM's types):
 * marks `fleet-shown` in the page's timeline at the frame that first shows every server.
 */
function markWhenShown(count: number): string {
  return `(() => {
    const needle = ${JSON.stringify(`${count} of ${count} servers shown`)};
    const observer = new MutationObserver(() => {
      if (!document.getElementById('view-fleet')?.textContent?.includes(needle)) return;
      observer.disconnect();
      requestAnimationFrame(() => performance.mark('fleet-shown'));
    });
    observer.observe(document, { subtree: true, childList: true, characterData: true });
  })();`;
}

/** In the page: true once the server list shows all `count` servers. */
const allShown = (count: number): string =>
  `document.getElementById('view-fleet')?.textContent?.includes(${JSON.stringify(`${count} of ${count} servers shown`)}) === true`;

/** In the page: the milestones of the first render, in ms since navigation start. */
const MILESTONES = `(() => {
  const nav = performance.getEntriesByType('navigation')[0];
  return {
    shown: performance.getEntriesByName('fleet-shown')[0].startTime,
    response: nav.responseEnd,
    domContentLoaded: nav.domContentLoadedEventEnd,
  };
})()`;

/** In the page: types `text` in the filter; ms from the input event to the next frame. */
const filterScript = (text: string): string => `(async () => {
  const input = document.getElementById('filter');
  const start = performance.now();
  input.value = ${JSON.stringify(text)};
  input.dispatchEvent(new Event('input', { bubbles: true }));
  await new Promise((resolve) => requestAnimationFrame(resolve));
  return performance.now() - start;
})()`;

/**
 * Waits until `expression` is true in the page, polling from here (waitForFunction would
 * evaluate it with eval, which the page's CSP forbids); the figures come from the page's own
 * clock, so the polling's delay is not in them.
 */
export async function until(page: Page, expression: string, timeoutMs = 60_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while ((await page.evaluate<boolean>(expression)) !== true) {
    if (performance.now() > deadline)
      throw new Error(`not true in the page within ${timeoutMs} ms: ${expression}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** One first render in a fresh context: navigation start → server list shown, and the milestones. */
async function firstRender(
  browser: Browser,
  url: string,
): Promise<{ shown: number; response: number; domContentLoaded: number }> {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await page.addInitScript({ content: markWhenShown(COUNT) });
    await page.goto(url);
    await until(page, "performance.getEntriesByName('fleet-shown').length > 0");
    return await page.evaluate<{ shown: number; response: number; domContentLoaded: number }>(MILESTONES);
  } finally {
    await context.close();
  }
}

/** Types `value` in the filter; milliseconds from the input event to the next frame. */
async function filterOnce(page: Page, value: string): Promise<number> {
  return page.evaluate<number>(filterScript(value));
}

async function filtering(browser: Browser, url: string): Promise<Map<string, number[]>> {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await page.goto(url);
    await until(page, allShown(COUNT));
    const times = new Map<string, number[]>(FILTERS.map((f) => [f, []]));
    for (let round = 0; round < FILTER_ROUNDS; round++)
      for (const f of FILTERS) times.get(f)!.push(await filterOnce(page, f));
    return times;
  } finally {
    await context.close();
  }
}

/** Prints the first-render and filter figures of the page with 10,000 servers. */
export async function measurePage(browser: Browser, print: (line: string) => void): Promise<void> {
  const status = syntheticStatus(COUNT);
  const listener = await startStatusListener(() => status);
  const url = `http://127.0.0.1:${listener.port}/`;
  try {
    const runs: Awaited<ReturnType<typeof firstRender>>[] = [];
    for (let i = 0; i < RENDER_RUNS; i++) runs.push(await firstRender(browser, url));
    const shown = median(runs.map((r) => r.shown));
    print(
      `dashboard: first render of ${COUNT} servers in Chromium (navigation start to "${COUNT} of ${COUNT} servers shown"): ` +
        `median ${shown.toFixed(0)} ms of ${RENDER_RUNS} runs (each ${runs.map((r) => r.shown.toFixed(0)).join(', ')} ms; ` +
        `page received ${median(runs.map((r) => r.response)).toFixed(0)} ms, DOMContentLoaded ${median(runs.map((r) => r.domContentLoaded)).toFixed(0)} ms); ` +
        `goal under 1 s: ${verdict(shown < 1000)}`,
    );
    const times = await filtering(browser, url);
    const medians = FILTERS.map((f) => median(times.get(f)!));
    const worst = Math.max(...medians);
    print(
      `dashboard: filter of ${COUNT} servers in Chromium (input to next frame, median of ${FILTER_ROUNDS} rounds): ` +
        FILTERS.map((f, i) => `${f === '' ? 'cleared' : `"${f}"`} ${medians[i]!.toFixed(1)} ms`).join(', ') +
        `; slowest ${worst.toFixed(1)} ms; goal under 200 ms: ${verdict(worst < 200)}`,
    );
  } finally {
    await listener.close();
  }
}
