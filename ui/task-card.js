// A running reinstall's card on the Rollout view (docs/dashboard.md): its step (n of m, with the
// step's name), a progress bar, the elapsed time and the follower's estimate (time left, expected
// end, counted from the browser's clock at each render and every 15 s: refreshTaskTimes). A task
// that ended while its record still says `reinstalling` (the cycle that records the
// end has not finished yet) says how it ended, with a full bar and the last step seen: never
// "Not started".
import { formatDuration, h, replace, time } from './dom.js';

/** OVHcloud task statuses of a task that has not ended (src/ovh/types.ts PENDING_TASK_STATUSES). */
const PENDING = new Set(['init', 'todo', 'doing']);

/** What the card says of a task: its line, the bar's value and max, and whether it ended. */
export function taskProgress(t) {
  const step = t?.step ?? null;
  const steps = t?.steps ?? null;
  const stepText = steps ? `Step ${step ?? 0} of ${steps}` : step ? `Step ${step}` : null;
  const named = stepText && t?.currentStep ? `${stepText}: ${t.currentStep}` : stepText;
  if (t && !PENDING.has(t.status)) {
    const ended = t.status === 'done' ? 'Finished (done)' : `Task ended: ${t.status}`;
    return {
      line: named ? `${ended} · last step seen: ${named}` : ended,
      label: ended,
      value: steps ?? 1,
      max: steps ?? 1,
      ended: true,
    };
  }
  const waiting = t?.status === 'doing' ? 'Running, no step reported yet' : 'Not started';
  return {
    line: named ?? waiting,
    label: stepText ?? waiting,
    value: steps ? (step ?? 0) : 0,
    max: steps ?? 1,
    ended: false,
  };
}

/** The card's content for a record whose phase is `reinstalling`. */
export function taskItem(r, title, now = Date.now()) {
  const t = r.task;
  const p = taskProgress(t);
  return [
    title(r),
    h('p', {}, p.line),
    h('progress', { max: String(p.max), value: String(p.value), 'aria-label': p.label }),
    h(
      'p',
      { class: 'meta' },
      `Task ${t?.id ?? '—'} (${t?.status ?? '—'}) · elapsed `,
      p.ended || !t?.startedAt
        ? formatDuration(t?.elapsedSeconds)
        : h('span', { 'data-started': t.startedAt, 'data-elapsed': t.elapsedSeconds ?? 0 }, elapsed(t, now)),
      !p.ended && t?.expectedEndAt
        ? h('span', { 'data-ends': t.expectedEndAt }, estimate(t.expectedEndAt, now))
        : '',
      ' · started ',
      time(t?.startedAt),
    ),
  ];
}

/**
 * Brings the running tasks' elapsed time and time left under `root` up to date, in place (the
 * follower reports only when the step changes, and a step can last many minutes).
 */
export function refreshTaskTimes(root, now = Date.now()) {
  for (const el of root.querySelectorAll('[data-started]'))
    el.textContent = elapsed(
      { startedAt: el.dataset.started, elapsedSeconds: Number(el.dataset.elapsed) },
      now,
    );
  for (const el of root.querySelectorAll('[data-ends]')) replace(el, estimate(el.dataset.ends, now));
}

/** A running task's elapsed time: since its start on this browser's clock, never less than reported. */
function elapsed(t, now) {
  const since = (now - Date.parse(t.startedAt)) / 1000;
  return formatDuration(Math.max(t.elapsedSeconds ?? 0, Number.isFinite(since) ? since : 0));
}

/** The time left to the follower's expected end, counted from now; past it, says so. */
function estimate(expectedEndAt, now) {
  const left = (Date.parse(expectedEndAt) - now) / 1000;
  if (!Number.isFinite(left)) return '';
  if (left <= 0) return ` · longer than estimated (expected end ${expectedEndAt.slice(11, 16)} UTC)`;
  return [` · about ${formatDuration(left)} left (ends about `, time(expectedEndAt), ')'];
}
