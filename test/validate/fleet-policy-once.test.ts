import { afterAll, describe, expect, it } from 'vitest';
import { readFleet } from '../../src/specs/read-fleet.js';
import { INVALID_POLICY_REASON } from '../../src/specs/build-policy.js';
import { createFileValidator } from '../../src/validate/file-validator.js';
import { generateSchemas } from '../../src/validate/generate-schemas.js';
import { makeRepo, removeRepos } from '../specs/temp-repo.js';
import { fixtureCatalog, FIXTURE_META } from './helpers.js';

const validate = createFileValidator(generateSchemas(fixtureCatalog(), FIXTURE_META));
const HEAD = 'apiVersion: ovh-fleet/v1\nkind: Fleet\n';

afterAll(removeRepos);

describe('an invalid value of fleet.yaml is reported once', () => {
  it.each([
    ['drift: sometimes\n', ['schema-enum 3:8']],
    ['rollout: {maxConcurrent: 0}\n', ['schema-range 3:26']],
    ['extra: 1\n', ['schema-unknown-field 3:1']],
    ['suspend: {until: tomorrow}\n', ['schema-type 3:18']],
    // The schema does not know time zones: buildPolicy's own diagnostic stays.
    [
      'rollout:\n  windows: [{cron: "0 2 * * 6", duration: 4h, timezone: Mars/Base}]\n',
      ['policy-invalid-timezone 4:57'],
    ],
  ])('%s → the schema diagnostic only, policy suspended', async (extra, expected) => {
    const root = makeRepo({ 'fleet.yaml': `${HEAD}${extra}` });

    const fleet = await readFleet(root, { validate });

    expect(fleet.diagnostics.map((d) => `${d.code} ${d.line}:${d.column}`)).toEqual(expected);
    expect(fleet.policy.suspend.reason).toBe(INVALID_POLICY_REASON);
  });

  it('keeps buildPolicy diagnostics when no validator runs', async () => {
    const root = makeRepo({ 'fleet.yaml': `${HEAD}drift: sometimes\n` });

    const fleet = await readFleet(root);

    expect(fleet.diagnostics.map((d) => `${d.code} ${d.line}:${d.column}`)).toEqual(['policy-invalid 3:8']);
    expect(fleet.policy.suspend.reason).toBe(INVALID_POLICY_REASON);
  });

  it('falls back to safe defaults (suspended) when fleet.yaml does not parse', async () => {
    const root = makeRepo({ 'fleet.yaml': `${HEAD}drift: [report\n` });

    const fleet = await readFleet(root, { validate });

    expect(fleet.diagnostics.length).toBeGreaterThan(0);
    expect(fleet.policy.suspend.reason).toBe(INVALID_POLICY_REASON);
    expect(fleet.policy.rollout.maxConcurrent).toBe(2);
  });
});
