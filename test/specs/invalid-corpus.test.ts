/**
 * The invalid corpus (reading cases): every test/fixtures/invalid/<case>/ that holds an
 * expected.json is copied to a temporary directory, completed by its setup.json (symbolic links
 * and large files, which git does not keep well), and read with readFleet. The expected
 * diagnostics must be present, and reading must not crash. Format: test/fixtures/invalid/README.md.
 */
import {
  cpSync,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readFleet } from '../../src/specs/read-fleet.js';
import { makeRepo, removeRepos } from './temp-repo.js';

afterAll(removeRepos);

const CORPUS = path.resolve(import.meta.dirname, '../fixtures/invalid');

interface Expected {
  code: string;
  file: string;
  line: number;
  column: number;
}

interface Setup {
  symlinks?: { path: string; target: string }[];
  generated?: { path: string; bytes: number; fill: string }[];
}

const cases = readdirSync(CORPUS, { withFileTypes: true })
  .filter((e) => e.isDirectory() && existsSync(path.join(CORPUS, e.name, 'expected.json')))
  .map((e) => e.name)
  .sort();

function prepare(name: string): string {
  const root = makeRepo({});
  const source = path.join(CORPUS, name);
  cpSync(source, root, {
    recursive: true,
    filter: (src) =>
      !['expected.json', 'setup.json'].includes(path.basename(src)) || path.dirname(src) !== source,
  });
  const setupFile = path.join(source, 'setup.json');
  const setup = (existsSync(setupFile) ? JSON.parse(readFileSync(setupFile, 'utf8')) : {}) as Setup;
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

describe('invalid corpus (reading cases)', () => {
  it('has at least 30 reading cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(30);
  });

  it.each(cases)('%s', async (name) => {
    const raw = JSON.parse(readFileSync(path.join(CORPUS, name, 'expected.json'), 'utf8')) as
      Expected | Expected[];
    const expected = Array.isArray(raw) ? raw : [raw];
    const root = prepare(name);

    const repo = await readFleet(root);

    const found = repo.diagnostics.map(({ code, file, line, column }) => ({ code, file, line, column }));
    for (const e of expected) expect(found).toContainEqual(e);
    for (const e of expected.filter((x) => x.file.startsWith('servers/'))) {
      expect(repo.specs.map((s) => s.file)).not.toContain(e.file);
    }
    if (expected.some((e) => e.file === 'fleet.yaml')) expect(repo.policy.suspend.reason).not.toBe('');
  });
});
