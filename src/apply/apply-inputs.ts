/**
 * What `ovh-fleet apply` gathers before planning, for as long as src/plan has no observe step of
 * its own: the status records of the repository, what the API shows about each server (priority
 * `plan`), and the rollout history (recent starts, counted failures) the records hold.
 * The integrator may swap observeForApply for the planner's observeFleet when it lands.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { OvhApiError } from '../ovh/errors.js';
import type { OvhApi } from '../ovh/ovh-api.js';
import type { Observation, Plan } from '../plan/types.js';
import type { StatusRecord } from '../status/types.js';
import { parseStatusRecord } from '../status/status-record.js';
import type { Diagnostic } from '../core/diagnostic.js';
import type { RolloutHistory } from './apply-types.js';
import { findRunningReinstall } from './preflight.js';

/** Reads `status/*.yaml`; unreadable records are left out with their diagnostics. */
export async function readStatusRecords(
  repoRoot: string,
): Promise<{ records: Map<string, StatusRecord>; diagnostics: Diagnostic[] }> {
  const records = new Map<string, StatusRecord>();
  const diagnostics: Diagnostic[] = [];
  let names: string[] = [];
  try {
    names = (await readdir(join(repoRoot, 'status'))).filter((n) => n.endsWith('.yaml')).sort();
  } catch {
    return { records, diagnostics };
  }
  for (const name of names) {
    const parsed = parseStatusRecord(
      await readFile(join(repoRoot, 'status', name), 'utf8'),
      `status/${name}`,
    );
    diagnostics.push(...parsed.diagnostics);
    if (parsed.record) records.set(parsed.record.serviceName, parsed.record);
  }
  return { records, diagnostics };
}

/** What the API shows about `serviceNames`, and the catalog's template names. */
export async function observeForApply(
  api: OvhApi,
  serviceNames: readonly string[],
): Promise<{ observed: Map<string, Observation>; catalog: string[] }> {
  const call = { priority: 'plan' as const };
  const catalog = (await api.listTemplateInfos(call)).map((t) => t.templateName);
  const observed = new Map<string, Observation>();
  for (const serviceName of serviceNames) {
    try {
      const server = await api.getServer(serviceName, call);
      const { running } = await findRunningReinstall(api, serviceName, new Set(), 'follow');
      const hardware = await api.getHardware(serviceName, call);
      const compatibleTemplates = await api.getCompatibleTemplates(serviceName, call);
      observed.set(serviceName, {
        presence: 'present',
        os: server.os,
        state: server.state,
        runningTask: running
          ? { taskId: running.taskId, status: running.status, startDate: running.startDate }
          : null,
        diskGroups: hardware.diskGroups,
        compatibleTemplates,
      });
    } catch (error) {
      if (error instanceof OvhApiError && error.disposition === 'not-found')
        observed.set(serviceName, { presence: 'absent' });
      else throw error;
    }
  }
  return { observed, catalog };
}

/** Recent starts and counted failures from the records, by the planner's rule (failed at the desired digest). */
export function historyFromRecords(records: ReadonlyMap<string, StatusRecord>, plan: Plan): RolloutHistory {
  const desired = new Map(
    plan.servers.flatMap((s) => (s.serviceName && s.digest ? [[s.serviceName, s.digest] as const] : [])),
  );
  const starts = new Map<string, number[]>();
  let failures = 0;
  for (const [serviceName, record] of records) {
    const times = new Set(record.attempts);
    if (record.lastAttempt) times.add(record.lastAttempt.startedAt);
    starts.set(
      serviceName,
      [...times].map((t) => Date.parse(t)).filter((t) => !Number.isNaN(t)),
    );
    if (record.lastAttempt?.result === 'failed' && record.lastAttempt.digest === desired.get(serviceName))
      failures++;
  }
  return { starts, failures };
}
