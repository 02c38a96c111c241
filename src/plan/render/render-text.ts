/**
 * `plan --format text`: like `terraform plan`, one symbol per action, grouped, with the changes
 * and the disks each reinstall erases in plain words, and a summary line. Colour (ANSI) only when
 * the caller asks; it decides from the TTY and NO_COLOR.
 */
import { formatDiagnostic } from '../../core/diagnostic.js';
import type { Plan, PlanAction, PlanServer } from '../types.js';
import {
  ACTION_SYMBOLS,
  ACTION_TITLES,
  GROUP_ORDER,
  canaryTag,
  cohortLine,
  cohortsOf,
  entryName,
  haltLine,
  haltRemedy,
  haltsOf,
  erasureLines,
  formatValue,
  summaryLine,
} from './describe.js';

/** Options of {@link renderPlanText}. */
export interface TextOptions {
  /** Use ANSI colours. */
  color: boolean;
}

const COLORS: Record<PlanAction, string> = {
  reinstall: '\u001b[31m',
  deferred: '\u001b[33m',
  invalid: '\u001b[35m',
  follow: '\u001b[36m',
  adopt: '\u001b[32m',
  none: '\u001b[2m',
};
const RESET = '\u001b[0m';
const BOLD = '\u001b[1m';

/** The plan as text for a terminal. */
export function renderPlanText(plan: Plan, options: TextOptions = { color: false }): string {
  const paint = (action: PlanAction, text: string): string =>
    options.color ? `${COLORS[action]}${text}${RESET}` : text;
  const lines: string[] = [`ovh-fleet plan of ${plan.revision}`, ''];
  const halts = haltsOf(plan);
  for (const h of halts) {
    const line = haltLine(h);
    lines.push(options.color ? `${BOLD}${COLORS.invalid}${line}${RESET}` : line);
    const remedy = haltRemedy(h);
    if (remedy) lines.push(`  ${remedy}`);
  }
  if (halts.length > 0) lines.push('');
  const cohorts = cohortsOf(plan);
  if (cohorts.length > 0) {
    lines.push('Cohorts:');
    for (const c of cohorts) lines.push(`  ${cohortLine(c)}`);
    lines.push('');
  }
  for (const action of GROUP_ORDER) {
    const group = plan.servers.filter((s) => s.action === action);
    if (group.length === 0) continue;
    lines.push(`${group.length} server(s) ${ACTION_TITLES[action]}:`);
    for (const s of group) lines.push(...entryLines(s, paint));
    lines.push('');
  }
  if (plan.diagnostics.length > 0) {
    lines.push('Diagnostics:');
    for (const d of plan.diagnostics) lines.push(`  ${formatDiagnostic(d)}`);
    lines.push('');
  }
  const summary = summaryLine(plan.summary);
  lines.push(options.color ? `${BOLD}${summary}${RESET}` : summary);
  lines.push(`Plan hash: ${plan.planHash}`);
  return `${lines.join('\n')}\n`;
}

function entryLines(s: PlanServer, paint: (a: PlanAction, t: string) => string): string[] {
  const head = `  ${paint(s.action, ACTION_SYMBOLS[s.action])} ${entryName(s)}${canaryTag(s)}`;
  const where = s.file && s.serviceName ? ` (${s.file})` : '';
  const lines = [`${head}${where}  [${s.reason}] ${s.message}`];
  if (s.action === 'reinstall' || s.action === 'deferred') {
    for (const c of s.changes) lines.push(`      ${c.path}: ${formatValue(c.from)} -> ${formatValue(c.to)}`);
    for (const e of erasureLines(s)) lines.push(`      ${paint(s.action, `warning: ${e}`)}`);
    if (s.batch !== null)
      lines.push(`      batch ${s.batch}${s.notBefore ? `, not before ${s.notBefore}` : ''}`);
    if (s.waitsFor && s.waitsFor.length > 0) lines.push(`      waits for ${s.waitsFor.join(', ')}`);
  }
  return lines;
}
