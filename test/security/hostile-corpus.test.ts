/**
 * The hostile corpus (test/fixtures/hostile/README.md): each case is copied to a temporary
 * repository, completed by its setup.json (links, generated files), and read with readFleet.
 * The expected diagnostic is reported, nothing throws, the file yields no spec, and nothing read
 * from outside the repository (/etc) appears anywhere in the result.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readApplied } from '../../src/records/read-records.js';
import { readFleet } from '../../src/specs/read-fleet.js';
import { prepareCase, removeRepos } from '../specs/temp-repo.js';

afterAll(removeRepos);

const CORPUS = path.resolve(import.meta.dirname, '../fixtures/hostile');

interface Expected {
  code: string;
  file: string;
  line: number;
}

const cases = readdirSync(CORPUS, { withFileTypes: true })
  .filter((e) => e.isDirectory() && existsSync(path.join(CORPUS, e.name, 'expected.json')))
  .map((e) => e.name)
  .sort();

function prepare(name: string): string {
  return prepareCase(CORPUS, name);
}

describe('hostile corpus', () => {
  it('has the cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(15);
  });

  it.each(cases)('%s', async (name) => {
    const expected = JSON.parse(readFileSync(path.join(CORPUS, name, 'expected.json'), 'utf8')) as Expected;
    const root = prepare(name);

    const fleet = await readFleet(root, { parallel: false });
    const records = await readApplied(root);

    const found = fleet.diagnostics.map(({ code, file, line }) => ({ code, file, line }));
    expect(found).toContainEqual(expected);
    expect(fleet.specs.map((s) => s.file)).not.toContain(expected.file);
    expect(JSON.stringify({ fleet, records: [...records.applied] })).not.toMatch(/root:x?:0:0|\[core\]/);
    for (const entry of fleet.invalid) {
      if (entry.serviceName !== undefined) expect(entry.serviceName).toMatch(/^[A-Za-z0-9][A-Za-z0-9.-]*$/);
    }
    if (expected.file === 'fleet.yaml') expect(fleet.policy.suspend.reason).not.toBe('');
  });
});
