/// <reference lib="dom" />
/**
 * What devices.test.ts measures in a page (docs/dashboard.md, "Accessibility and devices"):
 * axe-core's serious and critical violations, what sticks out of a phone's screen, whether the
 * focused element shows a ring no box clips, and where the focus is.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/**
 * Serious or critical axe-core violations. axe is evaluated over the DevTools protocol, which the
 * page's CSP does not govern: the page under test keeps its CSP, so its violations still count.
 */
export async function axeViolations(page: Page): Promise<string[]> {
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
export async function overflow(page: Page): Promise<string[]> {
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
export async function focusRingProblem(page: Page): Promise<string> {
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
export async function focused(
  page: Page,
): Promise<{ id: string; tag: string; text: string; server: boolean }> {
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
export async function tab(page: Page, rings: string[]): Promise<Awaited<ReturnType<typeof focused>>> {
  await page.keyboard.press('Tab');
  const problem = await focusRingProblem(page);
  if (problem !== '') rings.push(problem);
  return focused(page);
}

export async function visibleView(page: Page): Promise<string[]> {
  return page.$$eval('main > section', (ss) => ss.filter((s) => !(s as HTMLElement).hidden).map((s) => s.id));
}
