/**
 * Renders docs/errors.md from the code registry, so that the page and the registry cannot
 * disagree (a test compares them; `npm run docs:errors` rewrites the page).
 */
import { CODE_AREAS, NEXT_STEPS, type CodeTable, type NextStep } from './registry.js';

const NEXT_STEP_TEXT: Record<NextStep, string> = {
  retry: 'transient; it clears by itself. The daemon retries soon, with exponential backoff.',
  'wait-for-commit':
    'the fleet repository is at fault; only a new commit changes the outcome. The daemon does not retry the same head.',
  operator:
    'someone must act outside the loop (credentials, OVHcloud, the state directory, an acknowledgement). The daemon runs no automatic cycle until a new commit, a restart or a manual cycle, and /readyz answers 503.',
  none: 'not a failure; nothing waits.',
};

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
    'Each code also says what happens next (docs/operations.md#what-next-after-a-failed-cycle): when a',
    "daemon cycle fails with it, the daemon's retry schedule follows this class; for a reason or an",
    'outcome of one server it says what unblocks that server.',
    '',
    ...NEXT_STEPS.map((next) => `- \`${next}\`: ${NEXT_STEP_TEXT[next]}`),
    '',
  ];
  for (const [area, table] of Object.entries(CODE_AREAS) as [keyof typeof CODE_AREAS, CodeTable][]) {
    lines.push(`## ${AREA_TITLES[area]}`, '');
    const codes = Object.keys(table).sort();
    if (codes.length === 0) lines.push('(none yet)', '');
    for (const code of codes) {
      const info = table[code]!;
      lines.push(`### \`${code}\``, '', info.summary, '', `What to do: ${info.action}`, '');
      lines.push(`Next: \`${info.next}\`.`, '');
      if (area === 'cli') lines.push(`Exit code: ${info.exitCode}.`, '');
    }
  }
  return `${lines.join('\n').trimEnd()}\n`;
}
