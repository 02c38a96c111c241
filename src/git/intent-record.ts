/**
 * The shared record of intent in the fleet repository (src/apply/shared-intents.ts says what a
 * marker is): reading the markers of a revision of the status branch, and committing a batch of
 * markers as a COMPARE-AND-SWAP on the markers the plan read: the commit's parent is the revision
 * the plan read; when the branch moved, the claim is made again on the new head only if no
 * marker changed in between, else the writer plans again (someone else may have claimed the
 * same server). Any other refusal (read-only key, protected
 * branch, hook) is reported as `intent-push-refused`: nothing may be posted then.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ClaimVerdict, IntentClaimer, SharedIntent } from '../apply/shared-intents.js';
import type { SharedIntentProblem } from '../apply/shared-intents.js';
import {
  parseSharedIntent,
  serializeSharedIntent,
  SHARED_INTENT_DIR,
  sharedIntentPath,
} from '../apply/shared-intents.js';
import { FleetError } from '../core/errors.js';
import { buildCommitMessage, FLEET_TRAILERS, isPushRace } from './commit-message.js';
import type { FileContent, GitIdentity, GitRepo } from './git-repo.js';
import type { GitRun } from './git-queries.js';
import { checkRev } from '../config/git-remote.js';
import { writeStatusFiles } from './status-files.js';

/** A compare-and-swap commit of files under the status directory. */
export interface IntentCommitRequest {
  /** The status-branch revision the writer planned from: the new commit's parent. */
  base: string;
  files: ReadonlyMap<string, FileContent>;
  message: string;
  author: GitIdentity;
}

/** Where the clone keeps its branches (the adapter's configuration). */
export interface IntentCommitTarget {
  dir: string;
  statusDir: string;
  /** The branch the commit is pushed to (the status branch). */
  statusBranch: string;
}

/** Blob texts by object id: a blob never changes, so the cache never goes stale. */
const blobTexts = new Map<string, string>();
const MAX_CACHED_BLOBS = 20_000;

/** Every regular file under `dir` at `rev` (repository-relative path → text). */
export async function listFilesAt(run: GitRun, rev: string, dir: string): Promise<Map<string, string>> {
  checkRev(rev);
  const out = new Map<string, string>();
  const listed = await run(['ls-tree', '-r', '-z', '--full-tree', rev, '--', dir]);
  for (const line of listed.split('\0')) {
    const match = /^100644 blob ([0-9a-f]{40,64})\t(.+)$/.exec(line);
    if (!match) continue;
    const [, blob, path] = match as unknown as [string, string, string];
    let text = blobTexts.get(blob);
    if (text === undefined) {
      text = await run(['cat-file', 'blob', blob]);
      if (blobTexts.size >= MAX_CACHED_BLOBS) blobTexts.clear();
      blobTexts.set(blob, text);
    }
    out.set(path, text);
  }
  return out;
}

/** Pushes of one claim when the branch moved without touching any marker (then the claim still holds). */
const CLAIM_ATTEMPTS = 5;

/**
 * Commits `request.files` on top of `request.base` and pushes. When the push is refused because
 * the branch moved, the claim still holds if no marker changed since `base` (the others' commits
 * touched only records, specs or other files): it is made again on the new head. Once a marker
 * changed (another writer claimed something), `raced`: the writer must plan again.
 */
export async function commitIntentsOnce(
  run: GitRun,
  target: IntentCommitTarget,
  request: IntentCommitRequest,
): Promise<'pushed' | 'raced'> {
  checkRev(request.base);
  const markers = `${target.statusDir.replace(/\/+$/, '')}/intents/`;
  let parent = request.base;
  for (let attempt = 1; ; attempt++) {
    await run(['checkout', '--quiet', '--force', '-B', target.statusBranch, parent]);
    await run(['clean', '--quiet', '--force', '--force', '-d', '-x']);
    await writeStatusFiles(target.dir, request.files, target.statusDir);
    await run(['add', '--all', '--', `${target.statusDir.replace(/\/+$/, '')}/`]);
    const messageFile = join(target.dir, '.git', 'OVH_FLEET_INTENT_MSG');
    await writeFile(messageFile, request.message);
    await run(['commit', '--quiet', '--no-verify', '--cleanup=whitespace', `--file=${messageFile}`], {
      author: request.author,
    });
    try {
      await run(['push', '--quiet', 'origin', `HEAD:refs/heads/${target.statusBranch}`]);
      return 'pushed';
    } catch (error) {
      const text = error instanceof FleetError ? String(error.details.gitMessage ?? error.message) : '';
      if (!isPushRace(text)) throw refusal(target, text || String(error), error);
    }
    if (attempt >= CLAIM_ATTEMPTS) return 'raced';
    const remote = `refs/remotes/origin/${target.statusBranch}`;
    await run(['fetch', '--quiet', '--no-tags', 'origin', `+refs/heads/${target.statusBranch}:${remote}`]);
    const head = (await run(['rev-parse', '--verify', '--quiet', `${remote}^{commit}`])).trim();
    const touched = (await run(['diff', '--name-only', request.base, head, '--', markers])).trim();
    if (touched !== '') return 'raced';
    parent = head;
  }
}

function refusal(target: IntentCommitTarget, text: string, cause: unknown): FleetError {
  return new FleetError(
    'intent-push-refused',
    `the remote refused the shared-intent commit on ${target.statusBranch} (${text.replace(/\s+/g, ' ').trim().slice(0, 600)}). Give the deploy key (or your git user) write access to ${target.statusBranch}, or record on a separate status branch that is not protected (daemon: status.branch; apply: --status-branch)`,
    { cause, details: { branch: target.statusBranch } },
  );
}

/** The markers of the status revision `rev` (null: no status branch yet, no marker). */
export async function readSharedIntents(
  git: Pick<GitRepo, 'listFilesAt'>,
  rev: string | null,
  prefix = '',
): Promise<{ intents: SharedIntent[]; problems: SharedIntentProblem[] }> {
  const intents: SharedIntent[] = [];
  const problems: SharedIntentProblem[] = [];
  if (rev === null) return { intents, problems };
  const files = await git.listFilesAt(rev, `${prefix}${SHARED_INTENT_DIR}/`);
  for (const [path, text] of [...files].sort((a, b) => a[0].localeCompare(b[0]))) {
    if (!path.endsWith('.json')) continue;
    const parsed = parseSharedIntent(text, path);
    if ('intent' in parsed) intents.push(parsed.intent);
    else problems.push(parsed.problem);
  }
  return { intents, problems };
}

/** The message of one batch of markers: a subject, one line per server, trailers. */
export function intentCommitMessage(intents: readonly SharedIntent[]): string {
  const subject =
    intents.length === 1
      ? `ovh-fleet: intent to reinstall ${intents[0]!.serviceName} (${intents[0]!.operatingSystem})`
      : `ovh-fleet: intent to reinstall ${intents.length} servers`;
  const body = intents
    .map((i) => `${i.serviceName}: ${i.operatingSystem} ${i.digest.slice(0, 19)} by ${i.writer}`)
    .join('\n');
  const trailers = [
    ...intents.map((i) => ({ key: FLEET_TRAILERS.server, value: i.serviceName })),
    ...[...new Set(intents.map((i) => i.revision))].map((c) => ({
      key: FLEET_TRAILERS.specCommit,
      value: c,
    })),
    ...[...new Set(intents.map((i) => i.planHash))].map((h) => ({ key: FLEET_TRAILERS.planHash, value: h })),
  ];
  return buildCommitMessage(subject, body, trailers);
}

/** The claimer of one plan: CAS on the status-branch revision the plan read. */
export class GitIntentClaimer implements IntentClaimer {
  constructor(
    private readonly git: Pick<GitRepo, 'commitIntents'>,
    private readonly base: string,
    private readonly author: GitIdentity,
    /** Repository-relative prefix of the fleet root ('' or 'sub/'). */
    private readonly prefix = '',
  ) {}

  async claim(intents: readonly SharedIntent[]): Promise<ClaimVerdict> {
    const files = new Map<string, FileContent>(
      intents.map((i) => [`${this.prefix}${sharedIntentPath(i.serviceName)}`, serializeSharedIntent(i)]),
    );
    try {
      const result = await this.git.commitIntents({
        base: this.base,
        files,
        message: intentCommitMessage(intents),
        author: this.author,
      });
      if (result === 'pushed') return { kind: 'claimed' };
      return {
        kind: 'raced',
        message: 'the status branch moved since this plan read it (another writer); nothing was posted',
      };
    } catch (error) {
      return { kind: 'refused', message: error instanceof Error ? error.message : String(error) };
    }
  }
}
