/**
 * Reading the files that `{file: PATH}` references name, confined to the repository: no `..` that
 * leaves it, no absolute path, no symbolic link that leads outside (checked on the real path).
 * Synchronous on purpose: `buildServerSpec` is a plain function that a worker thread can run.
 */
import { realpathSync, statSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** Largest file a `{file}` reference may name: 32 KiB (OVHcloud's own limit is not published). */
export const MAX_REF_BYTES = 32 * 1024;

/** What reading a referenced file gave. `path` is the normalized repository-relative path. */
export type RefRead =
  | { ok: true; path: string; bytes: Uint8Array }
  | {
      ok: false;
      path: string;
      problem: 'outside' | 'missing' | 'not-file' | 'too-large' | 'unreadable';
      detail: string;
    };

/** Access to the repository's files for references. Tests may supply their own. */
export interface RepoFiles {
  /** Absolute path of the repository root. */
  readonly root: string;
  /** Reads the file a reference names (`ref` as written in the spec). */
  readRef(ref: string): RefRead;
}

/**
 * Normalizes a reference path: the repository-relative path with forward slashes, or `undefined`
 * when the path is absolute or leaves the repository lexically.
 */
export function normalizeRefPath(ref: string): string | undefined {
  if (ref.startsWith('/') || ref.startsWith('\\') || /^[A-Za-z]:/.test(ref) || ref.includes('\0'))
    return undefined;
  const normalized = path.posix.normalize(ref.replace(/\\/g, '/'));
  if (normalized === '..' || normalized.startsWith('../') || normalized === '.' || normalized === '')
    return undefined;
  return normalized.replace(/\/$/, '');
}

/** The real filesystem implementation of {@link RepoFiles} for the repository at `root`. */
export function createRepoFiles(root: string, maxBytes = MAX_REF_BYTES): RepoFiles {
  const absoluteRoot = path.resolve(root);
  let realRoot: string | undefined;
  const getRealRoot = (): string => (realRoot ??= realpathSync(absoluteRoot));
  // Many specs reference the same few scripts: read each once per RepoFiles (i.e. per read).
  const memo = new Map<string, RefRead>();
  return {
    root: absoluteRoot,
    readRef(ref: string): RefRead {
      let read = memo.get(ref);
      if (!read) {
        read = readOnce(ref);
        memo.set(ref, read);
      }
      return read;
    },
  };

  function readOnce(ref: string): RefRead {
    {
      const rel = normalizeRefPath(ref);
      if (rel === undefined) {
        return {
          ok: false,
          path: ref,
          problem: 'outside',
          detail: `${ref} is not a path inside the repository`,
        };
      }
      let real: string;
      try {
        real = realpathSync(path.join(absoluteRoot, rel));
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'ENOENT' || code === 'ENOTDIR') {
          return { ok: false, path: rel, problem: 'missing', detail: `file ${rel} does not exist` };
        }
        return {
          ok: false,
          path: rel,
          problem: 'unreadable',
          detail: `file ${rel} cannot be read (${code})`,
        };
      }
      const base = getRealRoot();
      if (real !== base && !real.startsWith(base + path.sep)) {
        return {
          ok: false,
          path: rel,
          problem: 'outside',
          detail: `${rel} leads outside the repository (a symbolic link)`,
        };
      }
      try {
        const stat = statSync(real);
        if (!stat.isFile())
          return { ok: false, path: rel, problem: 'not-file', detail: `${rel} is not a regular file` };
        if (stat.size > maxBytes) {
          return {
            ok: false,
            path: rel,
            problem: 'too-large',
            detail: `file ${rel} is ${stat.size} bytes, more than the limit of ${maxBytes}`,
          };
        }
        return { ok: true, path: rel, bytes: readFileSync(real) };
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        return {
          ok: false,
          path: rel,
          problem: 'unreadable',
          detail: `file ${rel} cannot be read (${code})`,
        };
      }
    }
  }
}
