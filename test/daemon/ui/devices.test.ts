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
 * box clips. The theme follows prefers-color-scheme with no reload.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type BrowserContextOptions, type Page } from 'playwright-core';
import { createLogger } from '../../../src/core/logger.js';
import type { CycleTimelineEntry } from '../../../src/daemon/cycle-timeline.js';
import { startHttpServer, type HttpListener } from '../../../src/daemon/http-server.js';
import type { LiveRecord } from '../../../src/daemon/live-records.js';
import { createDaemonMetrics } from '../../../src/daemon/metrics.js';
import type { DaemonStatus } from '../../../src/daemon/types.js';
import type { DashboardPlanEntry } from '../../../src/daemon/ui/dashboard-plan.js';
import { LiveEvents } from '../../../src/daemon/ui/live-events.js';
import type { ServerDetail } from '../../../src/daemon/ui/server-detail.js';
import { renderHistory } from '../../../src/git/history.js';
import type { HistoryEntry } from '../../../src/git/git-repo.js';
import { record, spec } from '../../plan/helpers.js';

const CHROMIUM = process.env.OVH_FLEET_CHROMIUM ?? '/usr/bin/chromium';
const HAVE_CHROMIUM = existsSync(CHROMIUM);
if (!HAVE_CHROMIUM)
  console.warn(
    `devices browser tests skipped: no Chromium at ${CHROMIUM} (install the distribution's chromium ` +
      'package, or set OVH_FLEET_CHROMIUM to its executable)',
  );
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** Real OVHcloud names are long: they are what overflows a phone's screen. */
const RUNNING = 'ns5012345.ip-51-79-123.eu';
const FAILED = 'ns5012346.ip-51-79-124.eu';
const SICK = 'ns5012347.ip-51-79-125.eu';
const WAITING = 'ns5012348.ip-51-79-126.eu';
const READY = Array.from({ length: 30 }, (_, i) => `ns50130${String(i).padStart(2, '0')}.ip-51-79-${i}.eu`);
const AT = '2026-12-03T10:00:00.000Z';
const ERASES = [
  {
    diskGroupId: 1,
    description: '2 X Disk SSD 480 GB, JBOD',
    numberOfDisks: 2,
    diskSize: { unit: 'GB', value: 480 },
  },
];

function cycle(i: number): CycleTimelineEntry {
  const startedAt = new Date(Date.parse(AT) + i * 300_000).toISOString();
  return {
    id: `c-${String(i).padStart(4, '0')}`,
    trigger: i % 3 === 0 ? 'webhook' : 'schedule',
    result: i === 4 ? 'error' : i === 5 ? 'skipped' : 'success',
    startedAt,
    endedAt: new Date(Date.parse(startedAt) + (3 + (i % 4) * 20) * 1000).toISOString(),
    head: 'a'.repeat(40),
    planHash: null,
    statusCommit: null,
    block: null,
    error: i === 4 ? { code: 'api-unavailable', message: 'HTTP 503 from OVHcloud', next: 'retry' } : null,
    apiRequests: 6 + i,
    requestsPerMinute: 60,
  };
}

function entry(name: string, over: Partial<DashboardPlanEntry>): DashboardPlanEntry {
  return {
    serviceName: name,
    file: `servers/${name}.yaml`,
    action: 'reinstall',
    reason: 'spec-changed',
    message: 'the spec changed since the last reinstall (2 field(s))',
    batch: 1,
    from: { operatingSystem: 'debian12_64' },
    to: { operatingSystem: 'ubuntu2404-server_64' },
    erases: ERASES,
    notBefore: null,
    changes: [
      { path: '/customizations/postInstallationScript', from: null, to: '(sha256:1a2b3c4d5e6f7a8b)' },
      { path: '/operatingSystem', from: 'debian12_64', to: 'ubuntu2404-server_64' },
    ],
    cohort: 'ubuntu2404-server_64/advance-2/role=web',
    canary: false,
    waitsFor: [],
    ...over,
  };
}

const running: LiveRecord = {
  ...record(RUNNING, spec(RUNNING), { phase: 'reinstalling', reason: 'task-running' }),
  message: 'reinstall task running',
  task: {
    id: 561472500,
    status: 'doing',
    step: 9,
    steps: 21,
    currentStep: 'Installing the operating system on the logical volumes',
    elapsedSeconds: 400,
    startedAt: AT,
    etaSeconds: 300,
    expectedEndAt: '2026-12-03T10:12:00.000Z',
  },
};
const servers: LiveRecord[] = [
  running,
  record(FAILED, spec(FAILED), {
    phase: 'failed',
    reason: 'install-failed',
    message: 'install/status reported an error at step 14 (Setting up logical volumes)',
  }),
  record(SICK, spec(SICK), {
    phase: 'unhealthy',
    reason: 'verification-failed',
    message: 'ssh to port 22 refused after the reinstall',
  }),
  record(WAITING, spec(WAITING), { phase: 'pending', reason: 'budget-exhausted', message: 'held back' }),
  ...READY.map((n) => record(n, spec(n))),
];
const status: DaemonStatus = {
  ready: true,
  head: 'a'.repeat(40),
  block: null,
  lastCycle: cycle(11),
  lastGoodCycleAt: cycle(11).endedAt,
  tasksInFlight: 1,
  cycles: Array.from({ length: 12 }, (_, i) => cycle(i)),
  servers,
  declared: Object.fromEntries(
    servers.map((r, i) => [
      r.serviceName,
      {
        operatingSystem: 'ubuntu2404-server_64',
        labels: { role: ['web', 'db', 'cache'][i % 3]!, dc: i % 2 ? 'gra3' : 'rbx8', team: 'platform-ops' },
      },
    ]),
  ),
  plan: {
    planHash: `sha256:${'ab'.repeat(32)}`,
    revision: 'f00dfeed'.repeat(5),
    generatedAt: AT,
    summary: { reinstall: 2, adopt: 0, follow: 1, deferred: 6, invalid: 0, none: 28 },
    halts: [
      {
        scope: 'cohort',
        cohort: 'debian12_64/scale-1',
        reason: 'rollout-halted',
        message: 'cohort debian12_64/scale-1 halted: 1 unhealthy, limit 1',
        servers: [SICK],
        acknowledge: [`${SICK}@sha256:${'cd'.repeat(32)}`],
      },
    ],
    cohorts: [
      {
        cohort: 'debian12_64/scale-1',
        servers: 4,
        candidates: 0,
        canaries: [],
        waitsFor: [],
        state: 'halted',
      },
      {
        cohort: 'ubuntu2404-server_64/advance-2/role=web',
        servers: 8,
        candidates: 8,
        canaries: [READY[0]!],
        waitsFor: [],
        state: 'canaries',
      },
    ],
    entries: [
      entry(READY[0]!, { canary: true }),
      entry(READY[1]!, { erases: null }),
      ...READY.slice(2, 8).map((n, i) =>
        entry(n, {
          action: 'deferred',
          reason: 'budget-exhausted',
          message: 'the spec changed since the last reinstall (2 field(s)); held back: budget-exhausted',
          batch: 2 + Math.floor(i / 3),
          notBefore: '2026-12-03T12:10:00.000Z',
        }),
      ),
    ],
  },
};

/** The fixed answer of `/api/servers/<name>` for a server of the status. */
function detail(name: string): ServerDetail {
  const commit = (hash: string, subject: string, minutes: number): HistoryEntry['commit'] => ({
    hash: hash.repeat(40 / hash.length),
    author: { name: 'Ann Operator', email: 'ann@example.com' },
    date: new Date(Date.parse(AT) - minutes * 60_000).toISOString().replace('.000Z', '+00:00'),
    subject,
  });
  const entries: HistoryEntry[] = [
    {
      kind: 'spec',
      commit: commit('1a2b', 'Add the web servers of rbx8', 9000),
      file: `servers/${name}.yaml`,
      osBefore: null,
      osAfter: 'debian12_64',
    },
    {
      kind: 'status',
      commit: commit('3c4d', 'ovh-fleet: reinstall 1 server', 7),
      tasks: ['561472500'],
      specCommits: ['5e6f'.repeat(10)],
      result: `${name}: reinstall started (ubuntu2404-server_64)`,
    },
  ];
  return {
    serviceName: name,
    revisions: { spec: 'a'.repeat(40), status: '3c4d'.repeat(10) },
    plan: { revision: 'a'.repeat(40), generatedAt: AT },
    planEntry: {
      serviceName: name,
      file: `servers/${name}.yaml`,
      action: 'follow',
      reason: 'task-in-progress',
      message: 'reinstall task 561472500 is running (step 9 of 21)',
      digest: `sha256:${'e'.repeat(64)}`,
      from: { operatingSystem: 'debian12_64' },
      to: { operatingSystem: 'ubuntu2404-server_64' },
      changes: [],
      erases: null,
      notBefore: null,
      batch: null,
      labels: { role: 'web' },
    },
    history: { entries, text: renderHistory(name, entries) },
  };
}

const VIEWS = {
  Fleet: { hash: '#/fleet', ready: '#view-fleet .row a' },
  Rollout: { hash: '#/rollout', ready: '#view-rollout .plan .batch' },
  Server: { hash: `#/server/${RUNNING}`, ready: '#view-server table.history tbody tr' },
} as const;
const DEVICES: Record<string, BrowserContextOptions> = {
  desktop: { viewport: { width: 1280, height: 900 } },
  phone: { viewport: { width: 375, height: 812 }, isMobile: true, hasTouch: true },
};

let browser: Browser | null = null;
let listener: HttpListener | null = null;
let events: LiveEvents | null = null;
let base = '';
beforeAll(async () => {
  if (!HAVE_CHROMIUM) return;
  const args = process.getuid?.() === 0 ? ['--no-sandbox'] : [];
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args });
  events = new LiveEvents({ status: () => status, coalesceMs: 20 });
  listener = await startHttpServer('127.0.0.1', 0, {
    ready: () => true,
    status: () => status,
    onWebhook: () => undefined,
    webhookSecret: null,
    events,
    serverDetail: async (segment) =>
      servers.some((r) => r.serviceName === decodeURIComponent(segment))
        ? { code: 200, body: detail(decodeURIComponent(segment)) }
        : { code: 404, error: 'no such server here' },
    metrics: createDaemonMetrics(),
    log: createLogger({ level: 'silent' }),
  });
  base = `http://127.0.0.1:${listener.port}/`;
}, 60_000);
afterAll(async () => {
  events?.close();
  await listener?.close();
  await browser?.close();
});

/** A page that records console errors, page errors, failed requests and CSP violations. */
async function watchedPage(
  options: BrowserContextOptions,
): Promise<{ page: Page; trouble: () => Promise<string[]> }> {
  const context = await browser!.newContext(options);
  const page = await context.newPage();
  const seen: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') seen.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => seen.push(`page error: ${e.message}`));
  page.on('requestfailed', (r) => {
    if (!r.url().endsWith('/api/events')) seen.push(`${r.url()}: ${r.failure()?.errorText}`);
  });
  page.on('response', (r) => {
    if (r.status() >= 400) seen.push(`${r.url()}: HTTP ${r.status()}`);
  });
  await page.addInitScript(() => {
    const w = window as unknown as { cspViolations: string[] };
    w.cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) =>
      w.cspViolations.push(`CSP: ${e.violatedDirective} ${e.blockedURI}`),
    );
  });
  const trouble = async (): Promise<string[]> => [
    ...seen,
    ...(await page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations)),
  ];
  return { page, trouble };
}

/**
 * Serious or critical axe-core violations. axe is evaluated over the DevTools protocol, which the
 * page's CSP does not govern: the page under test keeps its CSP, so its violations still count.
 */
async function axeViolations(page: Page): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE_SOURCE);
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(): Promise<AxeResults> } }).axe;
    const results = await axe.run();
    return results.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.impact} ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
  });
}
interface AxeResults {
  violations: { id: string; impact: string | null; help: string; nodes: { target: string[] }[] }[];
}

/**
 * What sticks out of the screen on the right: the document's own width, and every visible
 * element whose box ends past the screen's edge and is not inside a box that clips it within the
 * screen; a box that scrolls sideways is allowed only with a name of its own (aria-label or
 * aria-labelledby, or a table with a caption).
 */
async function overflow(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    // The layout viewport: a phone zooms out to show a page wider than the screen, so that
    // window.innerWidth grows with the page; the layout viewport does not.
    const width = document.documentElement.clientWidth;
    const out: string[] = [];
    if (window.innerWidth > width) out.push(`the page is zoomed out to ${window.innerWidth}px to fit`);
    if (document.documentElement.scrollWidth > width)
      out.push(`document is ${document.documentElement.scrollWidth}px wide on a ${width}px screen`);
    const describe = (e: Element): string =>
      `${e.tagName.toLowerCase()}${e.id ? `#${e.id}` : ''}${e.className && typeof e.className === 'string' ? `.${e.className.split(' ').join('.')}` : ''}`;
    const named = (e: Element): boolean =>
      e.hasAttribute('aria-label') ||
      e.hasAttribute('aria-labelledby') ||
      e.querySelector(':scope > table > caption, :scope > caption') !== null;
    for (const e of document.body.querySelectorAll('*')) {
      const rect = e.getBoundingClientRect();
      if (rect.width === 0 || rect.height === 0 || rect.right <= width + 0.5) continue;
      // Only the outermost box that sticks out is named (its content sticks out with it).
      const parent = e.parentElement;
      if (parent && parent !== document.body && parent.getBoundingClientRect().right > width + 0.5) continue;
      let verdict = `${describe(e)} ends at ${Math.round(rect.right)}px on a ${width}px screen`;
      for (let a = e.parentElement; a && a !== document.body; a = a.parentElement) {
        const style = getComputedStyle(a);
        if (style.overflowX === 'visible') continue;
        if (a.getBoundingClientRect().right > width + 0.5) continue;
        const scrolls = style.overflowX === 'auto' || style.overflowX === 'scroll';
        verdict = scrolls && !named(a) ? `${describe(a)} scrolls sideways with no name of its own` : '';
        break;
      }
      if (verdict !== '' && !out.includes(verdict)) out.push(verdict);
    }
    // Text is no element: a box whose text scrolls sideways is found by its scroll width.
    for (const e of document.body.querySelectorAll('*')) {
      const style = getComputedStyle(e);
      if (style.overflowX !== 'auto' && style.overflowX !== 'scroll') continue;
      const verdict = `${describe(e)} scrolls sideways with no name of its own`;
      if (e.scrollWidth > e.clientWidth && !named(e) && !out.includes(verdict)) out.push(verdict);
    }
    return out;
  });
}

/**
 * What is wrong with the focused element's ring: none drawn (outline and box-shadow both none),
 * or an outline that a clipping ancestor cuts off. '' when the ring shows.
 */
async function focusRingProblem(page: Page): Promise<string> {
  return page.evaluate(() => {
    const e = document.activeElement;
    if (!e || e === document.body) return 'nothing is focused';
    const name = `${e.tagName.toLowerCase()} "${(e.textContent ?? '').trim().slice(0, 40)}"`;
    const style = getComputedStyle(e);
    const outline = style.outlineStyle !== 'none' ? parseFloat(style.outlineWidth) : 0;
    if (outline <= 0 && style.boxShadow === 'none') return `${name} has no focus ring`;
    if (outline <= 0) return '';
    const reach = parseFloat(style.outlineOffset) + outline;
    const r = e.getBoundingClientRect();
    const ring = {
      left: r.left - reach,
      right: r.right + reach,
      top: r.top - reach,
      bottom: r.bottom + reach,
    };
    for (let a = e.parentElement; a && a !== document.documentElement; a = a.parentElement) {
      const s = getComputedStyle(a);
      if (s.overflowX === 'visible' && s.overflowY === 'visible') continue;
      const b = a.getBoundingClientRect();
      const inner = {
        left: b.left + parseFloat(s.borderLeftWidth),
        right: b.right - parseFloat(s.borderRightWidth),
        top: b.top + parseFloat(s.borderTopWidth),
        bottom: b.bottom - parseFloat(s.borderBottomWidth),
      };
      if (
        ring.left < inner.left - 0.5 ||
        ring.right > inner.right + 0.5 ||
        ring.top < inner.top - 0.5 ||
        ring.bottom > inner.bottom + 0.5
      )
        return `${name}'s focus ring is clipped by ${a.tagName.toLowerCase()}.${a.className}`;
    }
    return '';
  });
}

/** The focused element: its id, tag, text, and whether it is a server's link. */
async function focused(page: Page): Promise<{ id: string; tag: string; text: string; server: boolean }> {
  return page.evaluate(() => {
    const e = document.activeElement!;
    return {
      id: e.id,
      tag: e.tagName.toLowerCase(),
      text: (e.textContent ?? '').trim(),
      server: e.matches('a[href^="#/server/"]'),
    };
  });
}

/** Tab once, and check the ring of what got the focus. */
async function tab(page: Page, rings: string[]): Promise<Awaited<ReturnType<typeof focused>>> {
  await page.keyboard.press('Tab');
  const problem = await focusRingProblem(page);
  if (problem !== '') rings.push(problem);
  return focused(page);
}

async function visibleView(page: Page): Promise<string[]> {
  return page.$$eval('main > section', (ss) => ss.filter((s) => !(s as HTMLElement).hidden).map((s) => s.id));
}

describe.skipIf(!HAVE_CHROMIUM)('the dashboard on desktops and phones, light and dark, in Chromium', () => {
  for (const [device, options] of Object.entries(DEVICES))
    for (const [view, { hash, ready }] of Object.entries(VIEWS))
      it(`${view} view on a ${device}: axe-clean, fits the screen, no error, in light and dark`, async () => {
        const { page, trouble } = await watchedPage(options);
        try {
          await page.goto(base + hash);
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
      await page.goto(base + VIEWS.Fleet.hash);
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
      await page.goto(`${base}#/rollout`);
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
      expect(page.url()).toBe(`${base}#/rollout`);
      expect(rings).toEqual([]);
      expect(await trouble()).toEqual([]);
    } finally {
      await page.context().close();
    }
  }, 120_000);

  it('Tab reaches the views, the filter and a server, each with a visible focus ring', async () => {
    const { page, trouble } = await watchedPage(DEVICES.desktop!);
    try {
      await page.goto(base);
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
      await page.goto(base);
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
        await page.goto(base + hash);
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
      await page.goto(base);
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
