/**
 * `status/FLEET.md`: the fleet's status as a table for humans, rendered from the status records.
 * Pure and stable: it holds no time of writing and no revision, so it changes only when a record
 * does (and then lands in the same status commit).
 */
import type { StatusPhase, StatusRecord } from '../records/types.js';

const PHASE_ORDER: readonly StatusPhase[] = [
  'reinstalling',
  'verifying',
  'unhealthy',
  'failed',
  'invalid',
  'pending',
  'drifted',
  'unknown',
  'ready',
  'unmanaged',
];

/** Markdown text of FLEET.md for these records (any order; sorted by service name). */
export function renderFleetMd(records: Iterable<StatusRecord>): string {
  const sorted = [...records].sort((a, b) => a.serviceName.localeCompare(b.serviceName));
  const counts = new Map<StatusPhase, number>();
  for (const r of sorted) counts.set(r.phase, (counts.get(r.phase) ?? 0) + 1);
  const summary = PHASE_ORDER.filter((p) => counts.has(p))
    .map((p) => `${counts.get(p)} ${p}`)
    .join(', ');
  const lines = [
    '<!-- Written by ovh-fleet; do not edit. One file per server beside this one. -->',
    '',
    '# Fleet status',
    '',
    `${sorted.length} server(s)${summary ? `: ${summary}` : ''}.`,
    '',
    ...haltLines(sorted),
    '| server | phase | reason | operating system | task | since | message |',
    '| --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const r of sorted) {
    lines.push(
      `| ${cell(r.serviceName)} | ${r.phase} | ${cell(r.reason)} | ${cell(osOf(r))} | ${cell(taskOf(r))} | ${r.since} | ${cell(r.message)} |`,
    );
  }
  return `${lines.join('\n')}\n`;
}

function osOf(r: StatusRecord): string {
  const applied = r.lastApplied?.operatingSystem ?? null;
  const observed = r.observedOs;
  if (applied && observed && applied !== observed) return `${observed} (applied ${applied})`;
  return observed || applied || '';
}

function taskOf(r: StatusRecord): string {
  const t = r.task;
  if (!t) return '';
  const step = t.step !== null && t.steps !== null ? ` step ${t.step}/${t.steps}` : '';
  return `${t.id} ${t.status}${step}${t.currentStep ? `: ${t.currentStep}` : ''}`;
}

/** A table cell: one line, pipes escaped, at most 160 characters. */
function cell(text: string): string {
  const one = text.replace(/\s+/g, ' ').replace(/\|/g, '\\|').trim();
  return one.length > 160 ? `${one.slice(0, 157)}...` : one;
}

/** A bold line when reinstalls are held by a halt or wait for canaries (none otherwise). */
function haltLines(records: readonly StatusRecord[]): string[] {
  const count = (reason: string): number => records.filter((r) => r.reason === reason).length;
  const lines: string[] = [];
  const halted = count('rollout-halted');
  const waiting = count('canary-pending');
  if (halted > 0)
    lines.push(
      `**Rollout halted**: ${halted} server(s) held back (\`rollout-halted\`); \`ovh-fleet plan\` names the unhealthy servers and how to lift it.`,
      '',
    );
  if (waiting > 0)
    lines.push(`${waiting} server(s) wait for their cohort's canaries (\`canary-pending\`).`, '');
  return lines;
}
