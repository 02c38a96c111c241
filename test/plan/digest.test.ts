import { describe, expect, it } from 'vitest';
import { specDigest } from '../../src/plan/digest.js';
import { spec } from './helpers.js';

const base = spec('ns1.eu', {
  customizations: {
    hostname: { kind: 'literal', value: 'a' },
    sshKey: { kind: 'literal', value: 'ssh-ed25519 AAAA' },
    postInstallationScript: { kind: 'file', path: 'scripts/a.sh', content: 'echo', sha256: 'a'.repeat(64) },
    httpHeaders: { kind: 'literal', value: { Authorization: { kind: 'env', name: 'TOKEN' } } },
  },
});

describe('specDigest', () => {
  it('has the sha256:<hex> format', () => {
    expect(specDigest(base)).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it.each([
    ['labels', { labels: { role: 'web' } }],
    ['protect', { reinstall: { generation: 1, protect: true } }],
    [
      'file name and positions',
      { file: 'servers/other.yaml', positions: { '/x': { file: 'x', line: 3, column: 1 } } },
    ],
    [
      'customization key order',
      { customizations: Object.fromEntries(Object.entries(base.customizations).reverse()) },
    ],
    [
      'the path of a referenced file',
      {
        customizations: {
          ...base.customizations,
          postInstallationScript: {
            kind: 'file' as const,
            path: 'scripts/b.sh',
            content: 'echo',
            sha256: 'a'.repeat(64),
          },
        },
      },
    ],
  ])('does not change with %s', (_name, over) => {
    expect(specDigest({ ...base, ...over })).toBe(specDigest(base));
  });

  it.each([
    ['operatingSystem', { operatingSystem: 'rocky9_64' }],
    [
      'a literal customization',
      { customizations: { ...base.customizations, hostname: { kind: 'literal' as const, value: 'b' } } },
    ],
    [
      'file content',
      {
        customizations: {
          ...base.customizations,
          postInstallationScript: {
            kind: 'file' as const,
            path: 'scripts/a.sh',
            content: 'echo 2',
            sha256: 'b'.repeat(64),
          },
        },
      },
    ],
    [
      'the name of a secret',
      {
        customizations: {
          ...base.customizations,
          httpHeaders: {
            kind: 'literal' as const,
            value: { Authorization: { kind: 'env' as const, name: 'OTHER' } },
          },
        },
      },
    ],
    ['storage', { storage: [{ diskGroupId: 1 }] }],
    ['generation', { reinstall: { generation: 2, protect: false } }],
  ])('changes with %s', (_name, over) => {
    expect(specDigest({ ...base, ...over })).not.toBe(specDigest(base));
  });
});
