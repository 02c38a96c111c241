/** Small wording helpers shared by the text and markdown renderers. */
import type { PlanAction, PlanErasure, PlanServer, PlanSummary } from '../types.js';

/** The symbol of each action, as in `terraform plan`. */
export const ACTION_SYMBOLS: Record<PlanAction, string> = {
  reinstall: '-/+',
  adopt: '~',
  follow: '>',
  none: '.',
  deferred: '…',
  invalid: '!',
};

/** Section titles, in the order renderers print the groups. */
export const ACTION_TITLES: Record<PlanAction, string> = {
  reinstall: 'will be reinstalled (every disk erased)',
  deferred: 'want a reinstall but are held back by policy',
  invalid: 'cannot be planned',
  follow: 'have a reinstall task running',
  adopt: 'will be adopted (recorded as applied, no reinstall)',
  none: 'need nothing',
};

/** Display order of the groups. */
export const GROUP_ORDER: readonly PlanAction[] = [
  'reinstall',
  'deferred',
  'invalid',
  'follow',
  'adopt',
  'none',
];

/** The name under which an entry is shown. */
export function entryName(s: PlanServer): string {
  return s.serviceName ?? s.file ?? '(unnamed)';
}

/** "erases disk group 1: 2 X Disk SSD 480 GB, JBOD" lines, or the warning for unknown hardware. */
export function erasureLines(s: PlanServer): string[] {
  if (s.erases === null) return ['erases EVERY disk (the hardware was not observed)'];
  if (s.erases.length === 0) return ['erases every disk (OVHcloud lists no disk group)'];
  return s.erases.map((e: PlanErasure) => `erases disk group ${e.diskGroupId}: ${e.description}`);
}

/** A change value as text: strings as they are, other values as JSON. */
export function formatValue(v: unknown): string {
  if (v === null || v === undefined) return '(none)';
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/** "Plan: 1 to reinstall, 0 to adopt, ..." */
export function summaryLine(summary: PlanSummary): string {
  return (
    `Plan: ${summary.reinstall} to reinstall, ${summary.adopt} to adopt, ${summary.follow} to follow, ` +
    `${summary.deferred} deferred, ${summary.invalid} invalid, ${summary.none} unchanged.`
  );
}
