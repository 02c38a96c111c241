/**
 * The only files ovh-fleet writes in the fleet repository: those under the status directory.
 * Paths are checked as text first (no `..`, nothing absolute, nothing outside `status/`), then
 * on disk (no symbolic link on the way), so a commit in the repository cannot redirect a write.
 */
import { constants } from 'node:fs';
import { lstat, mkdir, open, rm } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { FleetError } from '../core/errors.js';
import type { FileContent } from './git-repo.js';

/** Throws `git-path-refused` unless `path` is a normalised repository-relative path under `statusDir/`. */
export function checkStatusPath(path: string, statusDir: string): string {
  const normal = posix.normalize(path);
  const prefix = `${statusDir.replace(/\/+$/, '')}/`;
  const ok =
    normal === path &&
    !path.startsWith('/') &&
    !path.includes('\\') &&
    !path.includes('\0') &&
    path.startsWith(prefix) &&
    path.length > prefix.length &&
    !path.endsWith('/') &&
    !path.split('/').some((part) => part === '..' || part === '.' || part === '.git' || part === '');
  if (!ok) {
    throw new FleetError(
      'git-path-refused',
      `refusing to write ${JSON.stringify(path)}: only files under ${prefix} are written`,
      {
        details: { path },
      },
    );
  }
  return path;
}

/**
 * Throws `git-path-refused` when a directory on the way to `path` (inside `root`) is a symbolic
 * link or a file, or `path` itself is a link. Directories found good are added to `goodDirs` and
 * not looked at again by the same write (a status commit may write 10,000 files in one folder).
 */
async function checkNoSymlink(root: string, path: string, goodDirs: Set<string>): Promise<void> {
  const parts = path.split('/');
  for (let i = 1; i <= parts.length; i++) {
    const isDir = i < parts.length;
    const sub = parts.slice(0, i).join('/');
    if (isDir && goodDirs.has(sub)) continue;
    const stat = await lstat(join(root, ...parts.slice(0, i))).catch(() => null);
    if (stat === null) return;
    if (stat.isSymbolicLink() || (isDir && !stat.isDirectory())) {
      throw new FleetError('git-path-refused', `refusing to write ${path}: ${sub} is a link or a file`, {
        details: { path },
      });
    }
    if (isDir) goodDirs.add(sub);
  }
}

/**
 * Writes (or deletes, for `null`) each file in the working tree at `root`. Returns the paths git
 * must stage: every written file, and deleted files that existed.
 */
export async function writeStatusFiles(
  root: string,
  files: ReadonlyMap<string, FileContent>,
  statusDir: string,
): Promise<string[]> {
  for (const path of files.keys()) checkStatusPath(path, statusDir);
  const touched: string[] = [];
  const goodDirs = new Set<string>();
  const made = new Set<string>();
  for (const [path, content] of files) {
    await checkNoSymlink(root, path, goodDirs);
    const abs = join(root, ...path.split('/'));
    if (content === null) {
      const existed = await lstat(abs).then(
        () => true,
        () => false,
      );
      if (existed) {
        await rm(abs, { force: true });
        touched.push(path);
      }
      continue;
    }
    const dir = join(abs, '..');
    if (!made.has(dir)) {
      await mkdir(dir, { recursive: true });
      made.add(dir);
    }
    // O_NOFOLLOW: a link put in place after the check above is not followed (ELOOP, refused).
    const handle = await open(
      abs,
      constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_NOFOLLOW,
      0o644,
    );
    try {
      await handle.writeFile(typeof content === 'function' ? content() : content);
    } finally {
      await handle.close();
    }
    touched.push(path);
  }
  return touched;
}
