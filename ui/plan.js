// The current plan on the Rollout view (docs/dashboard.md): its halts (at the top of the view),
// its revision and when it was made, its cohorts, the reinstalls by batch with what each one
// erases and the fields that changed (cards: plan-entry.js), and the deferred servers with their
// reason and `notBefore`. Built from /api/status `plan` (src/daemon/ui/dashboard-plan.ts), rebuilt
// only when the plan changes; long lists are capped so that 10,000 deferred servers stay fast.
import { h, time } from './dom.js';
import { capped, count, entry, relative, relativeSpan } from './plan-entry.js';

/** Cards shown per group, and (about) in all, before "… and N more". */
const PER_GROUP = 200;
const IN_ALL = 200;
/** How often the relative times ("in 2 h 10 min") are brought up to date. */
const TICK_MS = 30_000;

/** The actions in the order the plan's summary lists them (src/plan/types.ts PLAN_ACTIONS). */
const ACTIONS = ['reinstall', 'adopt', 'follow', 'deferred', 'invalid', 'none'];

const COHORT_STATES = {
  canaries: 'canaries first',
  proceeding: 'proceeding',
  halted: 'halted',
  paused: 'paused',
};

export class PlanView {
  constructor(store) {
    this.store = store;
    this.node = null;
    this.haltsNode = null;
    this.shown = undefined;
    setInterval(() => this.tick(), TICK_MS);
  }

  /** The plan's halts and pauses as alerts (for the top of the view), or null. */
  renderHalts() {
    this.build();
    return this.haltsNode;
  }

  /** The plan section. */
  render() {
    this.build();
    return this.node;
  }

  /** Builds both parts, only when the plan is another one. */
  build() {
    const plan = this.store.plan;
    if (this.node && plan === this.shown) return;
    this.shown = plan;
    this.haltsNode = plan ? halts(plan.halts) : null;
    this.node = h(
      'section',
      { class: 'group plan', 'aria-labelledby': 'h-plan' },
      h('h3', { id: 'h-plan' }, 'Current plan'),
      plan
        ? planBody(plan)
        : h('p', { class: 'empty' }, 'No plan yet: no cycle has planned since the daemon started.'),
    );
  }

  /** Brings the relative times up to date, in place. */
  tick() {
    if (!this.node?.isConnected) return;
    // Only the plan section holds relative times (the halts do not).
    const now = Date.now();
    for (const el of this.node.querySelectorAll('[data-relative]'))
      el.textContent = relative(el.dataset.relative, now);
  }
}

function planBody(plan) {
  const now = Date.now();
  const reinstalls = plan.entries.filter((e) => e.action === 'reinstall');
  const deferred = plan.entries.filter((e) => e.action === 'deferred');
  return [
    h(
      'p',
      { class: 'meta' },
      `Revision ${plan.revision.slice(0, 12)} · made `,
      time(plan.generatedAt),
      ' (',
      relativeSpan(plan.generatedAt, now),
      `) · ${plan.planHash.replace(/^sha256:/, 'hash ').slice(0, 17)}`,
    ),
    plan.halts.length > 0 ? h('p', {}, `${plan.halts.length} halted or paused (above).`) : null,
    h('p', {}, counts(plan.summary)),
    deferredSummary(deferred),
    cohorts(plan.cohorts),
    batches(reinstalls, deferred, now),
  ];
}

function counts(summary) {
  return (
    ACTIONS.filter((a) => summary[a] > 0)
      .map((a) => `${count(summary[a])} ${a}`)
      .join(' · ') || 'Nothing to do.'
  );
}

function halts(list) {
  if (list.length === 0) return null;
  // Styled as alerts but not role="alert": the view is rebuilt at each progress update, and a
  // screen reader would announce them again every time.
  return h(
    'section',
    { class: 'halts', 'aria-label': 'Halts and pauses of the plan' },
    list.map((halt) =>
      h(
        'div',
        { class: 'alert' },
        h(
          'p',
          {},
          h('strong', {}, halt.reason === 'rollout-halted' ? 'Rollout halted' : 'Rollout paused'),
          halt.scope === 'fleet' ? ' (whole fleet): ' : ` (cohort ${halt.cohort}): `,
          halt.message,
        ),
        halt.servers.length > 0 ? h('p', {}, `Servers: ${capped(halt.servers)}`) : null,
        halt.acknowledge.length > 0
          ? h(
              'p',
              {},
              'To accept them as they are, add to ',
              h('code', {}, 'acknowledge.verification'),
              ' in fleet.yaml: ',
              h('code', {}, capped(halt.acknowledge)),
            )
          : null,
      ),
    ),
  );
}

function cohorts(list) {
  if (list.length === 0) return null;
  return h(
    'div',
    { class: 'scroll-x', tabindex: '0', role: 'region', 'aria-label': 'Cohorts (table)' },
    cohortTable(list),
  );
}

function cohortTable(list) {
  return h(
    'table',
    { class: 'cohorts' },
    h('caption', {}, 'Cohorts'),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        ['Cohort', 'State', 'Servers', 'Want a reinstall', 'Canaries', 'Waiting for'].map((t) =>
          h('th', { scope: 'col' }, t),
        ),
      ),
    ),
    h(
      'tbody',
      {},
      list
        .slice(0, PER_GROUP)
        .map((c) =>
          h(
            'tr',
            {},
            h('td', {}, h('code', {}, breakable(c.cohort))),
            h(
              'td',
              {},
              h('span', { class: `cohort-state state-${c.state}` }, COHORT_STATES[c.state] ?? c.state),
            ),
            h('td', {}, count(c.servers)),
            h('td', {}, count(c.candidates)),
            h('td', {}, capped(c.canaries) || '—'),
            h('td', {}, capped(c.waitsFor) || '—'),
          ),
        ),
    ),
  );
}

/**
 * Batch 1 (starts now), then the later batches in order, then the deferred servers outside the
 * batches; at most PER_GROUP cards a group and IN_ALL in all, then how many are left.
 */
function batches(reinstalls, deferred, now) {
  const byBatch = new Map();
  const unbatched = [];
  for (const e of [...reinstalls, ...deferred]) {
    if (e.batch === null) {
      unbatched.push(e);
      continue;
    }
    if (!byBatch.has(e.batch)) byBatch.set(e.batch, []);
    byBatch.get(e.batch).push(e);
  }
  const order = [...byBatch.keys()].sort((a, b) => a - b);
  const groups = [];
  let shown = 0;
  let left = 0;
  const leftBatches = [];
  for (const batch of order) {
    const entries = byBatch.get(batch);
    if (shown >= IN_ALL) {
      left += entries.length;
      leftBatches.push(batch);
      continue;
    }
    const starts = entries.some((e) => e.action === 'reinstall');
    const title = batch === 1 && starts ? 'Batch 1 — starts now' : `Batch ${batch} — waits`;
    groups.push(group(title, entries, now));
    shown += Math.min(entries.length, PER_GROUP);
  }
  if (left > 0)
    groups.push(
      h(
        'p',
        { class: 'meta' },
        `… and ${count(left)} more in batches ${leftBatches[0]} to ${leftBatches.at(-1)} (see the Fleet list).`,
      ),
    );
  if (unbatched.length > 0) groups.push(group('Deferred, in no batch', unbatched, now));
  if (groups.length === 0) groups.push(h('p', { class: 'empty' }, 'No server is to be reinstalled.'));
  return groups;
}

function group(title, entries, now) {
  return h(
    'section',
    { class: 'batch', 'aria-label': title },
    h('h4', {}, `${title} (${count(entries.length)})`),
    h(
      'ul',
      { class: 'cards' },
      entries.slice(0, PER_GROUP).map((e) => h('li', { class: `card plan-${e.action}` }, entry(e, now))),
    ),
    entries.length > PER_GROUP
      ? h('p', {}, `… and ${count(entries.length - PER_GROUP)} more (see the Fleet list).`)
      : null,
  );
}

/** "Deferred: 9,998 — budget-exhausted 9,000 · rollout-halted 998". */
function deferredSummary(deferred) {
  if (deferred.length === 0) return null;
  const byReason = new Map();
  for (const e of deferred) byReason.set(e.reason, (byReason.get(e.reason) ?? 0) + 1);
  return h(
    'p',
    {},
    `Deferred: ${count(deferred.length)} — `,
    [...byReason.entries()]
      .sort((a, b) => b[1] - a[1])
      .map(([reason, n], i) => [i > 0 ? ' · ' : '', h('code', {}, reason), ` ${count(n)}`]),
  );
}

/** A cohort key that may wrap after each `/` (narrow screens). */
function breakable(key) {
  return key.split('/').map((part, i) => (i === 0 ? part : [h('wbr'), `/${part}`]));
}
