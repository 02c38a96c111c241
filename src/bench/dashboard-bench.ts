/**
 * Dashboard benchmark (issue 17): the page's first render with 10,000 servers in Chromium (goal
 * under 1 s), filtering them in the page (goal under 200 ms), both through the real listener
 * (dashboard-render.ts), and the daemon's extra RSS while 5 dashboards are open (goal under
 * 20 MB; dashboard-rss.ts, a real daemon process). Without Chromium or playwright-core it prints
 * one line saying why and measures nothing. `OVH_FLEET_DASHBOARD_BENCH=page` runs only the page part
 * (first render and filtering), skipping the RSS part and its daemon.
 */
import { launchChromium } from './dashboard-chromium.js';
import { measurePage } from './dashboard-render.js';
import { measureDashboardsRss } from './dashboard-rss.js';
import type { Bench } from './main.js';

async function run(): Promise<void> {
  const print = (line: string): void => {
    process.stdout.write(`${line}\n`);
  };
  const launch = await launchChromium();
  if ('skip' in launch) {
    print(`dashboard: skipped: ${launch.skip}`);
    return;
  }
  try {
    await measurePage(launch.browser, print);
    if (process.env.OVH_FLEET_DASHBOARD_BENCH === 'page')
      print('dashboard: RSS part skipped (OVH_FLEET_DASHBOARD_BENCH=page)');
    else await measureDashboardsRss(launch.browser, print);
  } finally {
    await launch.browser.close();
  }
}

export const dashboardBench: Bench = { name: 'dashboard', run };
