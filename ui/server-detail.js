// The Server view's second half (docs/dashboard.md): the server's last plan entry and its attempt
// history from git, read from /api/servers/<name>. Fetched when the view shows a server, and again
// only when that server's record moved (its `since`, its task's id or status, its last applied or
// last attempt): never on a timer. Text is always inserted as text.
import { h, replace, time } from './dom.js';

/** History rows put in the page (a long-lived server can have thousands; the text has them all). */
const MAX_ROWS = 200;

/** What, in a record, says that the plan entry or the history may have changed. */
function keyOf(record) {
  if (!record) return null;
  const t = record.task;
  return JSON.stringify([
    record.serviceName,
    record.since,
    t ? [t.id, t.status] : null,
    record.lastApplied?.finishedAt ?? null,
    record.lastAttempt?.startedAt ?? null,
  ]);
}

export class ServerDetailPanel {
  constructor() {
    /** Kept across the view's renders (the view re-attaches it). */
    this.element = h('div', { class: 'server-detail' });
    this.key = null;
    this.asked = 0;
  }

  /** Called at each render of the Server view with the record shown (or undefined). */
  follow(record) {
    const key = keyOf(record);
    if (key === this.key) return;
    this.key = key;
    if (!record) {
      replace(this.element);
      return;
    }
    const asked = ++this.asked;
    this.element.setAttribute('aria-busy', 'true');
    if (!this.element.firstChild)
      replace(this.element, h('p', { class: 'meta' }, 'Reading the history from git…'));
    void this.load(record.serviceName).then((view) => {
      if (asked !== this.asked) return; // a newer request was made meanwhile
      this.element.removeAttribute('aria-busy');
      replace(this.element, view);
    });
  }

  async load(name) {
    try {
      const response = await fetch(`/api/servers/${encodeURIComponent(name)}`, {
        headers: { accept: 'application/json' },
      });
      const body = await response.json();
      if (!response.ok) return unavailable(body.error ?? `HTTP ${response.status}`);
      return [planSection(body), historySection(body)];
    } catch (error) {
      return unavailable(String(error?.message ?? error));
    }
  }
}

function unavailable(message) {
  return h(
    'section',
    { class: 'group', 'aria-label': 'Plan entry and history' },
    h('h3', {}, 'Last plan entry and history'),
    h('p', { class: 'alert', role: 'status' }, `Not available: ${message}`),
  );
}

function planSection(detail) {
  const e = detail.planEntry;
  const title = h('h3', { id: 'h-plan-entry' }, 'Last plan entry');
  const from = detail.plan
    ? h(
        'p',
        { class: 'meta' },
        `Plan of commit ${detail.plan.revision.slice(0, 12)}, made `,
        time(detail.plan.generatedAt),
      )
    : null;
  if (!e)
    return h(
      'section',
      { class: 'group', 'aria-labelledby': 'h-plan-entry' },
      title,
      from,
      h(
        'p',
        { class: 'empty' },
        detail.plan ? 'The last plan has no entry for this server.' : 'No cycle has planned yet.',
      ),
    );
  const rows = [
    ['Action', h('span', { class: `action action-${e.action}` }, e.action)],
    ['Reason', [h('code', {}, e.reason), e.message ? ` ${e.message}` : '']],
    ['Operating system', `${e.from?.operatingSystem ?? '—'} → ${e.to?.operatingSystem ?? '—'}`],
    ['Batch', e.batch === null ? '—' : e.batch === 1 ? '1 (now)' : String(e.batch)],
    ['Not before', e.notBefore ? time(e.notBefore) : '—'],
    ['Would erase', erasures(e)],
    [
      'Changes',
      e.changes.length === 0
        ? '—'
        : h(
            'ul',
            { class: 'plain' },
            e.changes.map((c) =>
              h('li', {}, h('code', {}, c.path), `: ${display(c.from)} → ${display(c.to)}`),
            ),
          ),
    ],
  ];
  if (e.waitsFor?.length) rows.push(['Waits for', e.waitsFor.join(', ')]);
  return h(
    'section',
    { class: 'group', 'aria-labelledby': 'h-plan-entry' },
    title,
    from,
    h(
      'dl',
      { class: 'record' },
      rows.map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]),
    ),
  );
}

/** What a reinstall (or a deferred one) erases; null erases means the hardware was not observed. */
function erasures(e) {
  if (e.action !== 'reinstall' && e.action !== 'deferred') return '—';
  if (e.erases === null) return 'every disk (the hardware was not observed)';
  if (e.erases.length === 0) return 'no disk group listed';
  return h(
    'ul',
    { class: 'plain' },
    e.erases.map((d) => h('li', {}, `${d.description} (group ${d.diskGroupId})`)),
  );
}

function display(value) {
  if (value === null || value === undefined) return '(none)';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function historySection(detail) {
  const entries = detail.history.entries;
  return h(
    'section',
    { class: 'group', 'aria-labelledby': 'h-history' },
    h('h3', { id: 'h-history' }, 'History from git'),
    entries.length === 0
      ? h('p', { class: 'empty' }, 'No spec change or status commit in the history.')
      : h(
          'div',
          { class: 'scroll-x', tabindex: '0', role: 'region', 'aria-label': 'History entries' },
          h(
            'table',
            { class: 'cycles history' },
            h(
              'caption',
              { class: 'meta' },
              entries.length > MAX_ROWS
                ? `${entries.length} entries, the ${MAX_ROWS} newest shown (all of them in the text below)`
                : `${entries.length} ${entries.length === 1 ? 'entry' : 'entries'}, newest first`,
            ),
            h(
              'thead',
              {},
              h(
                'tr',
                {},
                ['When', 'Who', 'Commit', 'What'].map((t) => h('th', { scope: 'col' }, t)),
              ),
            ),
            h('tbody', {}, entries.slice(-MAX_ROWS).reverse().map(historyRow)),
          ),
        ),
    h(
      'details',
      { 'data-key': 'history-text' },
      h('summary', {}, 'As ', h('code', {}, 'ovh-fleet history'), ' prints it'),
      h('pre', { tabindex: '0', 'aria-label': 'The history as text' }, detail.history.text),
    ),
  );
}

function historyRow(e) {
  const c = e.commit;
  return h(
    'tr',
    {},
    h('td', {}, h('time', { datetime: c.date }, c.date.replace('T', ' '))),
    h('td', {}, h('span', { title: c.author.email }, c.author.name)),
    h('td', {}, h('code', { title: c.hash }, c.hash.slice(0, 12))),
    h('td', {}, e.kind === 'spec' ? specWhat(e) : statusWhat(e)),
  );
}

function specWhat(e) {
  const os =
    e.osBefore === e.osAfter
      ? `operatingSystem ${e.osAfter ?? '(none)'} unchanged`
      : `operatingSystem ${e.osBefore ?? '(none)'} → ${e.osAfter ?? '(removed)'}`;
  return [h('span', { class: 'tag' }, 'spec'), ` ${e.file}: ${os} — “${e.commit.subject}”`];
}

function statusWhat(e) {
  const tasks = e.tasks.length > 0 ? ` · task ${e.tasks.join(', ')}` : '';
  const specs =
    e.specCommits.length > 0 ? ` · spec ${e.specCommits.map((x) => x.slice(0, 12)).join(', ')}` : '';
  return [h('span', { class: 'tag' }, 'status'), ` ${e.result}${tasks}${specs}`];
}
