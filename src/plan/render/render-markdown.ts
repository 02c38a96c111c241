/**
 * `plan --format markdown`: a pull-request comment. A summary table, one section per reinstall
 * with its changes and erasures, the deferred and invalid servers with reasons, the servers that
 * do nothing in a collapsed <details>, the plan hash. Always under {@link MARKDOWN_LIMIT}
 * characters: sections are added whole while they fit, and what does not fit is counted
 * ("and K more") — never cut in the middle of a table.
 */
import type { Plan, PlanServer } from '../types.js';
import {
  ACTION_SYMBOLS,
  GROUP_ORDER,
  canaryTag,
  cohortLine,
  cohortsOf,
  entryName,
  erasureLines,
  formatValue,
  haltLine,
  haltRemedy,
  haltsOf,
} from './describe.js';

/** GitHub refuses comments over 65,536 characters; we keep a margin. */
export const MARKDOWN_LIMIT = 60_000;
/** Room kept for the closing lines (hash, footers). */
const RESERVE = 1_500;

/** Characters left, and the blocks added so far. */
class Output {
  readonly blocks: string[] = [];
  constructor(public left: number) {}

  /** Adds a whole block if it fits; a block is never cut. */
  add(block: string): boolean {
    if (!this.fits(block, 0)) return false;
    this.blocks.push(block);
    this.left -= block.length + 1;
    return true;
  }

  /** Whether `block` would fit with `extra` characters to spare. */
  fits(block: string, extra: number): boolean {
    return block.length + 1 + extra <= this.left;
  }
}

/** The plan as a pull-request comment, under MARKDOWN_LIMIT characters. */
export function renderPlanMarkdown(plan: Plan, limit = MARKDOWN_LIMIT): string {
  const out = new Output(limit - RESERVE);
  out.add('## ovh-fleet plan');
  // Halts first: a reviewer must not miss that the rollout stopped.
  for (const h of haltsOf(plan)) {
    const remedy = haltRemedy(h);
    out.add(`> **${escape(haltLine(h))}**${remedy ? `\n>\n> ${escape(remedy)}` : ''}`);
  }
  out.add(summaryTable(plan));
  const cohorts = cohortsOf(plan);
  if (cohorts.length > 0) {
    const rows = cohorts.map((c) => `| ${cell(cohortLine(c))} |`);
    addTable(out, '### Cohorts\n\n| cohort |\n| --- |', rows, '');
  }
  const reinstalls = plan.servers.filter((s) => s.action === 'reinstall');
  if (reinstalls.length > 0) {
    out.add('### Reinstalls (every disk of these servers is erased)');
    let shown = 0;
    for (const s of reinstalls) {
      const block = reinstallSection(s);
      if (!out.fits(block, MORE_ROOM) || !out.add(block)) break;
      shown++;
    }
    if (shown < reinstalls.length) out.add(more(reinstalls.length - shown, 'reinstall section(s)'));
  }
  for (const [action, title] of [
    ['deferred', '### Held back by policy'],
    ['invalid', '### Invalid'],
    ['follow', '### Reinstall tasks running'],
    ['adopt', '### Adopted'],
  ] as const) {
    const group = plan.servers.filter((s) => s.action === action);
    if (group.length > 0) {
      const rows = group.map(
        (s) => `| ${cell(entryName(s) + canaryTag(s))} | \`${s.reason}\` | ${cell(details(s))} |`,
      );
      addTable(out, `${title}\n\n| server | reason | details |\n| --- | --- | --- |`, rows, '');
    }
  }
  const quiet = plan.servers.filter((s) => s.action === 'none');
  if (quiet.length > 0) {
    const rows = quiet.map((s) => `| ${cell(entryName(s))} | \`${s.reason}\` | ${cell(s.message)} |`);
    const head = `<details><summary>${quiet.length} server(s) need nothing</summary>\n\n| server | reason | details |\n| --- | --- | --- |`;
    addTable(out, head, rows, '\n\n</details>');
  }
  if (plan.diagnostics.length > 0) {
    const rows = plan.diagnostics.map(
      (d) => `| \`${d.file}:${d.line}:${d.column}\` | ${d.severity} | \`${d.code}\` | ${cell(d.message)} |`,
    );
    addTable(
      out,
      '### Diagnostics\n\n| where | severity | code | message |\n| --- | --- | --- | --- |',
      rows,
      '',
    );
  }
  out.left += RESERVE;
  out.add(`Plan hash: \`${plan.planHash}\` · revision \`${plan.revision}\``);
  return `${out.blocks.join('\n\n')}\n`;
}

/** Room kept after a block for an "and K more" line. */
const MORE_ROOM = 200;

function more(count: number, what: string): string {
  return `_… and ${count} more ${what} (run \`ovh-fleet plan\` for all)._`;
}

/** A table with as many whole rows as fit, then "and K more" outside the table. */
function addTable(out: Output, head: string, rows: string[], tail: string): void {
  const shownRows: string[] = [];
  let length = head.length + tail.length + MORE_ROOM + 2;
  for (const row of rows) {
    if (length + row.length + 1 + 1 > out.left) break;
    shownRows.push(row);
    length += row.length + 1;
  }
  const rest = rows.length - shownRows.length;
  const table = [head, ...shownRows].join('\n');
  const suffix = rest > 0 ? `\n\n${more(rest, 'server(s)')}` : '';
  out.add(`${table}${suffix}${tail}`);
}

function summaryTable(plan: Plan): string {
  const rows = GROUP_ORDER.map((a) => `| \`${ACTION_SYMBOLS[a]}\` ${a} | ${plan.summary[a]} |`);
  return ['| action | servers |', '| --- | ---: |', ...rows].join('\n');
}

function reinstallSection(s: PlanServer): string {
  const lines = [
    `#### \`-/+\` ${escape(entryName(s) + canaryTag(s))}`,
    '',
    `${escape(s.message)} (\`${s.reason}\`, batch ${s.batch ?? '-'}${s.file ? `, \`${s.file}\`` : ''})`,
    '',
  ];
  if (s.changes.length > 0) {
    lines.push('| field | from | to |', '| --- | --- | --- |');
    for (const c of s.changes)
      lines.push(`| \`${c.path}\` | ${cell(formatValue(c.from))} | ${cell(formatValue(c.to))} |`);
    lines.push('');
  }
  for (const e of erasureLines(s)) lines.push(`> **warning**: ${escape(e)}`);
  return lines.join('\n');
}

function details(s: PlanServer): string {
  const when = s.notBefore ? `; not before ${s.notBefore}` : '';
  const batch = s.batch !== null ? `; batch ${s.batch}` : '';
  const waits = s.waitsFor && s.waitsFor.length > 0 ? `; waits for ${s.waitsFor.join(', ')}` : '';
  return `${s.message}${batch}${when}${waits}`;
}

function cell(text: string): string {
  return escape(text).replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

function escape(text: string): string {
  return text.replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
