/**
 * The dashboard's HTML page (`GET /`), rendered by the daemon: the summary line as it stands
 * (so the page says something before any script runs), the three views' landmarks, and the
 * links to `/ui/app.css` and `/ui/app.js`. No inline script or style (the CSP forbids them);
 * every value is escaped. For a fast first render with a large fleet, `/ui/stream.js` (async, no
 * imports) opens the event stream before the views' modules are in, and every module of `ui/` is
 * preloaded so that they load side by side rather than one import level after another.
 */
import type { DaemonStatus } from '../types.js';

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * The page, with the summary of `status` rendered in; `modules` are the names of the `ui/`
 * modules to preload (those of UiAssets.modules()).
 */
export function renderPage(
  status: Omit<DaemonStatus, 'servers'> & { serverCount: number },
  modules: readonly string[] = [],
): string {
  const e = escapeHtml;
  // stream.js has its own script element, which loads it first; app.js's imports come next.
  const preloads = modules
    .filter((m) => m !== 'stream.js')
    .map((m) => `<link rel="modulepreload" href="/ui/${e(m)}">\n`)
    .join('');
  const cycle = status.lastCycle;
  const summary = [
    status.ready ? 'Ready' : 'Not ready',
    `${status.serverCount} servers`,
    `${status.tasksInFlight} reinstalling`,
    status.head ? `head ${status.head.slice(0, 12)}` : 'no head yet',
    cycle ? `last cycle ${cycle.result} at ${cycle.endedAt}` : 'no cycle yet',
  ].join(' · ');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>ovh-fleet</title>
<script type="module" async src="/ui/stream.js"></script>
<link rel="icon" href="/ui/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/ui/app.css">
${preloads}<script type="module" src="/ui/app.js"></script>
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header class="top">
<h1>ovh-fleet</h1>
<nav aria-label="Views">
<a href="#/fleet" data-view="fleet">Fleet</a>
<a href="#/rollout" data-view="rollout">Rollout</a>
</nav>
<p id="summary" class="summary" role="status" aria-live="polite">${e(summary)}</p>
<p id="connection" class="connection" data-state="connecting">Connecting to the live stream…</p>
</header>
<main id="main" tabindex="-1">
<noscript><p>The live dashboard needs JavaScript. <a href="/api/status">/api/status</a> gives the same data as JSON.</p></noscript>
<section id="view-fleet" aria-labelledby="h-fleet" hidden></section>
<section id="view-rollout" aria-labelledby="h-rollout" hidden></section>
<section id="view-server" aria-labelledby="h-server" hidden></section>
</main>
</body>
</html>
`;
}
