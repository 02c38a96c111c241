// The Server view (docs/dashboard.md): one server's status record, laid out, its last plan entry
// and history from git (server-detail.js), then the record as JSON.
import { formatDuration, h, replace, time } from './dom.js';
import { badge } from './fleet.js';
import { ServerDetailPanel } from './server-detail.js';

export class ServerView {
  constructor(section, store) {
    this.section = section;
    this.store = store;
    this.name = null;
    this.shown = undefined;
    this.detail = new ServerDetailPanel();
  }

  show(name) {
    this.name = name;
    this.shown = undefined;
    this.render();
  }

  render() {
    const r = this.store.servers.get(this.name);
    if (r === this.shown) return;
    this.shown = r;
    this.detail.follow(r);
    if (!r) {
      replace(
        this.section,
        h('h2', { id: 'h-server' }, this.name ?? ''),
        h('p', {}, 'No such server in the fleet status.'),
      );
      return;
    }
    const declared = this.store.declared(r.serviceName);
    const rows = [
      ['Phase', badge(r.phase)],
      ['Reason', [h('code', {}, r.reason), ` ${r.message}`]],
      ['Since', time(r.since)],
      ['Spec', r.spec ? `${r.spec.file} at ${r.spec.commit.slice(0, 12)}` : 'none (unmanaged)'],
      ['Observed OS', r.observedOs || '—'],
      ['Declared OS', declared?.operatingSystem ?? '—'],
      [
        'Labels',
        declared
          ? Object.entries(declared.labels).map(([k, v]) => h('span', { class: 'tag' }, `${k}=${v}`))
          : '—',
      ],
      [
        'Last applied',
        r.lastApplied
          ? [
              `${r.lastApplied.operatingSystem} (${r.lastApplied.result}, commit ${r.lastApplied.specCommit.slice(0, 12)}) `,
              time(r.lastApplied.finishedAt),
            ]
          : '—',
      ],
      [
        'Task',
        r.task
          ? `${r.task.id} ${r.task.status}, step ${r.task.step ?? '—'} of ${r.task.steps ?? '—'}${r.task.currentStep ? ` (${r.task.currentStep})` : ''}, elapsed ${formatDuration(r.task.elapsedSeconds)}`
          : '—',
      ],
      [
        'Last attempt',
        r.lastAttempt
          ? [
              `${r.lastAttempt.result} `,
              time(r.lastAttempt.startedAt),
              r.lastAttempt.message ? ` — ${r.lastAttempt.message}` : '',
            ]
          : '—',
      ],
      [
        'Verification',
        r.verification
          ? `${r.verification.result}${r.verification.message ? ` — ${r.verification.message}` : ''}`
          : '—',
      ],
      ['Rollout', r.rollout ? `${r.rollout.canary ? 'canary of ' : ''}${r.rollout.cohort}` : '—'],
      [
        'Last error',
        r.lastError ? [`${r.lastError.code}: ${r.lastError.message} `, time(r.lastError.at)] : '—',
      ],
      ['Reinstalls kept', String(r.attempts.length)],
    ];
    replace(
      this.section,
      h('h2', { id: 'h-server' }, r.serviceName),
      h('p', {}, h('a', { href: '#/fleet' }, '← Back to the fleet')),
      h(
        'dl',
        { class: 'record' },
        rows.map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]),
      ),
      this.detail.element,
      h(
        'details',
        { 'data-key': `record-json ${r.serviceName}` },
        h('summary', {}, 'The record as JSON'),
        h('pre', { tabindex: '0', 'aria-label': 'The record as JSON' }, JSON.stringify(r, null, 2)),
      ),
    );
  }
}
