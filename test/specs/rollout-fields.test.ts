/**
 * The canary and halting fields of fleet.yaml: `rollout.canary`, `rollout.cohortLabel`,
 * `rollout.maxUnhealthy` and `acknowledge.verification`, read by buildPolicy and checked by the
 * generated fleet schema alike; a bad value is reported at its file, line and field, and suspends
 * every reinstall (as any invalid fleet.yaml does).
 */
import { describe, expect, it } from 'vitest';
import { buildPolicy, INVALID_POLICY_REASON } from '../../src/specs/build-policy.js';
import { parseFleetFile } from '../../src/specs/parse-file.js';
import { parseAmount } from '../../src/specs/rollout-fields.js';
import { createFileValidator } from '../../src/validate/file-validator.js';
import { generateSchemas } from '../../src/validate/generate-schemas.js';
import { fixtureCatalog, FIXTURE_META } from '../validate/helpers.js';

const parsed = (text: string) => parseFleetFile('fleet.yaml', new TextEncoder().encode(text));
const policyOf = (text: string) => buildPolicy(parsed(`apiVersion: ovh-fleet/v1\nkind: Fleet\n${text}`));
const validate = createFileValidator(generateSchemas(fixtureCatalog(), FIXTURE_META));
const schemaCodes = (text: string) =>
  validate(parsed(`apiVersion: ovh-fleet/v1\nkind: Fleet\n${text}`)).map((d) => `${d.code} ${d.line}`);

const DIGEST = `sha256:${'a'.repeat(64)}`;

describe('rollout.canary, cohortLabel, maxUnhealthy and acknowledge.verification', () => {
  it.each([
    [1, { count: 1 }],
    [3, { count: 3 }],
    [0.1, { fraction: 0.1 }],
    ['10%', { fraction: 0.1 }],
    ['100%', { fraction: 1 }],
    [0, undefined],
    [1.5, undefined],
    ['0%', undefined],
    ['ten', undefined],
    [true, undefined],
  ])('reads the amount %j as %j', (value, expected) => {
    expect(parseAmount(value)).toEqual(expected);
  });

  it('reads every field', () => {
    const { policy, diagnostics } = policyOf(`rollout:
  canary: 2
  cohortLabel: role
  maxUnhealthy: {cohort: "20%", fleet: 3}
acknowledge:
  verification: ["ns1.eu@${DIGEST}"]
`);

    expect(diagnostics).toEqual([]);
    expect(policy.rollout).toMatchObject({
      canary: { count: 2 },
      cohortLabel: 'role',
      maxUnhealthy: { cohort: { fraction: 0.2 }, fleet: { count: 3 } },
    });
    expect(policy.acknowledgedVerifications).toEqual([`ns1.eu@${DIGEST}`]);
    expect(policy.suspend.reason).toBe('');
  });

  it('takes a single maxUnhealthy for the cohort and the fleet alike', () => {
    expect(policyOf('rollout: {maxUnhealthy: 0.5}\n').policy.rollout.maxUnhealthy).toEqual({
      cohort: { fraction: 0.5 },
      fleet: { fraction: 0.5 },
    });
  });

  it.each([
    ['rollout: {canary: 0}\n', '/rollout/canary', 'rollout.canary must be'],
    ['rollout: {cohortLabel: ""}\n', '/rollout/cohortLabel', 'rollout.cohortLabel must be'],
    [
      'rollout: {maxUnhealthy: {cohort: -1}}\n',
      '/rollout/maxUnhealthy/cohort',
      'rollout.maxUnhealthy.cohort must be',
    ],
    [
      'rollout: {maxUnhealthy: {herd: 1}}\n',
      '/rollout/maxUnhealthy/herd',
      'rollout.maxUnhealthy.herd is not a known key',
    ],
    [
      'acknowledge: {verification: ["ns1.eu"]}\n',
      '/acknowledge/verification',
      'acknowledge.verification must be',
    ],
  ])('refuses %j at its line and suspends reinstalls', (text, _pointer, message) => {
    const { policy, diagnostics } = policyOf(text);

    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]).toMatchObject({ file: 'fleet.yaml', line: 3, severity: 'error' });
    expect(diagnostics[0]?.message).toContain(message);
    expect(policy.suspend.reason).toBe(INVALID_POLICY_REASON);
  });

  it('is checked by the generated fleet schema the same way', () => {
    expect(
      schemaCodes(`rollout: {canary: "5%", cohortLabel: role, maxUnhealthy: {cohort: 1, fleet: 0.1}}\n`),
    ).toEqual([]);
    expect(schemaCodes(`acknowledge: {verification: ["ns1.eu@${DIGEST}"]}\n`)).toEqual([]);
    expect(schemaCodes('rollout: {canary: 1.5}\n')).not.toEqual([]);
    expect(schemaCodes('acknowledge: {verification: ["ns1.eu"]}\n')).not.toEqual([]);
  });
});
