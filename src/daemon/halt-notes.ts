/**
 * The rollout's halts and pauses as the daemon last planned them (the plan's `halts`,
 * src/plan/rollout-view.ts), kept between cycles for `/metrics` (`ovh_fleet_rollout_halted`) and
 * the log: one warning when a halt or a pause starts (its cohort, the servers counted, the limit,
 * and what lifts it), one again only when the servers it counts change, and one info line when it
 * is lifted; nothing while it merely lasts (docs/verification.md, "Halts on /metrics and in the log").
 */
import type { Logger } from '../core/logger.js';
import type { PlanHalt } from '../plan/types.js';

/** One halt or pause as the metric shows it. */
export interface HaltLabels {
  scope: PlanHalt['scope'];
  /** The cohort key; '' for the fleet. */
  cohort: string;
  reason: PlanHalt['reason'];
}

/** The halts and pauses of the last plan, and what the log said of them. */
export class HaltNotes {
  private halts = new Map<string, PlanHalt>();

  /** The halts and pauses of the last plan (empty before the first plan). */
  get current(): HaltLabels[] {
    return [...this.halts.values()].map((h) => ({
      scope: h.scope,
      cohort: h.cohort ?? '',
      reason: h.reason,
    }));
  }

  /** Takes the halts of a new plan and logs those that started, changed or were lifted. */
  note(halts: readonly PlanHalt[], log: Logger): void {
    const next = new Map(halts.map((h) => [keyOf(h), h]));
    for (const [key, halt] of next) {
      const before = this.halts.get(key);
      if (before && sameServers(before, halt)) continue;
      log.warn(
        {
          code: halt.reason,
          scope: halt.scope,
          cohort: halt.cohort,
          servers: halt.servers,
          detail: halt.message,
          acknowledge: halt.acknowledge,
          lift: liftOf(halt),
        },
        `${noun(halt)} ${before ? 'changed' : 'started'}: ${halt.message}`,
      );
    }
    for (const [key, halt] of this.halts) {
      if (next.has(key)) continue;
      log.info(
        { code: halt.reason, scope: halt.scope, cohort: halt.cohort, servers: halt.servers },
        `${noun(halt)} lifted${halt.cohort === null ? '' : ` (cohort ${halt.cohort})`}: reinstalls may start again`,
      );
    }
    this.halts = next;
  }
}

function keyOf(h: PlanHalt): string {
  return `${h.scope}\u0000${h.cohort ?? ''}\u0000${h.reason}`;
}

function noun(h: PlanHalt): string {
  if (h.reason === 'canary-pending') return 'cohort pause';
  return h.scope === 'fleet' ? 'fleet-wide rollout halt' : 'cohort rollout halt';
}

function sameServers(a: PlanHalt, b: PlanHalt): boolean {
  return (
    a.acknowledge.length === b.acknowledge.length && a.acknowledge.every((x, i) => x === b.acknowledge[i])
  );
}

/** What the operator does in git to lift it (docs/plan.md, "Lifting a halt or a pause"). */
function liftOf(h: PlanHalt): string {
  const acks = h.acknowledge.join(', ');
  const verdicts = h.reason === 'canary-pending' ? 'inconclusive verdicts' : 'unhealthy verdicts';
  return (
    `commit a fixed spec for ${h.servers.join(', ') || 'the servers counted'} (a new digest is a new attempt), ` +
    `or accept the ${verdicts} by adding to acknowledge.verification in fleet.yaml: ${acks}`
  );
}
