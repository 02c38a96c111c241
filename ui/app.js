// The dashboard's entry module (docs/dashboard.md), served at /ui/app.js with no build step:
// listens to /api/events (opened early by stream.js), keeps the store, routes between the views
// by the URL's hash.
import { listen } from './stream.js';
import { Store } from './store.js';
import { FleetView } from './fleet.js';
import { RolloutView } from './rollout.js';
import { ServerView } from './server.js';

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

/** Shows the view the hash names; `focusMain` (a navigation, not the page's load) moves the focus to main. */
function route(focusMain) {
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
  if (moved && focusMain) document.getElementById('main').focus({ preventScroll: true });
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

const connection = document.getElementById('connection');
const handlers = {
  open: () => {
    connection.dataset.state = 'live';
    connection.textContent = 'Live';
  },
  snapshot: (e) => store.snapshot(JSON.parse(e.data)),
  update: (e) => store.update(JSON.parse(e.data)),
  error: (e) => {
    connection.dataset.state = 'offline';
    const seconds = Math.ceil(e.data.retryInMs / 1000);
    connection.textContent =
      e.data.reason === 'credentials'
        ? 'The dashboard needs credentials: reload the page to sign in.'
        : e.data.reason === 'refused'
          ? `Live stream refused (HTTP ${e.data.status}), retrying in ${seconds} s`
          : 'Connection lost, reconnecting…';
  },
};

// The skip link moves the focus without touching the hash (`#main` is no view: it would show the Fleet).
document.querySelector('a.skip').addEventListener('click', (e) => {
  e.preventDefault();
  document.getElementById('main').focus();
});
addEventListener('hashchange', () => route(true));
route(false);
listen((e) => handlers[e.type]?.(e));
