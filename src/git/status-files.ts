/**
 * The only files ovh-fleet writes in the fleet repository: those under the status directory.
 * Paths are checked as text first (no `..`, nothing absolute, nothing outside `status/`), then
 * on disk (no symbolic link on the way), so a commit in the repository cannot redirect a write.
 */
import { lstat, mkdir, rm, writeFile } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { FleetError } from '../core/errors.js';

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

/** Throws `git-path-refused` when a directory on the way to `path` (inside `root`) is a symbolic link. */
async function checkNoSymlink(root: string, path: string): Promise<void> {
  const parts = path.split('/');
  for (let i = 1; i <= parts.length; i++) {
    const stat = await lstat(join(root, ...parts.slice(0, i))).catch(() => null);
    if (stat === null) return;
    if (stat.isSymbolicLink() || (i < parts.length && !stat.isDirectory())) {
      throw new FleetError(
        'git-path-refused',
        `refusing to write ${path}: ${parts.slice(0, i).join('/')} is a link or a file`,
        {
          details: { path },
        },
      );
    }
  }
}

/**
 * Writes (or deletes, for `null`) each file in the working tree at `root`. Returns the paths git
 * must stage: every written file, and deleted files that existed.
 */
export async function writeStatusFiles(
  root: string,
  files: ReadonlyMap<string, string | null>,
  statusDir: string,
): Promise<string[]> {
  for (const path of files.keys()) checkStatusPath(path, statusDir);
  const touched: string[] = [];
  for (const [path, content] of files) {
    await checkNoSymlink(root, path);
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
    await mkdir(join(abs, '..'), { recursive: true });
    await writeFile(abs, content);
    touched.push(path);
  }
  return touched;
}
