/**
 * Reading the files that `{file: PATH}` references name, confined to the repository: no `..` that
 * leaves it, no absolute path, no symbolic link anywhere on the way (wherever it leads), nothing
 * under `status/` or in a dot-folder. Synchronous on purpose: `buildServerSpec` is a plain function
 * that a worker thread can run.
 */
import path from 'node:path';
import { readConfined } from '../core/confined-file.js';

/** Largest file a `{file}` reference may name: 32 KiB (OVHcloud's own limit is not published). */
export const MAX_REF_BYTES = 32 * 1024;

/** What reading a referenced file gave. `path` is the normalized repository-relative path. */
export type RefRead =
  | { ok: true; path: string; bytes: Uint8Array }
  | {
      ok: false;
      path: string;
      problem: 'outside' | 'forbidden' | 'link' | 'missing' | 'not-file' | 'too-large' | 'unreadable';
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

/**
 * Why `rel` (normalized) may not be referenced, or undefined: files under `status/` are written
 * by ovh-fleet itself, and a component starting with a dot (`.git`, `.github`, `.env`, ...) is
 * never content meant for a server.
 */
export function forbiddenRefPath(rel: string): string | undefined {
  const parts = rel.split('/');
  if (parts[0] === 'status') return `${rel} is under status/, which ovh-fleet writes`;
  const dotted = parts.find((p) => p.startsWith('.'));
  if (dotted !== undefined) return `${rel} is in or is a dot-file or dot-folder (${dotted})`;
  return undefined;
}

/** The real filesystem implementation of {@link RepoFiles} for the repository at `root`. */
export function createRepoFiles(root: string, maxBytes = MAX_REF_BYTES): RepoFiles {
  const absoluteRoot = path.resolve(root);
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
    const rel = normalizeRefPath(ref);
    if (rel === undefined) {
      return {
        ok: false,
        path: ref,
        problem: 'outside',
        detail: `${ref} is not a path inside the repository`,
      };
    }
    const forbidden = forbiddenRefPath(rel);
    if (forbidden !== undefined) {
      return { ok: false, path: rel, problem: 'forbidden', detail: `${forbidden}: it cannot be referenced` };
    }
    // No link on the way, O_NOFOLLOW, fstat (core/confined-file.ts): nothing outside is read.
    const read = readConfined(absoluteRoot, rel, maxBytes);
    if (read.ok) return { ok: true, path: rel, bytes: read.bytes };
    const detail = read.problem === 'missing' ? `file ${rel} does not exist` : read.detail;
    return { ok: false, path: rel, problem: read.problem, detail };
  }
}
