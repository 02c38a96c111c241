/**
 * `ovh-fleet apply` as a writer of the shared record (docs/apply.md, "Several writers"): it keeps
 * its own clone of the fleet repository's remote in the state directory (`record-clone/`; the
 * operator's checkout is never touched), plans from what the remote holds (the status branch's
 * records and intent markers included), claims its reinstalls in git before posting them, and
 * records the outcomes as status records with trailers, like the daemon.
 */
import { execFile } from 'node:child_process';
import { mkdir, realpath } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import type { ApplyOutcome } from '../records/outcomes.js';
import { writerIdFor } from '../apply/shared-intents.js';
import type { Clock } from '../core/clock.js';
import { linkOnPath, writeConfined } from '../core/confined-file.js';
import { FleetError } from '../core/errors.js';
import { isServiceName } from '../core/service-name.js';
import { subjectOf, lineOf, trailersOf } from '../daemon/record-status.js';
import type { GitIdentity } from '../git/git-repo.js';
import { SimpleGitRepo } from '../git/simple-git-repo.js';
import { canonicalizeSpec, specDigest } from '../plan/digest.js';
import type { GatheredPlanInput } from '../pipeline/plan-input.js';
import type { Plan } from '../plan/types.js';
import { buildStatusRecords } from '../status/build-records.js';
import { serializeStatusRecord } from '../records/status-record.js';
import type { CanonicalSpec, StatusRecord } from '../records/types.js';

const run = promisify(execFile);

/** Where and how apply records. */
export interface RecordingOptions {
  /** The operator's checkout (`--repo`). */
  repo: string;
  stateDir: string;
  /** The git remote of the checkout to record in (default `origin`). */
  remote?: string | undefined;
  /** The status branch (default: the checkout's branch), as the daemon's `status.branch`. */
  statusBranch?: string | undefined;
  clock: Clock;
}

/** An open recording: the clone, the fleet root in it, and the revisions the plan reads. */
export interface RecordingSession {
  git: SimpleGitRepo;
  /** Absolute fleet root inside the clone (plan from here). */
  root: string;
  /** Repository-relative prefix of the fleet root ('' or 'sub/'). */
  prefix: string;
  /** The spec branch's head (= the checkout's HEAD). */
  head: string;
  /** The status-branch revision the plan reads: the CAS base of the intent commit. */
  base: string;
  writer: string;
  author: GitIdentity;
}

async function gitIn(repo: string, args: string[]): Promise<string | null> {
  try {
    return (await run('git', args, { cwd: repo })).stdout.trim() || null;
  } catch {
    return null;
  }
}

function notRecordable(message: string): FleetError {
  return new FleetError(
    'intent-push-refused',
    `${message}; apply records every reinstall in git before posting it, so that the daemon and other writers never post it again. Use --no-record only for a disposable test fleet.`,
  );
}

/** Clones (or updates) the record clone and checks that the checkout is the remote branch. */
export async function openRecording(options: RecordingOptions): Promise<RecordingSession> {
  const repo = await realpath(options.repo);
  const remote = options.remote ?? 'origin';
  const top = await gitIn(repo, ['rev-parse', '--show-toplevel']);
  if (top === null) throw notRecordable(`${options.repo} is not a git checkout`);
  const url = await gitIn(repo, ['remote', 'get-url', remote]);
  if (url === null) throw notRecordable(`the checkout has no remote "${remote}" to record in`);
  const branch = await gitIn(repo, ['symbolic-ref', '--short', 'HEAD']);
  if (branch === null) throw notRecordable('the checkout is not on a branch (detached HEAD)');
  const localHead = (await gitIn(repo, ['rev-parse', 'HEAD'])) ?? '';
  const relative = path.relative(await realpath(top), repo);
  const prefix = relative === '' ? '' : `${relative.split(path.sep).join('/')}/`;
  const absoluteUrl = /^[a-z+]+:\/\/|^[^/]+@[^/]+:/i.test(url) ? url : path.resolve(top, url);
  const author: GitIdentity = {
    name: (await gitIn(repo, ['config', 'user.name'])) ?? 'ovh-fleet apply',
    email: (await gitIn(repo, ['config', 'user.email'])) ?? 'ovh-fleet-apply@localhost',
  };
  const statusBranch = options.statusBranch ?? branch;
  const git = new SimpleGitRepo({
    url: absoluteUrl,
    branch,
    dir: path.join(options.stateDir, 'record-clone'),
    ...(statusBranch !== branch ? { statusBranch } : {}),
    statusDir: `${prefix}status`,
    committer: { name: 'ovh-fleet', email: author.email },
    clock: options.clock,
  });
  const head = await git.ensureClone();
  if (head !== localHead) {
    throw new FleetError(
      'apply-checkout-stale',
      `your checkout is at ${localHead.slice(0, 12) || '(no commit)'} but ${remote}/${branch} is at ${head.slice(0, 12)}: apply applies and records what the remote holds. Pull (or push) first, review the plan again, then apply`,
    );
  }
  const cloneDir = path.join(options.stateDir, 'record-clone');
  const root = path.join(cloneDir, ...relative.split(path.sep).filter(Boolean));
  const base = (await git.statusHead()) ?? head;
  if (base !== head) await copyStatusRecords(git, base, prefix, cloneDir);
  return {
    git,
    root,
    prefix,
    head,
    base,
    writer: await writerIdFor('apply', options.stateDir),
    author,
  };
}

/**
 * With a separate status branch: its records into the clone's tree, where the plan reads them.
 * The tree is the spec branch's, which may carry a symbolic link as `status/` or as a record:
 * nothing is written through a link (core/confined-file.ts, as the daemon's restoreRecords). Such
 * a record stays a link, which the plan reports as unreadable (records/read-records.ts); only file
 * names of valid service names are written (review finding 6, test:
 * test/security/apply-record-links.test.ts).
 */
async function copyStatusRecords(
  git: SimpleGitRepo,
  base: string,
  prefix: string,
  cloneDir: string,
): Promise<void> {
  const files = await git.listFilesAt(base, `${prefix}status/`);
  if (linkOnPath(cloneDir, `${prefix}status`)) return; // a linked status/ or fleet root: read by no one
  await mkdir(path.join(cloneDir, `${prefix}status`), { recursive: true });
  for (const [file, text] of files) {
    const name = file.slice(`${prefix}status/`.length);
    if (!name.endsWith('.yaml') || !isServiceName(name.slice(0, -'.yaml'.length))) continue;
    try {
      writeConfined(cloneDir, `${prefix}status/${name}`, text);
    } catch {
      // A link in the spec branch's tree: left as it is; the plan refuses it by name.
    }
  }
}

/** What recording gave: the commit pushed (null when nothing changed), and the records now in git. */
export interface RecordedOutcomes {
  commit: string | null;
  /** The status records the remote holds after the commit (those the plan read, updated). */
  inGit: ReadonlyMap<string, StatusRecord>;
}

/**
 * Records the outcomes of the run (and the attempts of other writers it resolved) as status
 * records: one commit with trailers, pushed with the usual retries. Only the servers this run
 * touched are written; the daemon keeps FLEET.md. Throws when the commit could not be pushed.
 */
export async function recordApplyOutcomes(
  session: RecordingSession,
  plan: Plan,
  gathered: GatheredPlanInput,
  applied: ReadonlyMap<string, StatusRecord>,
  outcomes: readonly ApplyOutcome[],
  resolved: readonly string[],
  now: number,
): Promise<RecordedOutcomes> {
  const unchanged: RecordedOutcomes = { commit: null, inGit: gathered.input.applied };
  const touched = new Set([...outcomes.map((o) => o.serviceName), ...resolved]);
  if (touched.size === 0) return unchanged;
  const canonical = new Map<string, CanonicalSpec>();
  for (const spec of gathered.input.specs) canonical.set(specDigest(spec), canonicalizeSpec(spec));
  const files = new Map<string, string>();
  for (const entry of plan.servers)
    if (entry.serviceName && entry.file && touched.has(entry.serviceName))
      files.set(entry.serviceName, `${session.prefix}${entry.file}`);
  const byFile = await session.git.lastCommitsTouching([...new Set(files.values())], session.head);
  const specCommits = new Map<string, string>();
  for (const [name, file] of files) specCommits.set(name, byFile.get(file) ?? session.head);
  const records = buildStatusRecords({
    plan: { ...plan, servers: plan.servers.filter((s) => s.serviceName && touched.has(s.serviceName)) },
    outcomes,
    progress: new Map(),
    previous: applied,
    observed: gathered.input.observed,
    canonical,
    specCommits,
    now,
  });
  const changed = [...records.values()]
    .filter((r) => serializeStatusRecord(r) !== serializeOrNull(gathered.input.applied.get(r.serviceName)))
    .sort((a, b) => a.serviceName.localeCompare(b.serviceName));
  if (changed.length === 0) return unchanged;
  const result = await session.git.commitStatus({
    files: new Map(
      changed.map((r) => [`${session.prefix}status/${r.serviceName}.yaml`, serializeStatusRecord(r)]),
    ),
    subject: subjectOf(changed, null).replace(/^ovh-fleet:/, 'ovh-fleet apply:'),
    body: changed.map(lineOf).join('\n'),
    trailers: trailersOf(changed, specCommits, plan.planHash),
    author: session.author,
  });
  const inGit = new Map(gathered.input.applied);
  for (const r of changed) inGit.set(r.serviceName, r);
  return { commit: result.outcome === 'pushed' ? result.commit : null, inGit };
}

function serializeOrNull(record: StatusRecord | undefined): string | null {
  return record ? serializeStatusRecord(record) : null;
}
