/**
 * Helpers of the plan-observe bench: the per-server way (the port with expanded listing switched
 * off, as ovh-fleet observed before issue 14), and what one plan run cost, attributed from the
 * simulator's request log to the servers the plan leaves as they are or acts on.
 */
import type { ObserveStats } from '../observe/index.js';
import type { OvhApi } from '../ovh/ovh-api.js';
import type { Plan } from '../plan/types.js';
import type { SimRequestRecord } from '../sim/index.js';

/** The OVHcloud budget the time figures are computed for (API-NOTES §5.5: fair use). */
export const BUDGET_PER_MINUTE = 60;

/** The port with expanded listing switched off: observation takes the per-server way. */
export function perServerWay(api: OvhApi): OvhApi {
  return {
    listServers: (o) => api.listServers(o),
    listServersExpanded: () =>
      Promise.resolve({ kind: 'unavailable', reason: 'switched off: the per-server way', calls: 0 }),
    listTasksExpanded: (s, f, o) => api.listTasksExpanded(s, f, o),
    getServer: (s, o) => api.getServer(s, o),
    getCompatibleTemplates: (s, o) => api.getCompatibleTemplates(s, o),
    getHardware: (s, o) => api.getHardware(s, o),
    listTemplateInfos: (o) => api.listTemplateInfos(o),
    getTemplate: (t, o) => api.getTemplate(t, o),
    reinstall: (s, b, o) => api.reinstall(s, b, o),
    listTasks: (s, f, o) => api.listTasks(s, f, o),
    getTask: (s, t, o) => api.getTask(s, t, o),
    getApiTime: (o) => api.getApiTime(o),
    getInstallProgress: (s, o) => api.getInstallProgress(s, o),
  };
}

/** What one plan run cost. */
export interface RunCost {
  servers: number;
  /** Servers the plan leaves as they are (action `none`). */
  unchanged: number;
  /** Servers the plan would reinstall now or later. */
  reinstalls: number;
  invalid: number;
  /** API requests the simulator received (its clock read `/auth/time` excluded). */
  requests: number;
  /** Requests for no server in particular (catalog, server list) plus those for unchanged servers. */
  unchangedRequests: number;
  stats: ObserveStats;
  seconds: number;
}

/** Attributes the run's requests: fleet-wide and per server (from `/dedicated/server/{name}…`). */
export function costOf(
  plan: Plan,
  stats: ObserveStats,
  requests: SimRequestRecord[],
  seconds: number,
): RunCost {
  const unchangedNames = new Set(plan.servers.filter((s) => s.action === 'none').map((s) => s.serviceName));
  let counted = 0;
  let unchangedRequests = 0;
  for (const r of requests) {
    if (r.path.startsWith('/auth/time')) continue;
    counted++;
    const server = /^\/dedicated\/server\/([^/?]+)/.exec(r.path)?.[1];
    if (server === undefined || unchangedNames.has(decodeURIComponent(server))) unchangedRequests++;
  }
  return {
    servers: stats.servers,
    unchanged: plan.summary.none,
    reinstalls: plan.summary.reinstall + plan.summary.deferred,
    invalid: plan.summary.invalid,
    requests: counted,
    unchangedRequests,
    stats,
    seconds,
  };
}

/** Calls per unchanged server: fleet-wide calls and the unchanged servers' own, per unchanged server. */
export function perUnchanged(cost: RunCost): number {
  return cost.unchanged === 0 ? 0 : cost.unchangedRequests / cost.unchanged;
}

/** Minutes the calls take at {@link BUDGET_PER_MINUTE}. */
export function minutesAtBudget(calls: number): number {
  return calls / BUDGET_PER_MINUTE;
}

/** Which listing the run took: `objects`, `unavailable: <reason>` or `not used`. */
export function pathOf(stats: ObserveStats): string {
  if (stats.expandedListing === 'unavailable') return `unavailable: ${stats.expandedReason ?? 'no reason'}`;
  return stats.expandedListing === 'objects' ? 'objects' : 'not used';
}

/** One figure line of a run, in the shape src/bench/compare/figures.ts reads. */
export function runLine(label: string, cost: RunCost): string {
  const { stats } = cost;
  const calls = Object.entries(stats.calls)
    .filter(([, n]) => n > 0)
    .map(([m, n]) => `${m} ${n}`)
    .join(', ');
  return (
    `${label}: ${cost.servers} servers (${cost.unchanged} unchanged, ${cost.reinstalls} reinstalls wanted, ${cost.invalid} invalid), ` +
    `${stats.totalCalls} API calls = ${stats.callsPerServer.toFixed(2)} per server (${calls || 'none'}), ` +
    `${perUnchanged(cost).toFixed(4)} per unchanged server, ${stats.reused} reused, ${stats.listed} from the list, ` +
    `listing ${pathOf(stats)}, ${minutesAtBudget(stats.totalCalls).toFixed(1)} min at ${BUDGET_PER_MINUTE}/min, ` +
    `${cost.seconds.toFixed(2)} s`
  );
}
