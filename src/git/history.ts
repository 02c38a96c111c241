/**
 * `ovh-fleet history SERVICE`: one server's timeline from git. Spec commits come from the log of
 * its spec file(s); applied results come from status commits whose `Fleet-Server` trailer names
 * it. `collectHistory` gathers data; `renderHistory` (pure) turns it into text.
 */
import { parse } from 'yaml';
import { checkYamlText } from '../core/yaml-guard.js';
import { FLEET_TRAILERS, parseTrailerLines, trailerValues } from './commit-message.js';
import type { CommitInfo, HistoryEntry } from './git-repo.js';

/** One commit as the adapter's log returns it. */
export interface LoggedCommit {
  commit: CommitInfo;
  /** Parent commits, first parent first; empty for a root commit. */
  parents: string[];
  /** `%(trailers:only,unfold)`: one `Key: value` per line. */
  trailerText: string;
  /** `%b`: the message after the subject (trailers included). */
  body: string;
}

/** What history needs from git (implemented by the adapter; called inside its queue). */
export interface HistoryGit {
  /** Commits reachable from any of `revs` touching `paths`, newest first (`git log --date-order`). */
  logNow(revs: readonly string[], paths: readonly string[]): Promise<LoggedCommit[]>;
  readFile(rev: string, path: string): Promise<string | null>;
}

/** `operatingSystem` of a spec file's text, or null when absent or unreadable. */
export function operatingSystemOf(text: string | null): string | null {
  if (text === null || checkYamlText(text)) return null;
  try {
    const data: unknown = parse(text);
    if (typeof data === 'object' && data !== null && 'operatingSystem' in data) {
      const os = (data as { operatingSystem: unknown }).operatingSystem;
      return typeof os === 'string' ? os : null;
    }
  } catch {
    // A file that does not parse at some revision simply shows no OS there.
  }
  return null;
}

/**
 * Task ids that a status commit names for `serviceName`: `Fleet-Task` values of the form
 * `<serviceName> <taskId>`, or a bare `<taskId>` when the commit names exactly one server.
 */
export function tasksFor(serviceName: string, taskValues: readonly string[], serverCount: number): string[] {
  const out: string[] = [];
  for (const value of taskValues) {
    const [first = '', second] = value.split(/\s+/);
    if (second !== undefined && first === serviceName) out.push(second);
    else if (second === undefined && serverCount === 1) out.push(first);
  }
  return out;
}

/**
 * Builds the timeline, oldest first. One `git log --date-order` over both revisions keeps git's
 * order (a child never before its parent), even for commits made within the same second.
 */
export async function collectHistory(
  git: HistoryGit,
  serviceName: string,
  specPaths: readonly string[],
  specRev: string,
  statusRev: string,
  statusDir: string,
): Promise<HistoryEntry[]> {
  const revs = specRev === statusRev ? [specRev] : [specRev, statusRev];
  const logged = (await git.logNow(revs, [...specPaths, `${statusDir}/`])).reverse();
  // The commits that changed a spec file: a commit with one parent (or none) that is not among
  // them changed only status/, and its spec files need no read (a merge is always read).
  const touched =
    specPaths.length === 0
      ? new Set<string>()
      : new Set((await git.logNow(revs, specPaths)).map((c) => c.commit.hash));
  const entries: HistoryEntry[] = [];
  for (const c of logged) {
    const mayChangeSpec = c.parents.length > 1 || touched.has(c.commit.hash);
    for (const file of mayChangeSpec ? specPaths : []) {
      const after = await git.readFile(c.commit.hash, file);
      const parents =
        c.parents.length === 0 ? [null] : await Promise.all(c.parents.map((p) => git.readFile(p, file)));
      // A merge that only brings a change made on one side is not a spec change of its own.
      if (parents.includes(after)) continue;
      const before = parents[0] ?? null;
      const osBefore = operatingSystemOf(before);
      const osAfter = operatingSystemOf(after);
      entries.push({ kind: 'spec', commit: c.commit, file, osBefore, osAfter });
      break;
    }
    const trailers = parseTrailerLines(c.trailerText);
    const servers = trailerValues(trailers, FLEET_TRAILERS.server);
    if (!servers.includes(serviceName)) continue;
    const trailerLines = new Set(c.trailerText.split('\n').map((l) => l.trim()));
    const result =
      c.body
        .split('\n')
        .map((l) => l.trim())
        .find((l) => l.includes(serviceName) && !trailerLines.has(l)) ?? c.commit.subject;
    entries.push({
      kind: 'status',
      commit: c.commit,
      tasks: tasksFor(serviceName, trailerValues(trailers, FLEET_TRAILERS.task), servers.length),
      specCommits: trailerValues(trailers, FLEET_TRAILERS.specCommit),
      result,
    });
  }
  return entries;
}

/** The text of `ovh-fleet history`: one line per entry, oldest first. */
export function renderHistory(serviceName: string, entries: readonly HistoryEntry[]): string {
  if (entries.length === 0) return `${serviceName}: no spec change or status commit in the history\n`;
  const lines = [`History of ${serviceName} (oldest first)`];
  for (const e of entries) {
    const who = `${e.commit.author.name} <${e.commit.author.email}>`;
    const head = `${e.commit.date}  ${e.commit.hash.slice(0, 12)}`;
    if (e.kind === 'spec') {
      const change =
        e.osBefore === e.osAfter
          ? `operatingSystem ${e.osAfter ?? '(none)'} unchanged`
          : `operatingSystem ${e.osBefore ?? '(none)'} -> ${e.osAfter ?? '(removed)'}`;
      lines.push(`${head}  spec    ${e.file}: ${change}  by ${who}  "${e.commit.subject}"`);
    } else {
      const tasks = e.tasks.length > 0 ? `  task ${e.tasks.join(', ')}` : '';
      const spec =
        e.specCommits.length > 0 ? `  spec ${e.specCommits.map((c) => c.slice(0, 12)).join(', ')}` : '';
      lines.push(`${head}  status  ${e.result}${tasks}${spec}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
