// The Rollout view (docs/dashboard.md): what runs (each task's step n of m, its name, elapsed
// time), what waits and why, what failed or is halted, canaries and verifications, and the
// last cycles seen since the page opened; and the current plan (plan.js), its halts on top.
import { formatDuration, h, replace, serverHref, time } from './dom.js';
import { badge } from './fleet.js';
import { PlanView } from './plan.js';

const WAITING = new Set(['pending']);
const TROUBLE = new Set(['failed', 'unhealthy', 'drifted', 'invalid', 'unknown']);

export class RolloutView {
  constructor(section, store) {
    this.section = section;
    this.store = store;
    this.key = '';
    this.plan = new PlanView(store);
    this.shownPlan = undefined;
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
    const key = JSON.stringify([
      store.summary,
      store.cycles.length,
      running,
      verifying,
      waiting,
      trouble,
      canaries,
    ]);
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
      group('Reinstalling now', running, taskItem, 'No reinstall runs.'),
      group('Verifying (health checks)', verifying, verifyItem, 'No verification runs.'),
      group('Waiting', waiting, reasonItem, 'Nothing waits.'),
      group('Failed, unhealthy or drifted', trouble, troubleItem, 'Nothing failed.'),
      group('Canaries of the rollout under way', canaries, canaryItem, 'No canary.'),
      this.plan.render(),
      budget(s.budget),
      cycles(store.cycles),
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

function taskItem(r) {
  const t = r.task;
  const step = t?.step ?? 0;
  const steps = t?.steps ?? null;
  const label = steps ? `Step ${step} of ${steps}` : t?.step ? `Step ${step}` : 'Not started';
  const progress = h('progress', {
    max: String(steps ?? 1),
    value: String(steps ? step : 0),
    'aria-label': label,
  });
  return [
    title(r),
    h('p', {}, `${label}${t?.currentStep ? `: ${t.currentStep}` : ''}`),
    progress,
    h(
      'p',
      { class: 'meta' },
      `Task ${t?.id ?? '—'} (${t?.status ?? '—'}) · elapsed ${formatDuration(t?.elapsedSeconds)}`,
      t?.etaSeconds !== undefined && t?.etaSeconds !== null
        ? ` · about ${formatDuration(t.etaSeconds)} left`
        : '',
      ' · started ',
      time(t?.startedAt),
    ),
  ];
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

function cycles(list) {
  return h(
    'section',
    { class: 'group', 'aria-label': 'Cycles' },
    h('h3', {}, 'Cycles seen since this page opened'),
    list.length === 0
      ? h('p', { class: 'empty' }, 'No cycle yet.')
      : h(
          'table',
          { class: 'cycles' },
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              ['Ended', 'Trigger', 'Result', 'Duration', 'Error'].map((t) => h('th', { scope: 'col' }, t)),
            ),
          ),
          h(
            'tbody',
            {},
            [...list]
              .reverse()
              .map((c) =>
                h(
                  'tr',
                  {},
                  h('td', {}, time(c.endedAt)),
                  h('td', {}, c.trigger),
                  h('td', {}, h('span', { class: `result result-${c.result}` }, c.result)),
                  h('td', {}, formatDuration((Date.parse(c.endedAt) - Date.parse(c.startedAt)) / 1000)),
                  h('td', {}, c.error ? `${c.error.code}: ${c.error.message}` : ''),
                ),
              ),
          ),
        ),
  );
}
