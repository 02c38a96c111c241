// A running reinstall's card on the Rollout view (docs/dashboard.md): its step (n of m, with the
// step's name), a progress bar, the elapsed time and the follower's estimate (time left, expected
// end). A task that ended while its record still says `reinstalling` (the cycle that records the
// end has not finished yet) says how it ended, with a full bar and the last step seen: never
// "Not started".
import { formatDuration, h, time } from './dom.js';

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
export function taskItem(r, title) {
  const t = r.task;
  const p = taskProgress(t);
  const known = (v) => v !== undefined && v !== null;
  return [
    title(r),
    h('p', {}, p.line),
    h('progress', { max: String(p.max), value: String(p.value), 'aria-label': p.label }),
    h(
      'p',
      { class: 'meta' },
      `Task ${t?.id ?? '—'} (${t?.status ?? '—'}) · elapsed ${formatDuration(t?.elapsedSeconds)}`,
      !p.ended && known(t?.etaSeconds) ? ` · about ${formatDuration(t.etaSeconds)} left` : '',
      !p.ended && known(t?.expectedEndAt) ? [' (ends about ', time(t.expectedEndAt), ')'] : '',
      ' · started ',
      time(t?.startedAt),
    ),
  ];
}
