/**
 * The browser of the dashboard bench: the distribution's Chromium (OVH_FLEET_CHROMIUM, else
 * /usr/bin/chromium, as test/daemon/ui/browser.test.ts uses it) driven by playwright-core, headless,
 * with `--no-sandbox` when running as root. When either is missing the bench says so in one line
 * and measures nothing in a browser.
 */
import { existsSync } from 'node:fs';
import type { Browser, BrowserType } from 'playwright-core';

/** The browser, or why there is none (a line to print). */
export type ChromiumLaunch = { browser: Browser } | { skip: string };

export async function launchChromium(): Promise<ChromiumLaunch> {
  const executablePath = process.env.OVH_FLEET_CHROMIUM ?? '/usr/bin/chromium';
  if (!existsSync(executablePath)) {
    return {
      skip:
        `no Chromium at ${executablePath}: install the distribution's chromium package ` +
        '(apt-get install chromium) or set OVH_FLEET_CHROMIUM to its executable',
    };
  }
  let chromium: BrowserType;
  try {
    ({ chromium } = await import('playwright-core'));
  } catch {
    return { skip: 'playwright-core is not installed (a devDependency: npm install)' };
  }
  const args = process.getuid?.() === 0 ? ['--no-sandbox'] : [];
  return { browser: await chromium.launch({ executablePath, headless: true, args }) };
}
