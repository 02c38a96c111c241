import { describe, expect, it } from 'vitest';
import { createFileValidator } from '../../src/validate/file-validator.js';
import { generateSchemas } from '../../src/validate/generate-schemas.js';
import { allTypesTemplate, fixtureCatalog, FIXTURE_META } from './helpers.js';
import { parsed } from './parse.js';

const catalog = fixtureCatalog();
const t = allTypesTemplate();
const validate = createFileValidator(
  generateSchemas({ infos: catalog.infos, templates: [...catalog.templates, t] }, FIXTURE_META),
);
const ED25519 = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl';

function check(name: string, yamlValue: string): string[] {
  const text = `apiVersion: ovh-fleet/v1\nkind: Server\nserviceName: ns1.ip-1-2-3.eu\noperatingSystem: alltypes_64\ncustomizations:\n  ${name}: ${yamlValue}\n`;
  return validate(parsed(text)).map((d) => d.code);
}

describe('every input type maps to its JSON type and format', () => {
  it.each([
    ['boolean', 'true'],
    ['boolean', 'false'],
    ['number', '42'],
    ['number', '1.5'],
    ['enum', 'a'],
    ['hostname', 'web-1.example.com'],
    ['hostname', 'a'],
    ['hostname', `${'a'.repeat(63)}.example.com`],
    ['sshPubKey', ED25519],
    ['sshPubKey', `"${ED25519} ops@example"`],
    ['sshPubKey', 'ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQ== me'],
    ['sshPubKey', 'ecdsa-sha2-nistp384 AAAAE2VjZHNh'],
    ['sshPubKey', 'sk-ssh-ed25519@openssh.com AAAAGnNr'],
    ['email', 'ops@example.com'],
    ['ip', '192.0.2.10'],
    ['ip', '2001:db8::1'],
    ['url', 'https://images.example.com/debian.qcow2'],
    ['uuid', '123e4567-e89b-12d3-a456-426614174000'],
    ['date', '2026-11-27'],
    ['time', '02:30'],
    ['time', '23:59:59'],
    ['hexstring', 'deadBEEF00'],
    ['keyValue', '{Authorization: "Bearer x", X-Token: {env: IMAGE_TOKEN}}'],
    ['string', 'anything at all'],
    ['text', '{file: scripts/bootstrap.sh}'],
    ['hostname', '{env: HOSTNAME_SECRET}'],
    ['sshPubKey', '{file: keys/ops.pub}'],
  ])('%s accepts %s', (name, value) => {
    expect(check(name, value)).toEqual([]);
  });

  it.each([
    ['boolean', '"true"', 'schema-type'],
    ['boolean', '1', 'schema-type'],
    ['boolean', '{env: FLAG}', 'schema-type'],
    ['number', '"42"', 'schema-type'],
    ['enum', 'c', 'schema-enum'],
    ['enum', '{env: X}', 'schema-type'],
    ['hostname', 'web_1', 'schema-format'],
    ['hostname', '1web.example.com', 'schema-format'],
    ['hostname', 'web-.example.com', 'schema-format'],
    ['hostname', `${'a'.repeat(64)}.example.com`, 'schema-format'],
    ['hostname', `${'abcdefghi.'.repeat(26)}com`, 'schema-format'],
    ['hostname', '42', 'schema-type'],
    ['sshPubKey', 'ssh-dss AAAAB3NzaC1kc3M=', 'schema-format'],
    ['sshPubKey', 'ssh-ed25519', 'schema-format'],
    ['sshPubKey', 'ssh-ed25519 not*base64', 'schema-format'],
    ['email', 'not-an-email', 'schema-format'],
    ['ip', '300.1.1.1', 'schema-format'],
    ['url', 'not a url', 'schema-format'],
    ['url', 'example.com/x', 'schema-format'],
    ['uuid', 'not-a-uuid', 'schema-format'],
    ['uuid', '123', 'schema-type'],
    ['date', '2026-13-01', 'schema-format'],
    ['time', '24:00', 'schema-format'],
    ['hexstring', 'xyz', 'schema-format'],
    ['hexstring', 'abc', 'schema-format'],
    ['keyValue', '"a=b"', 'schema-type'],
    ['keyValue', '{a: 1}', 'schema-type'],
    ['keyValue', '{a: {env: X, file: y}}', 'schema-reference'],
    ['text', '{file: a, env: B}', 'schema-reference'],
    ['text', '{path: a}', 'schema-reference'],
    ['text', '{env: "1BAD"}', 'schema-reference'],
    ['string', '42', 'schema-type'],
    ['notAnInput', 'x', 'schema-unknown-field'],
  ])('%s refuses %s with %s', (name, value, code) => {
    expect(check(name, value)).toEqual([code]);
  });
});

describe('mandatory inputs', () => {
  const win = (custom: string): string[] =>
    validate(
      parsed(
        `apiVersion: ovh-fleet/v1\nkind: Server\nserviceName: ns1.ip-1-2-3.eu\noperatingSystem: win2025core-std_64\n${custom}`,
      ),
    ).map((d) => `${d.code} ${d.message}`);

  it('requires a mandatory input without default, naming it', () => {
    expect(win('customizations: {hostname: srv1}\n')).toEqual([
      'schema-required customizations.language: required field is missing (a mandatory input of win2025core-std_64 without default)',
    ]);
  });

  it('requires customizations altogether when a mandatory input has no default', () => {
    expect(win('')).toEqual(['schema-required customizations: required field is missing']);
  });

  it('does not require a mandatory input that has a default', () => {
    expect(win('customizations: {language: fr-fr}\n')).toEqual([]);
  });
});
