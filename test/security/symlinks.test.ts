/**
 * Issue 11, confirmed failure 4: no symbolic link is followed anywhere in the fleet repository
 * (DESIGN.md §2 "Links"). Real temporary repositories; links to /etc and to folders outside the
 * repository whose files carry a marker that must never reach a spec, a policy or a record.
 */
import { mkdirSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { readApplied } from '../../src/records/read-records.js';
import { buildServerSpec } from '../../src/specs/build-spec.js';
import { parseFleetFile } from '../../src/specs/parse-file.js';
import { readFleet } from '../../src/specs/read-fleet.js';
import { createRepoFiles } from '../../src/specs/repo-files.js';
import { makeOutsideDir, makeRepo, removeRepos, spec } from '../specs/temp-repo.js';

afterAll(removeRepos);

const MARKER = 'outside-marker-5c1e';
const outsideSpec = spec(`${MARKER}.eu`, `customizations:\n  hostname: ${MARKER}\n`);
const RECORD = `serviceName: ${MARKER}.eu\n`;

function codes(diagnostics: readonly { file: string; code: string }[]): string[] {
  return diagnostics.map((d) => `${d.file} ${d.code}`);
}

describe('readFleet follows no link', () => {
  it('refuses a servers/ folder that is a link to a folder outside', async () => {
    const outside = makeOutsideDir({ 'x.yaml': outsideSpec });
    const root = makeRepo({});
    symlinkSync(outside, path.join(root, 'servers'));

    const fleet = await readFleet(root);

    expect(fleet.specs).toEqual([]);
    expect(JSON.stringify(fleet)).not.toContain(MARKER);
    expect(codes(fleet.diagnostics)).toEqual(['servers symlink-refused']);
  });

  it('refuses a sub-folder of servers/ that is a link (to /etc, and to a folder outside)', async () => {
    const outside = makeOutsideDir({ 'x.yaml': outsideSpec });
    const root = makeRepo({ 'servers/a.yaml': spec('a.eu') });
    symlinkSync(outside, path.join(root, 'servers/out'));
    symlinkSync('/etc', path.join(root, 'servers/etc'));

    const fleet = await readFleet(root);

    expect(fleet.specs.map((s) => s.serviceName)).toEqual(['a.eu']);
    expect(JSON.stringify(fleet)).not.toContain(MARKER);
    expect(codes(fleet.diagnostics).sort()).toEqual([
      'servers/etc symlink-refused',
      'servers/out symlink-refused',
    ]);
  });

  it('refuses a server file that is a link, even to a file inside the repository', async () => {
    const root = makeRepo({ 'servers/a.yaml': spec('a.eu'), 'other/b.yaml': spec('b.eu') });
    symlinkSync(path.join(root, 'other/b.yaml'), path.join(root, 'servers/b.yaml'));

    const fleet = await readFleet(root);

    expect(fleet.specs.map((s) => s.serviceName)).toEqual(['a.eu']);
    expect(codes(fleet.diagnostics)).toEqual(['servers/b.yaml symlink-refused']);
  });

  it('refuses a fleet.yaml that is a link: the policy falls back to suspended', async () => {
    const outside = makeOutsideDir({
      'fleet.yaml': `apiVersion: ovh-fleet/v1\nkind: Fleet\nrollout:\n  maxFleetFraction: 1\n# ${MARKER}\n`,
    });
    const root = makeRepo({ 'servers/a.yaml': spec('a.eu') });
    symlinkSync(path.join(outside, 'fleet.yaml'), path.join(root, 'fleet.yaml'));

    const fleet = await readFleet(root);

    expect(codes(fleet.diagnostics)).toEqual(['fleet.yaml symlink-refused']);
    expect(fleet.policy.suspend.reason).not.toBe('');
    expect(fleet.policy.rollout.maxFleetFraction).not.toBe(1);
  });
});

describe('{file:} references follow no link and stay out of status/ and dot-folders', () => {
  function build(root: string, ref: string) {
    const text = spec('ns1.eu', `customizations:\n  postInstallationScript: {file: ${ref}}\n`);
    return buildServerSpec(
      parseFleetFile('servers/a.yaml', new TextEncoder().encode(text)),
      createRepoFiles(root),
    );
  }

  it.each([
    ['a scripts/ folder that links to /etc', 'scripts/passwd', () => '/etc', 'scripts', 'symlink-refused'],
    [
      'a scripts/ folder that links outside',
      'scripts/x.sh',
      () => makeOutsideDir({ 'x.sh': MARKER }),
      'scripts',
      'symlink-refused',
    ],
    [
      'a file that links inside the repository',
      'scripts/in.sh',
      (root: string) => path.join(root, 'files/real.sh'),
      'scripts/in.sh',
      'symlink-refused',
    ],
  ])('refuses %s', (_name, ref, target, linkAt, code) => {
    const root = makeRepo({ 'files/real.sh': 'echo\n' });
    if (linkAt.includes('/')) mkdirSync(path.join(root, path.dirname(linkAt)), { recursive: true });
    symlinkSync(target(root), path.join(root, linkAt));

    const result = build(root, ref);

    expect(result.spec).toBeUndefined();
    expect(result.diagnostics.map((d) => [d.code, d.line])).toEqual([[code, 6]]);
    expect(JSON.stringify(result)).not.toContain(MARKER);
    expect(JSON.stringify(result)).not.toContain('root:');
  });

  it.each([
    'status/ns1.eu.yaml',
    'status/FLEET.md',
    '.git/config',
    '.github/workflows/x.yml',
    'scripts/.hidden',
  ])('refuses %s: a file the daemon writes, or a dot-folder', (ref) => {
    const root = makeRepo({ [ref]: 'x\n' });

    const result = build(root, ref);

    expect(result.diagnostics.map((d) => d.code)).toEqual(['ref-forbidden-path']);
  });

  it('still reads a plain file under scripts/ or files/', () => {
    const root = makeRepo({ 'scripts/a.sh': 'echo a\n', 'files/b.txt': 'b\n' });

    expect(build(root, 'scripts/a.sh').diagnostics).toEqual([]);
    expect(build(root, 'files/b.txt').diagnostics).toEqual([]);
  });
});

describe('status records follow no link', () => {
  it('refuses a status/ folder that is a link to a folder outside', async () => {
    const outside = makeOutsideDir({ [`${MARKER}.eu.yaml`]: RECORD });
    const root = makeRepo({});
    symlinkSync(outside, path.join(root, 'status'));

    const records = await readApplied(root);

    expect(records.applied.size).toBe(0);
    expect(codes(records.diagnostics)).toEqual(['status symlink-refused']);
  });
});

describe('property: a link anywhere on the way to a spec keeps what is outside out', () => {
  it('holds for generated folder depths and link positions', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.stringMatching(/^[a-z]{1,6}$/), { minLength: 0, maxLength: 3 }),
        fc.nat(),
        async (folders, at) => {
          const parts = ['servers', ...folders];
          const linkIndex = at % parts.length;
          if (folders.includes('keep')) return;
          const root = makeRepo(linkIndex > 0 ? { 'servers/keep.yaml': spec('keep.eu') } : {});
          const inside = parts.slice(0, linkIndex);
          const below = parts.slice(linkIndex + 1);
          mkdirSync(path.join(root, ...inside), { recursive: true });
          const outside = makeOutsideDir({ [[...below, 'x.yaml'].join('/')]: outsideSpec });
          symlinkSync(outside, path.join(root, ...parts.slice(0, linkIndex + 1)));
          const fleet = await readFleet(root, { parallel: false });

          expect(JSON.stringify(fleet.specs)).not.toContain(MARKER);
          expect(fleet.diagnostics.some((d) => d.code === 'symlink-refused')).toBe(true);
        },
      ),
      { numRuns: 40 },
    );
  });
});
