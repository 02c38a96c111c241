/**
 * Reading and writing files of the fleet repository without following any symbolic link
 * (DESIGN.md §2 "Links"): every component of the path from the repository root is checked with
 * lstat, the file is opened with O_NOFOLLOW (and O_NONBLOCK, so a FIFO cannot hang the process),
 * and what was opened is checked with fstat. Where /proc/self/fd exists (Linux), the opened file's
 * real path must also be the expected one, which closes the window between the checks and the
 * open (a folder swapped for a link in between). Synchronous: spec reading runs in workers too.
 */
import {
  closeSync,
  constants,
  fstatSync,
  lstatSync,
  openSync,
  readlinkSync,
  readSync,
  realpathSync,
  writeSync,
  type Stats,
} from 'node:fs';
import path from 'node:path';

/** Why a confined read failed; `component` is the repository-relative path that is a link. */
export type ConfinedProblem =
  | { problem: 'link'; component: string; detail: string }
  | { problem: 'missing' | 'not-file' | 'too-large' | 'unreadable'; detail: string };

/** What reading a repository file gave. */
export type ConfinedRead = { ok: true; bytes: Buffer; stat: Stats } | ({ ok: false } & ConfinedProblem);

/**
 * The first component of `rel` (repository-relative, forward slashes, normalized) that is a
 * symbolic link, or a folder on the way that is not a directory; undefined when none is. A
 * missing component ends the walk (the caller's open reports it).
 */
export function linkOnPath(
  root: string,
  rel: string,
): { component: string; kind: 'link' | 'not-dir' } | undefined {
  const parts = rel.split('/');
  for (let i = 1; i <= parts.length; i++) {
    const component = parts.slice(0, i).join('/');
    let stat: Stats;
    try {
      stat = lstatSync(path.join(root, ...parts.slice(0, i)));
    } catch {
      return undefined;
    }
    if (stat.isSymbolicLink()) return { component, kind: 'link' };
    if (i < parts.length && !stat.isDirectory()) return { component, kind: 'not-dir' };
  }
  return undefined;
}

/** A sentence for a link found on the way to `rel`. */
export function linkMessage(rel: string, component: string): string {
  return component === rel
    ? `${rel} is a symbolic link: ovh-fleet follows no link in the repository`
    : `${component} (on the way to ${rel}) is a symbolic link: ovh-fleet follows no link in the repository`;
}

const hasProcFd = ((): boolean => {
  try {
    readlinkSync('/proc/self/fd/0');
    return true;
  } catch {
    return false;
  }
})();

const realRoots = new Map<string, string>();
function realRootOf(root: string): string {
  let real = realRoots.get(root);
  if (real === undefined) {
    real = realpathSync(root);
    if (realRoots.size > 64) realRoots.clear();
    realRoots.set(root, real);
  }
  return real;
}

/** Reads `root/rel` (at most `maxBytes`) without following any link on the way. */
export function readConfined(root: string, rel: string, maxBytes: number): ConfinedRead {
  const link = linkOnPath(root, rel);
  if (link?.kind === 'link') {
    return {
      ok: false,
      problem: 'link',
      component: link.component,
      detail: linkMessage(rel, link.component),
    };
  }
  if (link?.kind === 'not-dir') return { ok: false, problem: 'missing', detail: `${rel} does not exist` };
  let fd: number;
  try {
    fd = openSync(path.join(root, rel), constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR')
      return { ok: false, problem: 'missing', detail: `${rel} does not exist` };
    if (code === 'ELOOP')
      return { ok: false, problem: 'link', component: rel, detail: linkMessage(rel, rel) };
    return { ok: false, problem: 'unreadable', detail: `${rel} cannot be read (${code ?? 'error'})` };
  }
  try {
    if (hasProcFd) {
      const opened = readlinkSync(`/proc/self/fd/${fd}`);
      const expected = path.join(realRootOf(root), rel);
      if (opened !== expected) {
        return {
          ok: false,
          problem: 'link',
          component: rel,
          detail: `${rel} was reached through a symbolic link`,
        };
      }
    }
    const stat = fstatSync(fd);
    if (!stat.isFile()) return { ok: false, problem: 'not-file', detail: `${rel} is not a regular file` };
    if (stat.size > maxBytes) {
      return {
        ok: false,
        problem: 'too-large',
        detail: `${rel} is ${stat.size} bytes, more than the limit of ${maxBytes}`,
      };
    }
    const bytes = Buffer.alloc(stat.size);
    let read = 0;
    while (read < bytes.length) {
      const n = readSync(fd, bytes, read, bytes.length - read, read);
      if (n === 0) break;
      read += n;
    }
    return { ok: true, bytes: read === bytes.length ? bytes : bytes.subarray(0, read), stat };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return { ok: false, problem: 'unreadable', detail: `${rel} cannot be read (${code ?? 'error'})` };
  } finally {
    closeSync(fd);
  }
}

/**
 * Writes `root/rel` without following a link: throws when a component on the way is a link (or
 * a file where a folder is expected), and opens the file itself with O_NOFOLLOW.
 */
export function writeConfined(root: string, rel: string, content: string | Uint8Array): void {
  const link = linkOnPath(root, rel);
  if (link) throw new Error(linkMessage(rel, link.component));
  const fd = openSync(
    path.join(root, rel),
    constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_NOFOLLOW,
    0o644,
  );
  try {
    const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
    let written = 0;
    while (written < bytes.length) written += writeSync(fd, bytes, written, bytes.length - written);
  } finally {
    closeSync(fd);
  }
}
