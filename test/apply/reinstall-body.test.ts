import { describe, expect, it } from 'vitest';
import { buildReinstallBody } from '../../src/apply/reinstall-body.js';
import type { CustomizationValue, EnvRef } from '../../src/specs/types.js';
import { makeSpec } from './helpers.js';

const file = (content: string): CustomizationValue => ({
  kind: 'file',
  path: 'scripts/x',
  content,
  sha256: 'x',
});
const env = (name: string): EnvRef => ({ kind: 'env', name });
const literal = (value: Extract<CustomizationValue, { kind: 'literal' }>['value']): CustomizationValue => ({
  kind: 'literal',
  value,
});

describe('buildReinstallBody', () => {
  it.each([
    ['a literal string', 'hostname', literal('web-1.example.com'), 'web-1.example.com'],
    ['a literal boolean', 'enableLacpBonding', literal(true), true],
    [
      'a script file, base64',
      'postInstallationScript',
      file('#!/bin/sh\necho hi\n'),
      Buffer.from('#!/bin/sh\necho hi\n').toString('base64'),
    ],
    [
      'user data, base64',
      'configDriveUserData',
      file('#cloud-config\n'),
      Buffer.from('#cloud-config\n').toString('base64'),
    ],
    ['another file as text', 'sshKey', file('ssh-ed25519 AAAA ops'), 'ssh-ed25519 AAAA ops'],
    [
      'a secret from the environment',
      'imageURL',
      env('FLEET_SECRET_IMAGE_URL'),
      'https://img.example/x.qcow2',
    ],
    [
      'a keyValue map with a secret',
      'httpHeaders',
      literal({ Authorization: env('FLEET_SECRET_IMAGE_TOKEN'), 'X-Plain': 'v' }),
      { Authorization: 'Bearer s3cret', 'X-Plain': 'v' },
    ],
  ])('sends %s as OVHcloud expects', (_name, key, value, expected) => {
    const spec = makeSpec('ns1.ip-1-1-1.eu', 'debian12_64', { customizations: { [key]: value } });

    const result = buildReinstallBody(spec, {
      FLEET_SECRET_IMAGE_URL: 'https://img.example/x.qcow2',
      FLEET_SECRET_IMAGE_TOKEN: 'Bearer s3cret',
    });

    expect(result).toEqual({
      ok: true,
      body: { operatingSystem: 'debian12_64', customizations: { [key]: expected } },
    });
  });

  it('keeps storage exactly as written and omits empty customizations', () => {
    const storage = [
      {
        diskGroupId: 1,
        partitioning: {
          layout: [{ mountPoint: '/', fileSystem: 'ext4' as const, raidLevel: 1 as const, size: 0 }],
        },
      },
    ];
    const spec = makeSpec('ns1.ip-1-1-1.eu', 'debian12_64', { customizations: {}, storage });

    const result = buildReinstallBody(spec, {});

    expect(result).toEqual({ ok: true, body: { operatingSystem: 'debian12_64', storage } });
  });

  it.each([[undefined], ['']])(
    'blocks the server when a secret is %j, naming the variables but no value',
    (value) => {
      const spec = makeSpec('ns1.ip-1-1-1.eu', 'debian12_64', {
        customizations: {
          httpHeaders: literal({ Authorization: env('FLEET_SECRET_IMAGE_TOKEN') }),
          imageURL: env('FLEET_SECRET_IMAGE_URL'),
        },
      });

      const result = buildReinstallBody(spec, {
        FLEET_SECRET_IMAGE_TOKEN: value,
        FLEET_SECRET_IMAGE_URL: 'https://secret.example/abc',
      });

      expect(result.ok).toBe(false);
      if (result.ok) return;
      expect(result.code).toBe('secret-missing');
      expect(result.missing).toEqual(['FLEET_SECRET_IMAGE_TOKEN']);
      expect(JSON.stringify(result)).not.toContain('secret.example');
    },
  );
});
