/**
 * fleet.yaml `verify`: read with defaults, schema-checked, and every bad field reported at its
 * line with a sentence naming it; an invalid section suspends reinstalls like any bad field.
 */
import { describe, expect, it } from 'vitest';
import { buildPolicy, INVALID_POLICY_REASON } from '../../src/specs/build-policy.js';
import { parseFleetFile } from '../../src/specs/parse-file.js';
import { createFileValidator } from '../../src/validate/file-validator.js';
import { generateSchemas } from '../../src/validate/generate-schemas.js';
import { verifySettingsFor } from '../../src/verify/settings-for.js';
import { fixtureCatalog, FIXTURE_META } from '../validate/helpers.js';
import { parsed } from '../validate/parse.js';

const HEAD = 'apiVersion: ovh-fleet/v1\nkind: Fleet\n';
const policyOf = (text: string) =>
  buildPolicy(parseFleetFile('fleet.yaml', new TextEncoder().encode(`${HEAD}${text}`)));
const validate = createFileValidator(generateSchemas(fixtureCatalog(), FIXTURE_META));

const FULL = `verify:
  probes:
    - {name: ssh, type: ssh}
    - {name: web, type: http, url: "http://{address}:8080/health", expectStatus: 204, bodyContains: ok}
    - {name: app, type: command, command: [scripts/check.sh, --quick]}
    - {name: tls, type: tcp, port: 443}
  initialDelay: 0s
  interval: 10s
  timeout: 3s
  successes: 3
  failureLimit: 4
  deadline: 20m
  byLabel:
    - labels: {role: db}
      probes:
        - {name: pg, type: tcp, port: 5432}
      deadline: 1h
`;

describe('fleet.yaml verify', () => {
  it('is absent by default: no verification', () => {
    const { policy, diagnostics } = policyOf('');

    expect(diagnostics).toEqual([]);
    expect(policy.verify).toBeUndefined();
    expect(verifySettingsFor(policy.verify, { role: 'db' })).toBeUndefined();
  });

  it('reads every field and applies the defaults', () => {
    const { policy, diagnostics } = policyOf(FULL);

    expect(diagnostics).toEqual([]);
    expect(validate(parsed(`${HEAD}${FULL}`, 'fleet.yaml'))).toEqual([]);
    const fleet = {
      probes: [
        { name: 'ssh', type: 'ssh', port: 22 },
        {
          name: 'web',
          type: 'http',
          url: 'http://{address}:8080/health',
          expectStatus: 204,
          bodyContains: 'ok',
        },
        { name: 'app', type: 'command', command: ['scripts/check.sh', '--quick'] },
        { name: 'tls', type: 'tcp', port: 443 },
      ],
      initialDelayMs: 0,
      intervalMs: 10_000,
      timeoutMs: 3_000,
      successes: 3,
      failureLimit: 4,
      deadlineMs: 1_200_000,
    };
    expect(policy.verify).toEqual({
      settings: fleet,
      byLabel: [
        {
          labels: { role: 'db' },
          settings: { ...fleet, probes: [{ name: 'pg', type: 'tcp', port: 5432 }], deadlineMs: 3_600_000 },
        },
      ],
    });
  });

  it('gives a server the first byLabel entry whose labels all match, else the fleet settings', () => {
    const { policy } = policyOf(FULL);

    expect(verifySettingsFor(policy.verify, { role: 'db', rack: 'a' })?.deadlineMs).toBe(3_600_000);
    expect(verifySettingsFor(policy.verify, { role: 'web' })?.deadlineMs).toBe(1_200_000);
    expect(verifySettingsFor(policy.verify, {})?.probes).toHaveLength(4);
  });

  it('fills the timing defaults: 0s, 15s, 5s, 1, 3, 30m (Kubernetes probe conventions)', () => {
    const { policy, diagnostics } = policyOf('verify:\n  probes: [{name: ssh, type: ssh}]\n');

    expect(diagnostics).toEqual([]);
    expect(policy.verify?.settings).toEqual({
      probes: [{ name: 'ssh', type: 'ssh', port: 22 }],
      initialDelayMs: 0,
      intervalMs: 15_000,
      timeoutMs: 5_000,
      successes: 1,
      failureLimit: 3,
      deadlineMs: 1_800_000,
    });
  });

  it.each([
    ['verify: {}\n', 'policy-invalid', 3, 'verify.probes is required'],
    ['verify:\n  probes: []\n', 'policy-invalid', 4, 'verify.probes must be a list of 1 to 16 probes'],
    [
      'verify:\n  probes: [{name: a, type: ping}]\n',
      'policy-invalid',
      4,
      'verify.probes[0].type must be one of',
    ],
    [
      'verify:\n  probes: [{name: a, type: tcp}]\n',
      'policy-invalid',
      4,
      'verify.probes[0].port must be a port',
    ],
    [
      'verify:\n  probes: [{name: a, type: tcp, port: 22, url: "http://x"}]\n',
      'policy-unknown-key',
      4,
      'verify.probes[0].url is not a known key of a tcp probe',
    ],
    [
      'verify:\n  probes: [{name: a, type: ssh}, {name: a, type: tcp, port: 1}]\n',
      'policy-invalid',
      4,
      'two probes are named a',
    ],
    [
      'verify:\n  probes: [{name: w, type: http, url: "https://{address}/"}]\n',
      'policy-invalid',
      4,
      'must start with http://',
    ],
    [
      'verify:\n  probes: [{name: w, type: http, url: "http://{ip}/"}]\n',
      'policy-invalid',
      4,
      '{ip} is not a placeholder',
    ],
    [
      'verify:\n  probes: [{name: w, type: http, url: "http://u:p@{address}/"}]\n',
      'policy-invalid',
      4,
      'must not carry credentials',
    ],
    [
      'verify:\n  probes: [{name: c, type: command, command: [../x.sh]}]\n',
      'policy-invalid',
      4,
      'must be a path inside the fleet repository',
    ],
    [
      'verify:\n  probes: [{name: c, type: command, command: [/bin/sh]}]\n',
      'policy-invalid',
      4,
      'must be a path inside the fleet repository',
    ],
    [
      'verify:\n  probes: [{name: s, type: ssh}]\n  interval: 1 minute\n',
      'policy-invalid-duration',
      5,
      'verify.interval: "1 minute" is not a duration',
    ],
    ['verify:\n  probes: [{name: s, type: ssh}]\n  interval: 0s\n', 'policy-invalid-duration', 5, 'above 0'],
    [
      'verify:\n  probes: [{name: s, type: ssh}]\n  timeout: 20s\n',
      'policy-invalid',
      5,
      'verify.timeout must not be longer than verify.interval',
    ],
    [
      'verify:\n  probes: [{name: s, type: ssh}]\n  deadline: 20s\n  successes: 3\n',
      'policy-invalid',
      5,
      'verify.deadline must leave room for 3 passing round(s)',
    ],
    [
      'verify:\n  probes: [{name: s, type: ssh}]\n  successes: 0\n',
      'policy-invalid',
      5,
      'verify.successes must be a whole number from 1 to 100',
    ],
    [
      'verify:\n  probes: [{name: s, type: ssh}]\n  retries: 3\n',
      'policy-unknown-key',
      5,
      'verify.retries is not a known key',
    ],
    [
      'verify:\n  probes: [{name: s, type: ssh}]\n  byLabel: [{probes: [{name: s, type: ssh}]}]\n',
      'policy-invalid',
      5,
      'verify.byLabel[0].labels must map label names',
    ],
  ])('%j: %s at line %i', (text, code, line, message) => {
    const { policy, diagnostics } = policyOf(text);

    expect(diagnostics.map((d) => [d.file, d.code, d.line])).toContainEqual(['fleet.yaml', code, line]);
    expect(diagnostics.map((d) => d.message).join('\n')).toContain(message);
    expect(policy.suspend.reason).toBe(INVALID_POLICY_REASON);
  });

  it.each([
    ['verify:\n  probes: [{type: tcp, port: 1}]\n', 'schema-required'],
    ['verify:\n  probes: [{name: s, type: ssh, port: 70000}]\n', 'schema-range'],
    ['verify:\n  probes: [{name: s, type: ssh}]\n  interval: 15 s\n', 'schema-format'],
    ['verify:\n  probes: [{name: s, type: ssh, shell: true}]\n', 'schema-unknown-field'],
  ])('the schema refuses %j (%s)', (text, code) => {
    expect(validate(parsed(`${HEAD}${text}`, 'fleet.yaml')).map((d) => d.code)).toContain(code);
  });
});

describe('verify.byLabel timings', () => {
  it('reports a bad fleet timing once, not again in each override that sets no timing', () => {
    const { diagnostics } = policyOf(
      'verify:\n  probes: [{name: s, type: ssh}]\n  timeout: 20s\n  byLabel:\n    - {labels: {role: db}}\n    - {labels: {role: web}}\n',
    );

    expect(diagnostics.map((d) => [d.code, d.line])).toEqual([['policy-invalid', 5]]);
  });

  it('checks the timings an override sets against the ones it inherits', () => {
    const { diagnostics } = policyOf(
      'verify:\n  probes: [{name: s, type: ssh}]\n  byLabel:\n    - labels: {role: db}\n      interval: 2s\n',
    );

    expect(diagnostics.map((d) => d.message)).toEqual([
      'verify.byLabel[0].timeout must not be longer than verify.byLabel[0].interval',
    ]);
  });
});
