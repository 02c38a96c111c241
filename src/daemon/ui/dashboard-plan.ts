/**
 * The current plan as the dashboard shows it (/api/status `plan`, docs/dashboard.md): the plan's
 * identity, its counts per action, its halts and cohorts, and only the entries that reinstall or
 * wait to (`reinstall`, `deferred`), each with its batch, OS change, what it erases, `notBefore`
 * and the changed fields. Built only from plan fields, which are secret-free by construction
 * (PlanChange shows `{env}` secrets by name and `{file}` contents by digest): nothing else of a
 * spec, record or configuration goes in.
 *
 * `DashboardPlanMemo` keeps the last shape and replaces it only when something other than
 * `generatedAt` changed, so that the event stream sends the plan only when it did
 * (src/daemon/ui/live-events.ts compares by identity, as for `declared`).
 */
import type {
  Plan,
  PlanChange,
  PlanCohort,
  PlanErasure,
  PlanHalt,
  PlanReason,
  PlanServer,
  PlanSummary,
} from '../../plan/types.js';

/** A reinstall (now or deferred) of the plan, as the Rollout view lists it. */
export interface DashboardPlanEntry {
  serviceName: string | null;
  file: string | null;
  action: 'reinstall' | 'deferred';
  reason: PlanReason;
  message: string;
  /** Rollout batch (1 = now); null when the plan gave none. */
  batch: number | null;
  from: { operatingSystem: string | null } | null;
  to: { operatingSystem: string } | null;
  /** What the reinstall erases; null when the hardware was not observed (then: every disk). */
  erases: PlanErasure[] | null;
  /** ISO time before which a deferred reinstall cannot start, when known. */
  notBefore: string | null;
  /** Changed fields with their display values, as the plan gives them. */
  changes: PlanChange[];
  cohort: string | null;
  canary: boolean;
  waitsFor: string[];
}

/** The plan section of /api/status. */
export interface DashboardPlan {
  planHash: string;
  revision: string;
  /** When a cycle first made this plan (later cycles that planned the same keep it). */
  generatedAt: string;
  summary: PlanSummary;
  halts: PlanHalt[];
  cohorts: PlanCohort[];
  /** Reinstall and deferred entries, in the plan's order (by serviceName). */
  entries: DashboardPlanEntry[];
}

/** The dashboard's shape of `plan`: pure, copies only the fields named above. */
export function dashboardPlan(plan: Plan): DashboardPlan {
  return {
    planHash: plan.planHash,
    revision: plan.revision,
    generatedAt: plan.generatedAt,
    summary: { ...plan.summary },
    halts: (plan.halts ?? []).map(copyHalt),
    cohorts: (plan.cohorts ?? []).map(copyCohort),
    entries: plan.servers.filter(isRollout).map(entry),
  };
}

function isRollout(s: PlanServer): s is PlanServer & { action: DashboardPlanEntry['action'] } {
  return s.action === 'reinstall' || s.action === 'deferred';
}

function entry(s: PlanServer & { action: DashboardPlanEntry['action'] }): DashboardPlanEntry {
  return {
    serviceName: s.serviceName,
    file: s.file,
    action: s.action,
    reason: s.reason,
    message: s.message,
    batch: s.batch,
    from: s.from === null ? null : { operatingSystem: s.from.operatingSystem },
    to: s.to === null ? null : { operatingSystem: s.to.operatingSystem },
    erases:
      s.erases === null
        ? null
        : s.erases.map((e) => ({
            diskGroupId: e.diskGroupId,
            description: e.description,
            numberOfDisks: e.numberOfDisks,
            diskSize: { unit: e.diskSize.unit, value: e.diskSize.value },
          })),
    notBefore: s.notBefore,
    changes: s.changes.map((c) => ({ path: c.path, from: c.from, to: c.to })),
    cohort: s.cohort ?? null,
    canary: s.canary ?? false,
    waitsFor: [...(s.waitsFor ?? [])],
  };
}

function copyHalt(h: PlanHalt): PlanHalt {
  return {
    scope: h.scope,
    cohort: h.cohort,
    reason: h.reason,
    message: h.message,
    servers: [...h.servers],
    acknowledge: [...h.acknowledge],
  };
}

function copyCohort(c: PlanCohort): PlanCohort {
  return {
    cohort: c.cohort,
    servers: c.servers,
    candidates: c.candidates,
    canaries: [...c.canaries],
    waitsFor: [...c.waitsFor],
    state: c.state,
  };
}

/**
 * Keeps the dashboard's plan of the last cycle that planned. `take` replaces `current` only when
 * the plan differs in more than `generatedAt`: the same object otherwise, so the event stream
 * leaves it out of its updates.
 */
export class DashboardPlanMemo {
  private key = '';
  private seen: Plan | null = null;
  current: DashboardPlan | null = null;

  /** Takes the plan a cycle made. */
  take(plan: Plan): void {
    if (plan === this.seen) return;
    this.seen = plan;
    const next = dashboardPlan(plan);
    const key = JSON.stringify({ ...next, generatedAt: '' });
    if (key === this.key) return;
    this.key = key;
    this.current = next;
  }
}
