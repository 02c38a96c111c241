// The Fleet view (docs/dashboard.md): counts by phase, by OS and by cohort as stacked bars, and
// a filterable, sortable server list that renders only the rows in sight (10,000 servers scroll
// as fast as 10).
import { h, replace, serverHref, time } from './dom.js';
import { PHASES } from './store.js';

const ROW_HEIGHT = 40;
const OVERSCAN = 10;

const SORTS = {
  name: (a, b) => compare(a.serviceName, b.serviceName),
  phase: (a, b) => PHASES.indexOf(a.phase) - PHASES.indexOf(b.phase) || compare(a.serviceName, b.serviceName),
  since: (a, b) => compare(b.since, a.since) || compare(a.serviceName, b.serviceName),
  os: (a, b) => compare(observedOs(a), observedOs(b)) || compare(a.serviceName, b.serviceName),
};

function compare(a, b) {
  return a < b ? -1 : a > b ? 1 : 0;
}

function observedOs(r) {
  return r.observedOs || '';
}

function appliedOs(r) {
  return r.lastApplied?.operatingSystem ?? '';
}

/** `key=value` of each label a server's spec declares. */
function labelsOf(declared) {
  return declared ? Object.entries(declared.labels).map(([k, v]) => `${k}=${v}`) : [];
}

/** The cohort of a server's last rollout mark, else none. */
function cohortOf(r) {
  return r.rollout?.cohort ?? null;
}

export class FleetView {
  constructor(section, store) {
    this.store = store;
    this.filter = '';
    this.phase = '';
    this.sort = 'name';
    this.rows = [];
    this.rowsVersion = -1;
    this.bars = h('div', { class: 'bars' });
    this.count = h('p', { class: 'list-count', 'aria-live': 'polite' });
    this.spacer = h('div', { class: 'spacer' });
    // The scrolling viewport is the row group (it is focusable and named, so it cannot be a bare
    // div between the table and its rows); the spacer and the rows' box are plain layout.
    this.body = h('div', { class: 'rows' });
    this.viewport = h(
      'div',
      { class: 'viewport', role: 'rowgroup', tabindex: '0', 'aria-label': 'Servers (scroll for more)' },
      this.spacer,
    );
    this.spacer.append(this.body);
    this.viewport.addEventListener('scroll', () => this.renderRows(), { passive: true });
    const phaseSelect = h(
      'select',
      { id: 'phase-filter', onchange: (e) => this.set({ phase: e.target.value }) },
      h('option', { value: '' }, 'All phases'),
      PHASES.map((p) => h('option', { value: p }, p)),
    );
    const sortSelect = h(
      'select',
      { id: 'sort', onchange: (e) => this.set({ sort: e.target.value }) },
      h('option', { value: 'name' }, 'Name'),
      h('option', { value: 'phase' }, 'Phase (active first)'),
      h('option', { value: 'since' }, 'Last change (newest first)'),
      h('option', { value: 'os' }, 'Observed OS'),
    );
    const search = h('input', {
      id: 'filter',
      type: 'search',
      placeholder: 'name, reason, OS…',
      autocomplete: 'off',
      oninput: (e) => this.set({ filter: e.target.value.trim().toLowerCase() }),
    });
    this.table = h(
      'div',
      { class: 'table', role: 'table', 'aria-label': 'Servers', 'aria-rowcount': '0' },
      h(
        'div',
        { class: 'row head', role: 'row', 'aria-rowindex': '1' },
        ['Server', 'Phase', 'Reason', 'OS (observed / declared)', 'Labels', 'Since'].map((t) =>
          h('span', { role: 'columnheader' }, t),
        ),
      ),
      this.viewport,
    );
    replace(
      section,
      h('h2', { id: 'h-fleet' }, 'Fleet'),
      this.bars,
      h(
        'form',
        { class: 'controls', role: 'search', onsubmit: (e) => e.preventDefault() },
        h('label', { for: 'filter' }, 'Filter'),
        search,
        h('label', { for: 'phase-filter' }, 'Phase'),
        phaseSelect,
        h('label', { for: 'sort' }, 'Sort by'),
        sortSelect,
      ),
      this.count,
      this.table,
    );
    this.barsVersion = -1;
  }

  set(change) {
    Object.assign(this, change);
    this.rowsVersion = -1;
    this.viewport.scrollTop = 0;
    this.render();
  }

  render() {
    const store = this.store;
    if (this.barsVersion !== store.version) {
      this.barsVersion = store.version;
      this.renderBars(store.sorted());
    }
    if (this.rowsVersion !== store.version) {
      this.rowsVersion = store.version;
      this.rows = this.select(store.sorted());
      this.spacer.style.setProperty('height', `${this.rows.length * ROW_HEIGHT}px`);
      this.table.setAttribute('aria-rowcount', String(this.rows.length + 1));
      this.count.textContent = `${this.rows.length} of ${store.servers.size} servers shown`;
      this.lastRange = null;
    }
    this.renderRows();
  }

  select(all) {
    const f = this.filter;
    const store = this.store;
    const matches = (r) => {
      if (f === '') return true;
      const d = store.declared(r.serviceName);
      return [
        r.serviceName,
        r.reason,
        observedOs(r),
        appliedOs(r),
        cohortOf(r) ?? '',
        d?.operatingSystem ?? '',
        ...labelsOf(d),
      ].some((text) => text.toLowerCase().includes(f));
    };
    const rows = all.filter((r) => (this.phase === '' || r.phase === this.phase) && matches(r));
    return this.sort === 'name' ? rows : rows.sort(SORTS[this.sort]);
  }

  renderRows() {
    const top = this.viewport.scrollTop;
    const height = this.viewport.clientHeight || 600;
    const first = Math.max(0, Math.floor(top / ROW_HEIGHT) - OVERSCAN);
    const last = Math.min(this.rows.length, Math.ceil((top + height) / ROW_HEIGHT) + OVERSCAN);
    const range = `${first}:${last}`;
    if (this.lastRange === range) return;
    this.lastRange = range;
    this.body.style.setProperty('transform', `translateY(${first * ROW_HEIGHT}px)`);
    // The rows are drawn anew: a server's link that had the focus gets it back in its new row
    // (else the focus falls to the page, and the next Tab starts again at the top of the list).
    const focused = this.body.contains(document.activeElement)
      ? document.activeElement.closest('.row')?.dataset.name
      : undefined;
    replace(
      this.body,
      this.rows.slice(first, last).map((r, i) => this.row(r, first + i)),
    );
    if (focused === undefined) return;
    for (const row of this.body.children)
      if (row.dataset.name === focused) row.querySelector('a')?.focus({ preventScroll: true });
  }

  row(r, index) {
    const observed = observedOs(r) || '—';
    const d = this.store.declared(r.serviceName);
    const wanted = d?.operatingSystem ?? appliedOs(r);
    const differs = wanted !== '' && observed !== wanted;
    return h(
      'div',
      { class: 'row', role: 'row', 'aria-rowindex': String(index + 2), 'data-name': r.serviceName },
      h('span', { role: 'cell' }, h('a', { href: serverHref(r.serviceName) }, r.serviceName)),
      h('span', { role: 'cell' }, badge(r.phase)),
      h('span', { role: 'cell', class: 'reason', title: r.message }, r.reason),
      h(
        'span',
        { role: 'cell', class: differs ? 'os differs' : 'os' },
        observed,
        differs ? ` / ${wanted}` : '',
        r.rollout?.canary ? h('span', { class: 'tag' }, 'canary') : null,
      ),
      h(
        'span',
        { role: 'cell', class: 'labels' },
        labelsOf(d).map((l) => h('span', { class: 'tag' }, l)),
      ),
      h('span', { role: 'cell' }, time(r.since)),
    );
  }

  renderBars(all) {
    const byPhase = countBy(all, (r) => r.phase);
    const byOs = countBy(all, (r) => observedOs(r) || 'unknown');
    const byLabel = countLabels(all, this.store);
    const marked = all.filter((r) => cohortOf(r) !== null);
    const byCohort = countBy(marked, (r) => cohortOf(r));
    replace(
      this.bars,
      stackedBar('Servers by phase', byPhase, all.length, (k) => `phase-${k}`, PHASES),
      stackedBar('Servers by observed OS', byOs, all.length, (_k, i) => `series-${i % 8}`),
      byLabel.size > 0
        ? stackedBar('Servers by label', byLabel, all.length, (_k, i) => `series-${i % 8}`)
        : null,
      byCohort.size > 0
        ? stackedBar('Canaries by rollout cohort', byCohort, marked.length, (_k, i) => `series-${i % 8}`)
        : null,
    );
  }
}

/** A phase as a badge (colour and text: the colour is never the only sign). */
export function badge(phase) {
  return h('span', { class: `badge phase-${phase}` }, phase);
}

function countBy(records, key) {
  const out = new Map();
  for (const r of records) {
    const k = key(r);
    out.set(k, (out.get(k) ?? 0) + 1);
  }
  return out;
}

/**
 * Servers by `key=value` label, in the order each label is first met. Counted by key, then by
 * value, and joined once per distinct label: building the `key=value` text for each label of
 * each server made this the costliest part of the first render with 10,000 servers.
 */
function countLabels(records, store) {
  const byKey = new Map();
  const order = [];
  for (const r of records) {
    const labels = store.declared(r.serviceName)?.labels;
    if (!labels) continue;
    for (const key in labels) {
      const value = labels[key];
      let byValue = byKey.get(key);
      if (!byValue) byKey.set(key, (byValue = new Map()));
      const seen = byValue.get(value);
      if (seen) seen.count++;
      else {
        const entry = { label: `${key}=${value}`, count: 1 };
        byValue.set(value, entry);
        order.push(entry);
      }
    }
  }
  const out = new Map();
  for (const { label, count } of order) out.set(label, (out.get(label) ?? 0) + count);
  return out;
}

/** A stacked bar with its legend; the legend is the text equivalent of the picture. */
function stackedBar(title, counts, total, classOf, order) {
  const entries = [...counts.entries()].sort((a, b) =>
    order ? order.indexOf(a[0]) - order.indexOf(b[0]) : b[1] - a[1],
  );
  const shown = entries.slice(0, 12);
  const rest = entries.slice(12).reduce((sum, [, n]) => sum + n, 0);
  if (rest > 0) shown.push(['others', rest]);
  const bar = h('div', { class: 'bar', 'aria-hidden': 'true' });
  shown.forEach(([k, n], i) => {
    const seg = h('span', { class: `seg ${classOf(k, i)}`, title: `${k}: ${n}` });
    seg.style.setProperty('flex-grow', String(n));
    bar.append(seg);
  });
  return h(
    'figure',
    { class: 'chart' },
    h('figcaption', {}, `${title} (${total})`),
    bar,
    h(
      'ul',
      { class: 'legend' },
      shown.map(([k, n], i) =>
        h(
          'li',
          {},
          h('span', { class: `swatch ${classOf(k, i)}`, 'aria-hidden': 'true' }),
          `${k} `,
          h('b', {}, n),
        ),
      ),
    ),
  );
}
