/**
 * `{env: NAME}` secrets also come from systemd's credentials directory ($CREDENTIALS_DIRECTORY/NAME,
 * `LoadCredential=NAME:...`), under the same allow-list: docs/spec-format.md, docs/operations.md.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildReinstallBody } from '../../src/apply/reinstall-body.js';
import { parseSecretRule, type SecretRule } from '../../src/core/secret-rule.js';
import { makeSpec } from './helpers.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function credentials(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'ovh-fleet-creds-'));
  dirs.push(dir);
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  return dir;
}

const withSecret = (name: string) =>
  makeSpec('ns1.ip-1-1-1.eu', 'debian12_64', {
    customizations: { httpHeaders: { kind: 'literal', value: { Authorization: { kind: 'env', name } } } },
  });

describe('secrets from $CREDENTIALS_DIRECTORY', () => {
  it('reads FLEET_SECRET_* from the credential file of that name, trailing newline trimmed', () => {
    const dir = credentials({ FLEET_SECRET_IMAGE_TOKEN: 'Bearer from-file\n' });

    const result = buildReinstallBody(withSecret('FLEET_SECRET_IMAGE_TOKEN'), { CREDENTIALS_DIRECTORY: dir });

    expect(result).toMatchObject({
      ok: true,
      body: { customizations: { httpHeaders: { Authorization: 'Bearer from-file' } } },
    });
  });

  it('lets the file win over the variable, and falls back to the variable without a file', () => {
    const dir = credentials({ FLEET_SECRET_A: 'file' });
    const env = { CREDENTIALS_DIRECTORY: dir, FLEET_SECRET_A: 'variable', FLEET_SECRET_B: 'variable-b' };

    expect(buildReinstallBody(withSecret('FLEET_SECRET_A'), env)).toMatchObject({
      body: { customizations: { httpHeaders: { Authorization: 'file' } } },
    });
    expect(buildReinstallBody(withSecret('FLEET_SECRET_B'), env)).toMatchObject({
      body: { customizations: { httpHeaders: { Authorization: 'variable-b' } } },
    });
  });

  it('follows the OVH_FLEET_SECRETS_ALLOW of the environment', () => {
    const dir = credentials({ IMAGE_TOKEN: 'tok' });

    const refused = buildReinstallBody(withSecret('IMAGE_TOKEN'), { CREDENTIALS_DIRECTORY: dir });
    const allowed = buildReinstallBody(withSecret('IMAGE_TOKEN'), {
      CREDENTIALS_DIRECTORY: dir,
      OVH_FLEET_SECRETS_ALLOW: 'IMAGE_TOKEN',
    });

    expect(refused).toMatchObject({ ok: false, code: 'env-not-allowed', missing: ['IMAGE_TOKEN'] });
    expect(allowed).toMatchObject({ ok: true });
  });

  it('never reads an OVHcloud credential file, even under an allow-list that matches it', () => {
    const dir = credentials({ OVH_CONSUMER_KEY: 'ck-secret-value', 'ovh-consumer-key': 'ck-secret-value' });
    const rule = parseSecretRule('OVH_*') as SecretRule;

    const result = buildReinstallBody(withSecret('OVH_CONSUMER_KEY'), { CREDENTIALS_DIRECTORY: dir }, rule);

    expect(result).toMatchObject({ ok: false, code: 'env-not-allowed' });
    expect(JSON.stringify(result)).not.toContain('ck-secret-value');
  });

  it('blocks the server with secret-missing when neither the file nor the variable is set', () => {
    const dir = credentials({});

    const result = buildReinstallBody(withSecret('FLEET_SECRET_X'), { CREDENTIALS_DIRECTORY: dir });

    expect(result).toMatchObject({ ok: false, code: 'secret-missing', missing: ['FLEET_SECRET_X'] });
  });

  it('refuses a credential that is a directory or a FIFO without hanging, naming it only', () => {
    const dir = credentials({});
    mkdirSync(join(dir, 'FLEET_SECRET_D'));
    symlinkSync('/dev/null', join(dir, 'FLEET_SECRET_N'));

    const directory = buildReinstallBody(withSecret('FLEET_SECRET_D'), { CREDENTIALS_DIRECTORY: dir });
    const device = buildReinstallBody(withSecret('FLEET_SECRET_N'), { CREDENTIALS_DIRECTORY: dir });

    expect(directory).toMatchObject({ ok: false, code: 'secret-missing', missing: ['FLEET_SECRET_D'] });
    expect(device).toMatchObject({ ok: false, code: 'secret-missing', missing: ['FLEET_SECRET_N'] });
  });
});
