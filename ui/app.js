// The dashboard's entry module (docs/dashboard.md), served at /ui/app.js with no build step:
// opens /api/events, keeps the store, routes between the views by the URL's hash.
import { Store } from './store.js';
import { FleetView } from './fleet.js';
import { RolloutView } from './rollout.js';
import { ServerView } from './server.js';
import { keepConnected } from './live-connection.js';

const store = new Store();
const sections = {
  fleet: document.getElementById('view-fleet'),
  rollout: document.getElementById('view-rollout'),
  server: document.getElementById('view-server'),
};
const views = {
  fleet: new FleetView(sections.fleet, store),
  rollout: new RolloutView(sections.rollout, store),
  server: new ServerView(sections.server, store),
};
let current = 'fleet';

/** A name from the hash; a pasted or cut link (`ns1%`) is not percent-encoding: shown as typed. */
function decodeHash(text) {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function route() {
  const match = /^#\/(fleet|rollout|server)(?:\/(.*))?$/.exec(location.hash);
  const next = match ? match[1] : 'fleet';
  if (next === 'server') views.server.show(decodeHash(match[2] ?? ''));
  const moved = next !== current;
  current = next;
  for (const [name, section] of Object.entries(sections)) section.hidden = name !== current;
  for (const link of document.querySelectorAll('nav a[data-view]')) {
    if (link.dataset.view === current) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  if (store.summary) views[current].render();
  if (moved) document.getElementById('main').focus({ preventScroll: true });
}

function summarise() {
  const s = store.summary;
  const running = [...store.servers.values()].filter((r) => r.phase === 'reinstalling').length;
  const cycle = s.lastCycle ? `last cycle ${s.lastCycle.result}` : 'no cycle yet';
  document.getElementById('summary').textContent = [
    s.ready ? 'Ready' : 'Not ready',
    `${store.servers.size} servers`,
    `${running} reinstalling`,
    s.head ? `head ${s.head.slice(0, 12)}` : 'no head yet',
    cycle,
  ].join(' · ');
}

store.subscribe(() => {
  summarise();
  views[current].render();
});

addEventListener('hashchange', route);
route();
keepConnected(
  '/api/events',
  { snapshot: (status) => store.snapshot(status), update: (update) => store.update(update) },
  document.getElementById('connection'),
);
