/**
 * The invalid corpus (reading cases): every test/fixtures/invalid/<case>/ that holds an
 * expected.json is copied to a temporary directory, completed by its setup.json (symbolic links
 * and large files, which git does not keep well), and read with readFleet. The expected
 * diagnostics must be present, and reading must not crash. Format: test/fixtures/invalid/README.md.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readFleet } from '../../src/specs/read-fleet.js';
import { prepareCase, removeRepos } from './temp-repo.js';

afterAll(removeRepos);

const CORPUS = path.resolve(import.meta.dirname, '../fixtures/invalid');

interface Expected {
  code: string;
  file: string;
  line: number;
  column: number;
}

const cases = readdirSync(CORPUS, { withFileTypes: true })
  .filter((e) => e.isDirectory() && existsSync(path.join(CORPUS, e.name, 'expected.json')))
  .map((e) => e.name)
  .sort();

function prepare(name: string): string {
  return prepareCase(CORPUS, name);
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
