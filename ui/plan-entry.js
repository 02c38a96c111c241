// One entry of the current plan as a card of the Rollout view (ui/plan.js, docs/dashboard.md):
// server link, OS before → after, what it erases (impossible to miss, said in words), why it waits
// and until when, and the fields that changed; and the small formatters the plan view shares.
import { formatDuration, h, serverHref, time } from './dom.js';

/** The lines of one plan entry's card. */
export function entry(e, now) {
  const from = e.from?.operatingSystem || 'nothing observed';
  const to = e.to?.operatingSystem ?? '—';
  return [
    h(
      'p',
      { class: 'card-title' },
      e.serviceName ? h('a', { href: serverHref(e.serviceName) }, e.serviceName) : e.file,
      ' ',
      h('span', { class: `tag action-${e.action}` }, e.action),
      e.canary ? h('span', { class: 'tag' }, 'canary') : null,
    ),
    h('p', {}, `${from} → ${to}`),
    erasure(e.erases),
    e.action === 'deferred'
      ? h('p', {}, h('code', {}, e.reason), ` ${e.message}`)
      : h('p', { class: 'meta' }, e.message),
    e.notBefore
      ? h('p', {}, 'Not before ', time(e.notBefore), ' (', relativeSpan(e.notBefore, now), ')')
      : null,
    e.waitsFor.length > 0 ? h('p', { class: 'meta' }, `Waits for ${capped(e.waitsFor)}`) : null,
    e.cohort ? h('p', { class: 'meta' }, 'Cohort ', h('code', {}, e.cohort)) : null,
    changes(e.changes, `changes ${e.serviceName ?? e.file}`),
  ];
}

/** What a reinstall erases, impossible to miss: a marked block whose words say it. */
function erasure(erases) {
  const what =
    erases === null
      ? 'Erases every disk (hardware not observed)'
      : erases.length === 0
        ? 'Erases every disk (OVHcloud lists no disk group)'
        : `Erases every disk of: ${erases.map(diskGroup).join('; ')}`;
  return h(
    'p',
    { class: 'erase' },
    h('span', { class: 'erase-mark', 'aria-hidden': 'true' }, '⚠'),
    ' ',
    h('strong', {}, what),
  );
}

/** "2 X Disk SSD 480 GB, JBOD" as "2 × SSD 480 GB (JBOD)"; any other description as it is. */
function diskGroup(e) {
  const m = /^(\d+)\s*X\s+Disk\s+(.+?)(?:,\s*(.+))?$/i.exec(e.description);
  if (!m) return e.description || `${e.numberOfDisks} × ${e.diskSize.value} ${e.diskSize.unit}`;
  return `${m[1]} × ${m[2]}${m[3] ? ` (${m[3]})` : ''}`;
}

function changes(list, key) {
  if (list.length === 0) return null;
  return h(
    'details',
    { 'data-key': key },
    h('summary', {}, `${list.length} changed field${list.length === 1 ? '' : 's'}`),
    h(
      'ul',
      { class: 'changes' },
      list.map((c) => h('li', {}, h('code', {}, c.path), `: ${display(c.from)} → ${display(c.to)}`)),
    ),
  );
}

/** A display value as the plan gives it: text as is, anything else as JSON, absent as "(none)". */
function display(value) {
  if (value === null || value === undefined) return '(none)';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** 10000 as "10,000". */
export function count(n) {
  return n.toLocaleString('en');
}

/** A relative time that PlanView.tick brings up to date. */
export function relativeSpan(iso, now) {
  return h('span', { 'data-relative': iso }, relative(iso, now));
}

/** "in 2 h 10 min", "5 min 03 s ago". */
export function relative(iso, now) {
  const ms = Date.parse(iso) - now;
  if (!Number.isFinite(ms)) return '—';
  return ms > 0 ? `in ${formatDuration(ms / 1000)}` : `${formatDuration(-ms / 1000)} ago`;
}

/** The first few names of a list, then how many more. */
export function capped(names, max = 10) {
  if (names.length <= max) return names.join(', ');
  return `${names.slice(0, max).join(', ')} and ${names.length - max} more`;
}
