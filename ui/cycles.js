// The Rollout view's timeline of the last cycles (docs/dashboard.md): a picture, one bar per
// cycle, oldest first, its height by duration, its colour and sign by result (the picture is a
// copy of the table for the eye: hidden from screen readers, each bar with its sign and a title),
// then the table: ended, trigger, result, duration, API requests used, error. The daemon keeps
// the last 50 cycles (`cycles` of /api/status); a status without them falls back to the cycles
// the page saw.
import { formatDuration, h, time } from './dom.js';

const SIGN = { success: '✓', error: '✗', skipped: '–' };

/** The timeline section; `kept`: the list comes from the daemon (else: seen by the page). */
export function cyclesSection(list, kept) {
  return h(
    'section',
    { class: 'group', 'aria-label': 'Cycles' },
    h('h3', {}, kept ? `Last cycles (${list.length})` : 'Cycles seen since this page opened'),
    list.length === 0 ? h('p', { class: 'empty' }, 'No cycle yet.') : [picture(list), table(list)],
  );
}

function seconds(c) {
  const s = (Date.parse(c.endedAt) - Date.parse(c.startedAt)) / 1000;
  return Number.isFinite(s) ? Math.max(0, s) : 0;
}

function requests(c) {
  return c.apiRequests === undefined || c.apiRequests === null ? '—' : String(c.apiRequests);
}

function picture(list) {
  const longest = Math.max(...list.map(seconds));
  const bars = h('div', { class: 'cycle-bars', 'aria-hidden': 'true' });
  for (const c of list) {
    const limit = c.requestsPerMinute ? ` (budget ${c.requestsPerMinute} a minute)` : '';
    const bar = h(
      'span',
      {
        class: `cycle-bar cycle-${c.result}`,
        title:
          `${c.endedAt} · ${c.trigger} · ${c.result} · ${formatDuration(seconds(c))} · ` +
          `${requests(c)} API requests${limit}${c.error ? ` · ${c.error.code}` : ''}`,
      },
      SIGN[c.result] ?? '?',
    );
    bar.style.setProperty('height', `${Math.round(20 + (80 * seconds(c)) / (longest || 1))}%`);
    bars.append(bar);
  }
  return h(
    'figure',
    { class: 'chart cycle-chart' },
    h('figcaption', {}, 'Duration of each cycle, oldest first (taller is longer)'),
    bars,
    h(
      'ul',
      { class: 'legend' },
      Object.entries(SIGN).map(([result, sign]) =>
        h(
          'li',
          {},
          h('span', { class: `swatch cycle-${result}`, 'aria-hidden': 'true' }),
          `${sign} ${result}`,
        ),
      ),
    ),
  );
}

/** The table, in a box of its own that scrolls sideways on a narrow screen (named, focusable). */
function table(list) {
  return h(
    'div',
    { class: 'scroll-x', tabindex: '0', role: 'region', 'aria-label': 'Cycles (table)' },
    cycleTable(list),
  );
}

function cycleTable(list) {
  return h(
    'table',
    { class: 'cycles' },
    h(
      'caption',
      { class: 'meta' },
      'Newest first. API requests: every request the daemon made while the cycle ran ' +
        '(the task watch and the background sweep included).',
    ),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        ['Ended', 'Trigger', 'Result', 'Duration', 'API requests', 'Error'].map((t) =>
          h('th', { scope: 'col' }, t),
        ),
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
            h('td', {}, formatDuration(seconds(c))),
            h('td', { class: 'number' }, requests(c)),
            h('td', {}, c.error ? `${c.error.code}: ${c.error.message}` : ''),
          ),
        ),
    ),
  );
}
