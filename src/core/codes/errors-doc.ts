/**
 * Renders docs/errors.md from the code registry, so that the page and the registry cannot
 * disagree (a test compares them; `npm run docs:errors` rewrites the page).
 */
import { CODE_AREAS, type CodeTable } from './registry.js';

const AREA_TITLES: Record<keyof typeof CODE_AREAS, string> = {
  cli: 'Command and configuration errors',
  api: 'OVHcloud API errors',
  diagnostic: 'Validation diagnostics (`ovh-fleet validate`)',
  plan: 'Plan reasons (`ovh-fleet plan`)',
  apply: 'Apply outcomes (`ovh-fleet apply`)',
  git: 'Git repository errors (clone, status commits, signatures)',
  daemon: 'Daemon errors (configuration, cycles, ack-rewrite)',
};

export function renderErrorsDoc(): string {
  const lines = [
    '# Error codes',
    '',
    '<!-- Generated from src/core/codes/ by `npm run docs:errors`; do not edit by hand. -->',
    '',
    'Every error, diagnostic and plan reason that ovh-fleet reports carries one of these stable codes.',
    'Scripts may rely on them; the message text may change between versions.',
    '',
    'Exit codes of the command line: 0 success; 1 invalid specs, failed reinstalls or API errors;',
    '2 only with `--detailed-exitcode` when the plan contains reinstalls; 64 bad usage or configuration.',
    '',
  ];
  for (const [area, table] of Object.entries(CODE_AREAS) as [keyof typeof CODE_AREAS, CodeTable][]) {
    lines.push(`## ${AREA_TITLES[area]}`, '');
    const codes = Object.keys(table).sort();
    if (codes.length === 0) lines.push('(none yet)', '');
    for (const code of codes) {
      const info = table[code]!;
      lines.push(`### \`${code}\``, '', info.summary, '', `What to do: ${info.action}`, '');
      if (area === 'cli') lines.push(`Exit code: ${info.exitCode}.`, '');
    }
  }
  return `${lines.join('\n').trimEnd()}\n`;
}
