// The Rollout view (docs/dashboard.md): what runs (each task's step n of m, its name, elapsed
// time and ETA: task-card.js), what waits and why, what failed or is halted, canaries and
// verifications, the timeline of the last cycles (cycles.js), and the current plan (plan.js),
// its halts on top.
import { formatDuration, h, replace, serverHref, time } from './dom.js';
import { badge } from './fleet.js';
import { cyclesSection } from './cycles.js';
import { PlanView } from './plan.js';
import { refreshTaskTimes, taskItem } from './task-card.js';

/** How often running tasks' elapsed time and time left are brought up to date. */
const TASK_TICK_MS = 15_000;
const WAITING = new Set(['pending']);
const TROUBLE = new Set(['failed', 'unhealthy', 'drifted', 'invalid', 'unknown']);

export class RolloutView {
  constructor(section, store) {
    this.section = section;
    this.store = store;
    this.key = '';
    this.plan = new PlanView(store);
    this.shownPlan = undefined;
    // Elapsed and time left move with the clock, not only with the follower's reports.
    setInterval(() => refreshTaskTimes(this.section), TASK_TICK_MS);
  }

  render() {
    const store = this.store;
    const running = [];
    const verifying = [];
    const waiting = [];
    const trouble = [];
    const canaries = [];
    for (const r of store.sorted()) {
      if (r.phase === 'reinstalling') running.push(r);
      else if (r.phase === 'verifying') verifying.push(r);
      else if (WAITING.has(r.phase)) waiting.push(r);
      else if (TROUBLE.has(r.phase)) trouble.push(r);
      if (r.rollout?.canary) canaries.push(r);
    }
    // Re-render only when what is shown changed (keeps keyboard focus while nothing moves); the
    // plan is a new object only when it changed.
    // `declared` (one entry per spec) is not shown here: leave it out of the key.
    const { declared: _declared, ...shown } = store.summary ?? {};
    const key = JSON.stringify([shown, store.timeline(), running, verifying, waiting, trouble, canaries]);
    if (key === this.key && store.plan === this.shownPlan) return;
    this.shownPlan = store.plan;
    this.key = key;
    const s = store.summary ?? {};
    replace(
      this.section,
      h('h2', { id: 'h-rollout' }, 'Rollout'),
      s.block
        ? h('p', { class: 'alert', role: 'alert' }, `Cycles blocked (${s.block.reason}): ${s.block.message}`)
        : null,
      this.plan.renderHalts(),
      group('Reinstalling now', running, (r) => taskItem(r, title), 'No reinstall runs.'),
      group('Verifying (health checks)', verifying, verifyItem, 'No verification runs.'),
      group('Waiting', waiting, reasonItem, 'Nothing waits.'),
      group('Failed, unhealthy or drifted', trouble, troubleItem, 'Nothing failed.'),
      group('Canaries of the rollout under way', canaries, canaryItem, 'No canary.'),
      this.plan.render(),
      budget(s.budget),
      cyclesSection(store.timeline(), store.summary?.cycles !== undefined),
    );
  }
}

function group(title, records, item, empty) {
  return h(
    'section',
    { class: 'group', 'aria-label': title },
    h('h3', {}, `${title} (${records.length})`),
    records.length === 0
      ? h('p', { class: 'empty' }, empty)
      : h(
          'ul',
          { class: 'cards' },
          records.slice(0, 200).map((r) => h('li', { class: 'card' }, item(r))),
        ),
    records.length > 200 ? h('p', {}, `… and ${records.length - 200} more (see the Fleet list).`) : null,
  );
}

function title(r) {
  return h(
    'p',
    { class: 'card-title' },
    h('a', { href: serverHref(r.serviceName) }, r.serviceName),
    ' ',
    badge(r.phase),
  );
}

function verifyItem(r) {
  const v = r.verification;
  return [
    title(r),
    h('p', {}, v ? `Checks ${v.result} since ` : 'Checks starting', v ? time(v.startedAt) : ''),
  ];
}

function reasonItem(r) {
  return [
    title(r),
    h('p', {}, h('code', {}, r.reason), ` ${r.message}`),
    h('p', { class: 'meta' }, 'since ', time(r.since)),
  ];
}

function troubleItem(r) {
  const why = r.lastError?.message ?? r.lastAttempt?.message ?? r.verification?.message ?? r.message;
  return [
    title(r),
    h('p', {}, h('code', {}, r.reason), ` ${why}`),
    r.verification?.probes
      ? h(
          'ul',
          { class: 'probes' },
          r.verification.probes.map((p) =>
            h('li', {}, `${p.probe}: ${p.outcome}${p.reason ? ` (${p.reason})` : ''}`),
          ),
        )
      : null,
  ];
}

function canaryItem(r) {
  return [title(r), h('p', {}, `Cohort ${r.rollout.cohort}`)];
}

function budget(b) {
  if (!b) return null;
  return h(
    'section',
    { class: 'group', 'aria-label': 'API budget' },
    h('h3', {}, 'API budget'),
    h(
      'p',
      {},
      `${b.remaining} of ${b.requestsPerMinute} requests a minute left`,
      b.pausedMs > 0 ? ` · paused ${formatDuration(b.pausedMs / 1000)} after a 429` : '',
    ),
  );
}
