/**
 * The one place at the end of a cycle that turns plan + apply outcomes + follower progress into
 * status records and FLEET.md, and makes the cycle's single status commit (only when a file
 * changed). The subject says what happened; trailers name every server whose record changed.
 */
import { readConfined } from '../core/confined-file.js';
import { isDeepStrictEqual } from 'node:util';
import type { FileContent, Trailer } from '../git/git-repo.js';
import { isServiceName } from '../core/service-name.js';
import { FLEET_TRAILERS } from '../git/commit-message.js';
import { hashBytes } from '../specs/parse-file.js';
import { buildStatusRecords } from '../status/build-records.js';
import { renderFleetMd } from '../status/fleet-md.js';
import { serializeStatusRecord } from '../records/status-record.js';
import type { StatusRecord } from '../records/types.js';
import type { CycleContext } from './types.js';

/** What recording produced. */
export interface RecordResult {
  /** Servers whose record changed. */
  changed: string[];
  /** The pushed status commit, or null when nothing changed. */
  commit: string | null;
  /**
   * The records git now holds (pushed, or already equal to the tree); null when no records were
   * built. The intent journal forgets what they record (cycle.ts).
   */
  inGit: ReadonlyMap<string, StatusRecord> | null;
}

/** Builds the records of this cycle and commits the changed ones. */
export async function recordStatus(ctx: CycleContext): Promise<RecordResult> {
  const { rt, state } = ctx;
  const plan = state.plan;
  const gathered = state.gathered;
  if (!plan || !gathered) return { changed: [], commit: null, inGit: null };
  // Git is the shared truth (other writers record there too): the records the plan read, with
  // the attempts of other writers resolved, win over what this process remembers.
  const previous = new Map(rt.memory.records);
  for (const [name, record] of state.shared?.applied ?? gathered.input.applied) previous.set(name, record);

  const files = new Map<string, string>();
  const hints = new Map<string, string>();
  for (const entry of plan.servers) {
    if (entry.serviceName === null || entry.file === null) continue;
    const file = `${rt.prefix}${entry.file}`;
    files.set(entry.serviceName, file);
    const hint = previous.get(entry.serviceName)?.spec?.commit;
    if (hint && /^[0-9a-f]{40}$/.test(hint)) hints.set(file, hint);
  }
  const byFile = await rt.specCommits.resolve(
    rt.git,
    state.head as string,
    [...new Set(files.values())],
    hints,
  );
  const specCommits = new Map([...files].map(([name, file]) => [name, byFile.get(file) as string]));

  const records = buildStatusRecords({
    plan,
    outcomes: state.report?.outcomes ?? [],
    progress: rt.memory.progress,
    previous,
    observed: gathered.input.observed,
    canonical: rt.memory.canonical,
    specCommits,
    now: rt.clock.now(),
    block: state.block,
  });
  for (const [name, record] of previous) if (!records.has(name)) records.set(name, record);
  // A status file is named only by a service name (core/service-name.ts): anything else is left
  // out, so that one bad name never blocks the status commit of the others.
  for (const name of records.keys()) {
    if (isServiceName(name)) continue;
    records.delete(name);
    ctx.log.warn({ code: 'service-name-invalid' }, 'a record with an unusable serviceName was not written');
  }

  const writes = new Map<string, FileContent>();
  const changed: StatusRecord[] = [];
  for (const [name, record] of records) {
    // The working tree's record (read by this cycle's plan) equal to the new one: nothing to
    // write, and no need to serialize (YAML output is the costly part with thousands of servers).
    // A repaired file (from memory, or recovered from git history) is not in the branch as it is:
    // it is committed even when unchanged.
    const repaired = state.repaired.has(name) || gathered.recoveredRecords.has(name);
    const inTree = gathered.input.applied.get(name);
    if (!repaired && inTree !== undefined && isDeepStrictEqual(inTree, record)) continue;
    const text = serializeStatusRecord(record);
    if (repaired || (await current(rt.root, `${name}.yaml`)) !== text) {
      // The text is made again when the file is written rather than kept: with every record of
      // a big fleet changing, holding all texts until the commit costs tens of megabytes.
      writes.set(`${rt.prefix}status/${name}.yaml`, () => serializeStatusRecord(record));
      changed.push(record);
      rt.recordCache.remember(record, hashBytes(text));
    }
  }
  const fleetMd = renderFleetMd(records.values());
  if ((await current(rt.root, 'FLEET.md')) !== fleetMd) writes.set(`${rt.prefix}status/FLEET.md`, fleetMd);
  rt.memory.records = records;
  if (writes.size === 0) return { changed: [], commit: null, inGit: records };

  changed.sort((a, b) => a.serviceName.localeCompare(b.serviceName));
  const result = await rt.git.commitStatus({
    files: writes,
    subject: subjectOf(changed, state.block?.reason ?? null),
    body: changed.map(lineOf).join('\n'),
    trailers: trailersOf(changed, specCommits, plan.planHash),
    author: rt.config.commit,
  });
  if (result.outcome === 'unchanged') return { changed: [], commit: null, inGit: records };
  rt.metrics.statusCommits.inc();
  ctx.log.info(
    { commit: result.commit, servers: changed.length, attempts: result.attempts },
    'status committed',
  );
  return { changed: changed.map((r) => r.serviceName), commit: result.commit, inGit: records };
}

/** The working tree's `status/NAME` (null when absent, unreadable or reached through a link). */
async function current(root: string, name: string): Promise<string | null> {
  const read = readConfined(root, `status/${name}`, MAX_STATUS_TEXT);
  return read.ok ? read.bytes.toString('utf8') : null;
}

/** Larger than any status record or FLEET.md the daemon writes (only compared, never parsed). */
const MAX_STATUS_TEXT = 64 * 1024 * 1024;

/** `ovh-fleet: ns1 reinstalling` for one server, else counts per phase. */
export function subjectOf(changed: readonly StatusRecord[], block: string | null): string {
  const suffix = block ? ` (${block})` : '';
  if (changed.length === 0) return `ovh-fleet: fleet status${suffix}`;
  if (changed.length === 1) {
    const r = changed[0]!;
    return `ovh-fleet: ${r.serviceName} ${r.phase} (${r.reason})${suffix}`;
  }
  const counts = new Map<string, number>();
  for (const r of changed) counts.set(r.phase, (counts.get(r.phase) ?? 0) + 1);
  const parts = [...counts].sort((a, b) => b[1] - a[1]).map(([phase, n]) => `${n} ${phase}`);
  return `ovh-fleet: status of ${changed.length} servers: ${parts.join(', ')}${suffix}`;
}

export function lineOf(r: StatusRecord): string {
  const task = r.task
    ? ` task ${r.task.id}${r.task.step !== null && r.task.steps !== null ? ` step ${r.task.step}/${r.task.steps}` : ''}`
    : '';
  return `${r.serviceName}: ${r.phase} (${r.reason})${task}: ${r.message}`.replace(/\s+/g, ' ').slice(0, 300);
}

export function trailersOf(
  changed: readonly StatusRecord[],
  specCommits: ReadonlyMap<string, string>,
  planHash: string,
): Trailer[] {
  const trailers: Trailer[] = changed.map((r) => ({ key: FLEET_TRAILERS.server, value: r.serviceName }));
  for (const r of changed) {
    const taskId = r.task?.id ?? (r.phase === 'ready' || r.phase === 'failed' ? r.lastAttempt?.taskId : null);
    if (taskId !== null && taskId !== undefined)
      trailers.push({ key: FLEET_TRAILERS.task, value: `${r.serviceName} ${taskId}` });
  }
  const commits = [
    ...new Set(changed.map((r) => specCommits.get(r.serviceName)).filter((c): c is string => !!c)),
  ];
  for (const c of commits) trailers.push({ key: FLEET_TRAILERS.specCommit, value: c });
  trailers.push({ key: FLEET_TRAILERS.planHash, value: planHash });
  return trailers;
}
