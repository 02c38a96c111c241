import { rmSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_POLICY } from '../../src/specs/types.js';
import { ReadCache } from '../../src/specs/read-cache.js';
import { readFleet } from '../../src/specs/read-fleet.js';
import { makeRepo, removeRepos, spec } from './temp-repo.js';

afterAll(removeRepos);

const REF = 'customizations:\n  postInstallationScript: {file: scripts/s.sh}\n';

function repo(): string {
  return makeRepo({
    'fleet.yaml': 'apiVersion: ovh-fleet/v1\nkind: Fleet\nrollout: {maxConcurrent: 3}\n',
    'scripts/s.sh': 'one\n',
    'servers/a.yaml': spec('a.eu', REF),
    'servers/b.yaml': spec('b.eu'),
    'servers/c.yaml': 'serviceName: [broken\n',
  });
}

const later = (file: string): void => utimesSync(file, new Date(), new Date(Date.now() + 5000));

describe('readFleet reuses the previous whole read only when nothing changed', () => {
  it('gives the same result for unchanged files, as a copy the caller may change', async () => {
    const root = repo();
    const cache = new ReadCache();
    const first = await readFleet(root, { cache });
    first.diagnostics.push({
      file: 'x',
      line: 1,
      column: 1,
      severity: 'error',
      code: 'yaml-syntax',
      message: 'x',
    });
    first.policy.rollout.maxConcurrent = 99;

    const again = await readFleet(root, { cache });

    expect(again.diagnostics.map((d) => d.file)).toEqual(['servers/c.yaml']);
    expect(again.policy.rollout.maxConcurrent).toBe(3);
    expect(again.specs.map((s) => s.serviceName)).toEqual(['a.eu', 'b.eu']);
  });

  it.each([
    [
      'a referenced file changes',
      (root: string) => {
        writeFileSync(path.join(root, 'scripts/s.sh'), 'two\n');
        later(path.join(root, 'scripts/s.sh'));
      },
      (fleet: Awaited<ReturnType<typeof readFleet>>) => {
        expect(fleet.specs[0]!.customizations.postInstallationScript).toMatchObject({ content: 'two\n' });
      },
    ],
    [
      'a spec is deleted',
      (root: string) => {
        rmSync(path.join(root, 'servers/b.yaml'));
      },
      (fleet: Awaited<ReturnType<typeof readFleet>>) => {
        expect(fleet.specs.map((s) => s.serviceName)).toEqual(['a.eu']);
      },
    ],
    [
      'fleet.yaml is deleted',
      (root: string) => {
        rmSync(path.join(root, 'fleet.yaml'));
      },
      (fleet: Awaited<ReturnType<typeof readFleet>>) => {
        expect(fleet.policy).toEqual(DEFAULT_POLICY);
      },
    ],
    [
      'a broken spec is repaired',
      (root: string) => {
        writeFileSync(path.join(root, 'servers/c.yaml'), spec('c.eu'));
        later(path.join(root, 'servers/c.yaml'));
      },
      (fleet: Awaited<ReturnType<typeof readFleet>>) => {
        expect(fleet.diagnostics).toEqual([]);
        expect(fleet.specs.map((s) => s.serviceName)).toEqual(['a.eu', 'b.eu', 'c.eu']);
      },
    ],
  ])('reads again when %s', async (_name, change, check) => {
    const root = repo();
    const cache = new ReadCache();
    await readFleet(root, { cache });
    await readFleet(root, { cache });

    change(root);
    const fleet = await readFleet(root, { cache });

    check(fleet);
  });

  it('does not reuse a read made with another validator', async () => {
    const root = repo();
    const cache = new ReadCache();
    await readFleet(root, { cache });

    const fleet = await readFleet(root, {
      cache,
      validate: (parsed) =>
        parsed.file === 'servers/b.yaml'
          ? [{ file: parsed.file, line: 1, column: 1, severity: 'error', code: 'schema-type', message: 'no' }]
          : [],
    });

    expect(fleet.specs.map((s) => s.serviceName)).toEqual(['a.eu']);
  });
});
