/** Test helper: a fleet repository in a fresh temporary directory. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** Files by repository-relative path; strings are written as UTF-8. */
export type RepoContent = Record<string, string | Uint8Array>;

const created: string[] = [];

/** Writes `files` into a new temporary directory and returns its path. */
export function makeRepo(files: RepoContent): string {
  const root = mkdtempSync(path.join(tmpdir(), 'ovh-fleet-specs-'));
  created.push(root);
  for (const [rel, content] of Object.entries(files)) {
    const file = path.join(root, rel);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, content);
  }
  return root;
}

/** A temporary directory outside any repository (for symlinks that escape). */
export function makeOutsideDir(files: RepoContent): string {
  return makeRepo(files);
}

/** Removes every directory made by this helper (call from afterAll). */
export function removeRepos(): void {
  for (const root of created.splice(0)) rmSync(root, { recursive: true, force: true });
}

/** A minimal valid spec; `extra` lines are appended as written. */
export function spec(serviceName = 'ns1.ip-1-2-3.eu', extra = ''): string {
  return `apiVersion: ovh-fleet/v1\nkind: Server\nserviceName: ${serviceName}\noperatingSystem: debian12_64\n${extra}`;
}
