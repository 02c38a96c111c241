/** Test helper: a fleet repository in a fresh temporary directory. */
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
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

/** What a corpus case needs that git does not keep well (test/fixtures/invalid/README.md). */
interface CaseSetup {
  symlinks?: { path: string; target: string }[];
  generated?: { path: string; bytes: number; fill: string }[];
}

/** Copies corpus case `name` of `corpus` to a new repository, completed by its setup.json. */
export function prepareCase(corpus: string, name: string): string {
  const root = makeRepo({});
  const source = path.join(corpus, name);
  cpSync(source, root, {
    recursive: true,
    filter: (src) =>
      !['expected.json', 'setup.json'].includes(path.basename(src)) || path.dirname(src) !== source,
  });
  const setupFile = path.join(source, 'setup.json');
  const setup = (existsSync(setupFile) ? JSON.parse(readFileSync(setupFile, 'utf8')) : {}) as CaseSetup;
  for (const link of setup.symlinks ?? []) {
    mkdirSync(path.dirname(path.join(root, link.path)), { recursive: true });
    symlinkSync(link.target, path.join(root, link.path));
  }
  for (const g of setup.generated ?? []) {
    mkdirSync(path.dirname(path.join(root, g.path)), { recursive: true });
    writeFileSync(path.join(root, g.path), g.fill.repeat(g.bytes));
  }
  return root;
}
