/**
 * The record step, the one place at the end of a cycle that writes status: the records the load
 * step put back are written into status/ (restored-records.ts), then plan + apply outcomes +
 * follower progress become status records and FLEET.md (buildStatus → StatusBuilt), and the
 * cycle's single status commit is made (commitBuiltStatus → Recorded; only when a file changed).
 * The subject says what happened; trailers name every server whose record changed.
 */
import { contentKeyOf } from './content-key.js';
import { readConfined } from '../core/confined-file.js';
import { isDeepStrictEqual } from 'node:util';
import type { FileContent, Trailer } from '../git/git-repo.js';
import { isServiceName } from '../core/service-name.js';
import { FLEET_TRAILERS } from '../git/commit-message.js';
import { hashBytes } from '../specs/parse-file.js';
import { buildStatusRecords } from '../status/build-records.js';
import { serializeStatusRecord } from '../records/status-record.js';
import type { StatusRecord } from '../records/types.js';
import type { ApplyOutcome } from '../records/outcomes.js';
import type { Logger } from '../core/logger.js';
import type { CycleBlock, VerificationVerdict } from '../status/build-records.js';
import { verifySettingsFor } from '../verify/index.js';
import type { PlanInput } from '../plan/types.js';
import type { Planned } from './steps-plan.js';
import type { CycleDeps } from './types.js';

/** The records of this cycle, built; what differs from git is about to be committed. */
export interface StatusBuilt {
  /** Every record the daemon now knows, per server (kept for the next cycle). */
  records: Map<string, StatusRecord>;
  /** The files to commit (status records and FLEET.md), by repository path. */
  writes: Map<string, FileContent>;
  /** The records that changed, sorted by server. */
  changed: StatusRecord[];
  /** The last commit that changed each server's spec file. */
  specCommits: Map<string, string>;
}

/** What recording produced. */
export interface Recorded {
  /** Servers whose record changed. */
  changed: string[];
  /** The pushed status commit, or null when nothing changed. */
  commit: string | null;
  /**
   * The records git now holds (pushed, or already equal to the tree). The intent journal forgets
   * what they record (cycle.ts).
   */
  inGit: ReadonlyMap<string, StatusRecord>;
}

/** What the record step reads of the cycle. */
export interface RecordInput {
  head: string;
  planned: Planned;
  outcomes: readonly ApplyOutcome[];
  block: CycleBlock | null;
  /** Servers whose record the load step put back from memory or the kept texts. */
  repaired: ReadonlySet<string>;
  /** The records of the last cycle. */
  previous: ReadonlyMap<string, StatusRecord>;
}

/** Builds the records of this cycle from the plan, the outcomes and the follower's progress. */
export async function buildStatus(
  deps: Pick<
    CycleDeps,
    'git' | 'prefix' | 'root' | 'specCommits' | 'progress' | 'clock' | 'recordCache' | 'fleetMd'
  > & {
    readonly verdicts?: ReadonlyMap<string, VerificationVerdict>;
  },
  input: RecordInput,
  log: Logger,
): Promise<StatusBuilt> {
  const { plan, gathered, shared, canonical } = input.planned;
  // Git is the shared truth (other writers record there too): the records the plan read, with
  // the attempts of other writers resolved, win over what this process remembers.
  const previous = new Map(input.previous);
  for (const [name, record] of shared.applied) previous.set(name, record);

  const files = new Map<string, string>();
  const hints = new Map<string, string>();
  for (const entry of plan.servers) {
    if (entry.serviceName === null || entry.file === null) continue;
    const file = `${deps.prefix}${entry.file}`;
    files.set(entry.serviceName, file);
    const hint = previous.get(entry.serviceName)?.spec?.commit;
    if (hint && /^[0-9a-f]{40}$/.test(hint)) hints.set(file, hint);
  }
  const byFile = await deps.specCommits.resolve(deps.git, input.head, [...new Set(files.values())], hints);
  const specCommits = new Map([...files].map(([name, file]) => [name, byFile.get(file) as string]));

  const records = buildStatusRecords({
    plan,
    outcomes: input.outcomes,
    progress: deps.progress,
    previous,
    observed: gathered.input.observed,
    canonical,
    specCommits,
    now: deps.clock.now(),
    block: input.block,
    verifies: verifiedServers(gathered.input),
    ...(deps.verdicts ? { verdicts: deps.verdicts } : {}),
  });
  for (const [name, record] of previous) if (!records.has(name)) records.set(name, record);
  // A status file is named only by a service name (core/service-name.ts): anything else is left
  // out, so that one bad name never blocks the status commit of the others.
  for (const name of records.keys()) {
    if (isServiceName(name)) continue;
    records.delete(name);
    log.warn({ code: 'service-name-invalid' }, 'a record with an unusable serviceName was not written');
  }

  const writes = new Map<string, FileContent>();
  const changed: StatusRecord[] = [];
  for (const [name, record] of records) {
    // The working tree's record (read by this cycle's plan) equal to the new one: nothing to
    // write, and no need to serialize (YAML output is the costly part with thousands of servers).
    // A repaired file (from memory, or recovered from git history) is not in the branch as it is:
    // it is committed even when unchanged.
    const repaired = input.repaired.has(name) || gathered.recoveredRecords.has(name);
    const inTree = gathered.input.applied.get(name);
    if (!repaired && inTree !== undefined && sameRecord(inTree, record)) {
      // The tree's object stands for it: the same objects cycle after cycle (FleetMdMemo).
      records.set(name, inTree);
      continue;
    }
    const text = serializeStatusRecord(record);
    if (repaired || (await current(deps.root, `${name}.yaml`)) !== text) {
      // The text is made again when the file is written rather than kept: with every record of
      // a big fleet changing, holding all texts until the commit costs tens of megabytes.
      writes.set(`${deps.prefix}status/${name}.yaml`, () => serializeStatusRecord(record));
      changed.push(record);
      deps.recordCache.remember(record, hashBytes(text));
    }
  }
  const fleetMd = deps.fleetMd.render(records.values());
  // The clone proven at this cycle's head: FLEET.md is as it was when last read under that key.
  const contentKey = contentKeyOf(deps.git, input.head);
  if ((await deps.fleetMd.current(contentKey, () => current(deps.root, 'FLEET.md'))) !== fleetMd)
    writes.set(`${deps.prefix}status/FLEET.md`, fleetMd);
  changed.sort((a, b) => a.serviceName.localeCompare(b.serviceName));
  return { records, writes, changed, specCommits };
}

/** The servers fleet.yaml asks to verify after a reinstall (none without a `verify` section). */
export function verifiedServers(input: Pick<PlanInput, 'policy' | 'specs'>): Set<string> {
  const out = new Set<string>();
  if (!input.policy.verify) return out;
  for (const spec of input.specs)
    if (verifySettingsFor(input.policy.verify, spec.labels)) out.add(spec.serviceName);
  return out;
}

/** Makes the cycle's one status commit of the built records (none when no file changed). */
export async function commitBuiltStatus(
  deps: Pick<CycleDeps, 'git' | 'config' | 'metrics'>,
  input: { built: StatusBuilt; block: CycleBlock | null; planHash: string },
  log: Logger,
): Promise<Recorded> {
  const { records, writes, changed, specCommits } = input.built;
  if (writes.size === 0) return { changed: [], commit: null, inGit: records };
  const result = await deps.git.commitStatus({
    files: writes,
    subject: subjectOf(changed, input.block?.reason ?? null),
    body: changed.map(lineOf).join('\n'),
    trailers: trailersOf(changed, specCommits, input.planHash),
    author: deps.config.commit,
  });
  if (result.outcome === 'unchanged') return { changed: [], commit: null, inGit: records };
  deps.metrics.statusCommits.inc();
  log.info({ commit: result.commit, servers: changed.length, attempts: result.attempts }, 'status committed');
  return { changed: changed.map((r) => r.serviceName), commit: result.commit, inGit: records };
}

/**
 * isDeepStrictEqual of two records, field by field: a field holding the very same value (a
 * record built from the one in the tree shares most of its parts) is not walked. Object.is, as
 * isDeepStrictEqual, tells 0 from -0.
 */
export function sameRecord(a: StatusRecord, b: StatusRecord): boolean {
  if (a === b) return true;
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
  const keys = Object.keys(a) as (keyof StatusRecord)[];
  if (keys.length !== Object.keys(b).length) return false;
  for (const key of keys) {
    if (!Object.hasOwn(b, key)) return false;
    if (!Object.is(a[key], b[key]) && !isDeepStrictEqual(a[key], b[key])) return false;
  }
  return true;
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
