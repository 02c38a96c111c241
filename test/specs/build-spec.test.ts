import { createHash } from 'node:crypto';
import { symlinkSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildServerSpec } from '../../src/specs/build-spec.js';
import { parseFleetFile } from '../../src/specs/parse-file.js';
import { createRepoFiles } from '../../src/specs/repo-files.js';
import { makeOutsideDir, makeRepo, removeRepos, spec } from './temp-repo.js';

afterAll(removeRepos);

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

function build(text: string, files: Record<string, string | Uint8Array> = {}, root = makeRepo(files)) {
  const parsed = parseFleetFile('servers/a.yaml', utf8(text));
  return buildServerSpec(parsed, createRepoFiles(root));
}

describe('buildServerSpec: references', () => {
  it.each([
    [
      'missing file',
      '{file: scripts/nope.sh}',
      {},
      'ref-missing',
      'customizations.postInstallationScript: file scripts/nope.sh does not exist',
    ],
    ['parent escape', '{file: ../secret}', {}, 'ref-outside-repo', undefined],
    ['sneaky parent escape', '{file: scripts/../../secret}', {}, 'ref-outside-repo', undefined],
    ['absolute path', '{file: /etc/passwd}', {}, 'ref-outside-repo', undefined],
    ['directory', '{file: scripts}', { 'scripts/x.sh': 'x' }, 'ref-not-file', undefined],
    [
      'too large for base64',
      '{file: scripts/big.sh}',
      { 'scripts/big.sh': 'x'.repeat(25 * 1024) },
      'ref-too-large',
      undefined,
    ],
    [
      'over the read limit',
      '{file: scripts/big.sh}',
      { 'scripts/big.sh': 'x'.repeat(33 * 1024) },
      'ref-too-large',
      undefined,
    ],
    [
      'not UTF-8',
      '{file: scripts/bin}',
      { 'scripts/bin': new Uint8Array([0xc3, 0x28]) },
      'ref-not-utf8',
      undefined,
    ],
    ['file and env', '{file: scripts/x.sh, env: X}', { 'scripts/x.sh': 'x' }, 'ref-invalid', undefined],
    ['extra key', '{file: scripts/x.sh, mode: raw}', { 'scripts/x.sh': 'x' }, 'ref-invalid', undefined],
    ['empty path', '{file: ""}', {}, 'ref-invalid', undefined],
    ['non-string path', '{file: 12}', {}, 'ref-invalid', undefined],
    ['bad env name', '{env: 1TOKEN}', {}, 'env-name-invalid', undefined],
    ['env name with dash', '{env: MY-TOKEN}', {}, 'env-name-invalid', undefined],
  ])('%s is refused', (_name, ref, files, code, message) => {
    const result = build(spec('ns1.eu', `customizations:\n  postInstallationScript: ${ref}\n`), files);

    expect(result.spec).toBeUndefined();
    expect(result.serviceName).toBe('ns1.eu');
    expect(result.diagnostics).toEqual([
      expect.objectContaining({ code, line: 6, file: 'servers/a.yaml', ...(message ? { message } : {}) }),
    ]);
  });

  it('accepts 32 KiB for a field sent as text but only 24 KiB for a base64 one', () => {
    const files = { 'scripts/k.txt': 'x'.repeat(30 * 1024) };

    const asText = build(spec('ns1.eu', 'customizations:\n  sshKey: {file: scripts/k.txt}\n'), files);
    const asBase64 = build(
      spec('ns1.eu', 'customizations:\n  configDriveUserData: {file: scripts/k.txt}\n'),
      files,
    );

    expect(asText.diagnostics).toEqual([]);
    expect(asBase64.diagnostics.map((d) => d.code)).toEqual(['ref-too-large']);
  });

  it('reads a file reference, keeps the path as written and hashes the content', () => {
    const result = build(
      spec('ns1.eu', 'customizations:\n  postInstallationScript: {file: ./scripts/b.sh}\n'),
      {
        'scripts/b.sh': 'echo hi\n',
      },
    );

    expect(result.spec?.customizations.postInstallationScript).toEqual({
      kind: 'file',
      path: './scripts/b.sh',
      content: 'echo hi\n',
      sha256: createHash('sha256').update('echo hi\n').digest('hex'),
    });
    expect(result.references).toEqual(['scripts/b.sh']);
  });

  it('refuses a symbolic link, whether it leads outside the repository or stays inside', () => {
    const outside = makeOutsideDir({ 'secret.txt': 'top secret' });
    const root = makeRepo({ 'scripts/real.sh': 'echo in\n' });
    symlinkSync(path.join(outside, 'secret.txt'), path.join(root, 'scripts/out.sh'));
    symlinkSync(path.join(root, 'scripts/real.sh'), path.join(root, 'scripts/in.sh'));

    const escaping = build(spec('ns1.eu', 'customizations:\n  sshKey: {file: scripts/out.sh}\n'), {}, root);
    const inside = build(spec('ns1.eu', 'customizations:\n  sshKey: {file: scripts/in.sh}\n'), {}, root);

    expect(escaping.diagnostics.map((d) => d.code)).toEqual(['symlink-refused']);
    expect(inside.diagnostics.map((d) => d.code)).toEqual(['symlink-refused']);
  });

  it('resolves references inside keyValue maps such as httpHeaders', () => {
    const result = build(
      spec(
        'ns1.eu',
        'customizations:\n  httpHeaders: {Authorization: {env: FLEET_SECRET_IMAGE_TOKEN}, X-Id: "7", Bad: {env: "a b"}}\n',
      ),
    );

    expect(result.diagnostics).toEqual([
      expect.objectContaining({
        code: 'env-name-invalid',
        message: 'customizations.httpHeaders.Bad: "a b" is not a valid environment variable name',
      }),
    ]);
  });
});

describe('buildServerSpec: structure', () => {
  it('defaults reinstall to generation 0, protect false, and labels to {}', () => {
    const result = build(spec());

    expect(result.spec).toMatchObject({
      reinstall: { generation: 0, protect: false },
      labels: {},
      customizations: {},
      storage: undefined,
    });
  });

  it.each([
    ['missing serviceName', 'apiVersion: ovh-fleet/v1\noperatingSystem: x\n', 'spec-structure', 1, 1],
    ['numeric operatingSystem', 'serviceName: a\noperatingSystem: 12\n', 'spec-structure', 2, 18],
    ['negative generation', spec('a', 'reinstall: {generation: -1}\n'), 'spec-structure', 5, 25],
    ['string protect', spec('a', 'reinstall: {protect: "yes"}\n'), 'spec-structure', 5, 22],
    ['labels as a list', spec('a', 'labels: [a, b]\n'), 'spec-structure', 5, 9],
    ['storage as a mapping', spec('a', 'storage: {diskGroupId: 1}\n'), 'spec-structure', 5, 10],
    ['customization as a list', spec('a', 'customizations:\n  sshKey: [a]\n'), 'spec-structure', 6, 11],
    ['null customization', spec('a', 'customizations:\n  sshKey:\n'), 'spec-structure', 6, 3],
  ])('%s is a %s diagnostic at %i:%i and no spec', (_name, text, code, line, column) => {
    const result = build(text);

    expect(result.spec).toBeUndefined();
    expect(result.diagnostics).toContainEqual(expect.objectContaining({ code, line, column }));
  });

  it('never throws on data no schema checked', () => {
    for (const data of [null, 1, 'x', [], { serviceName: {} }, { customizations: { a: { b: { c: 1 } } } }]) {
      const parsed = { ...parseFleetFile('servers/a.yaml', utf8('a: 1\n')), data };

      expect(() => buildServerSpec(parsed, createRepoFiles(makeRepo({})))).not.toThrow();
    }
  });

  it('computes positions on first read', () => {
    const result = build(spec('ns1.eu', 'customizations:\n  hostname: h\n'));

    expect(result.spec?.positions['/operatingSystem']).toEqual({
      file: 'servers/a.yaml',
      line: 4,
      column: 18,
    });
    expect(result.spec?.positions['/customizations/hostname']).toEqual({
      file: 'servers/a.yaml',
      line: 6,
      column: 13,
    });
  });
});
