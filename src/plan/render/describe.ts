/** Small wording helpers shared by the text and markdown renderers. */
import type {
  Plan,
  PlanAction,
  PlanCohort,
  PlanErasure,
  PlanHalt,
  PlanServer,
  PlanSummary,
} from '../types.js';

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

/** "ROLLOUT HALTED: …" / "COHORT PAUSED: …": one line per halt, for the top of a rendering. */
export function haltLine(h: PlanHalt): string {
  const what = h.reason === 'rollout-halted' ? 'ROLLOUT HALTED' : 'COHORT PAUSED';
  return `${what}: ${h.message}`;
}

/** Acknowledgements a halt line shows at most. */
const REMEDY_SHOWN = 10;

/** How to lift a halt in git, or null when nothing is to acknowledge. */
export function haltRemedy(h: PlanHalt): string | null {
  if (h.acknowledge.length === 0) return null;
  const shown = h.acknowledge.slice(0, REMEDY_SHOWN).join(', ');
  const rest = h.acknowledge.length - REMEDY_SHOWN;
  const more = rest > 0 ? ` and ${rest} more (plan --format json lists them all)` : '';
  return `to accept these servers as they are, add to fleet.yaml acknowledge.verification: ${shown}${more} (or commit a spec change for them)`;
}

/** "debian12_64/advance: 20 server(s), 3 want a reinstall; canaries ns1 (waiting for ns1)". */
export function cohortLine(c: PlanCohort): string {
  const canaries = c.canaries.length > 0 ? `; canaries ${c.canaries.join(', ')}` : '';
  const waits = c.waitsFor.length > 0 ? `; the others wait for ${c.waitsFor.join(', ')}` : '';
  return `${c.cohort}: ${c.servers} server(s), ${c.candidates} want a reinstall, ${c.state}${canaries}${waits}`;
}

/** The halts of a plan (none for a plan made before halts existed). */
export function haltsOf(plan: Plan): PlanHalt[] {
  return plan.halts ?? [];
}

/** The cohorts of a plan (none for a plan made before cohorts existed). */
export function cohortsOf(plan: Plan): PlanCohort[] {
  return plan.cohorts ?? [];
}

/** " (canary)" for a canary entry, "" otherwise. */
export function canaryTag(s: PlanServer): string {
  return s.canary ? ' (canary)' : '';
}
