/**
 * `rollout.maxFailures` (the circuit breaker) cannot be disabled: 0 is refused at its file, line
 * and field by the schema editors use and by the policy builder, and a policy that carries 0
 * anyway (built in code) opens the breaker at the first failure, never "no breaker".
 */
import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { RolloutGate } from '../../src/apply/rollout-gate.js';
import { systemClock } from '../../src/core/clock.js';
import { fleetHold } from '../../src/plan/policy/rollout.js';
import { buildPolicy } from '../../src/specs/build-policy.js';
import { parseFleetFile } from '../../src/specs/parse-file.js';
import { DEFAULT_POLICY, type FleetPolicy } from '../../src/specs/types.js';
import { createFileValidator } from '../../src/validate/file-validator.js';
import { generateSchemas } from '../../src/validate/generate-schemas.js';
import { fixtureCatalog, FIXTURE_META } from '../validate/helpers.js';

const TEXT = 'apiVersion: ovh-fleet/v1\nkind: Fleet\nrollout:\n  maxFailures: 0\n';
const parsed = () => parseFleetFile('fleet.yaml', new TextEncoder().encode(TEXT));
const withFailures = (maxFailures: number): FleetPolicy => ({
  ...DEFAULT_POLICY,
  rollout: { ...DEFAULT_POLICY.rollout, maxFailures },
});
const state = (failures: number) => ({
  inFlight: 0,
  inFlightLabels: [],
  recentStarts: [],
  failures,
  windows: { open: true, nextOpening: null, problems: [] },
});

describe('rollout.maxFailures: 0', () => {
  it('is refused by the policy builder at fleet.yaml:4, and the fleet is suspended', () => {
    const { policy, diagnostics } = buildPolicy(parsed());

    expect(diagnostics.map((d) => `${d.file}:${d.line}:${d.column} ${d.code} ${d.message}`)).toEqual([
      'fleet.yaml:4:16 policy-invalid rollout.maxFailures must be a whole number, 1 or more',
    ]);
    expect(policy.suspend.reason).not.toBe('');
  });

  it('is refused by the generated fleet schema (what validate and editors check)', () => {
    const validate = createFileValidator(generateSchemas(fixtureCatalog(), FIXTURE_META));

    expect(validate(parsed()).map((d) => `${d.code} ${d.line}:${d.column}`)).toEqual(['schema-range 4:16']);
  });

  it.each(['schemas/fleet.schema.json', 'fleet/schemas/fleet.schema.json'])(
    'is refused by the committed %s',
    (file) => {
      const ajv = new Ajv2020({ strict: false });
      const schema = JSON.parse(readFileSync(file, 'utf8')) as object;
      const check = ajv.compile(schema);
      const valid = (n: number) =>
        check({ apiVersion: 'ovh-fleet/v1', kind: 'Fleet', rollout: { maxFailures: n } });

      expect([valid(0), valid(1)]).toEqual([false, true]);
    },
  );

  it('in a policy built in code, opens the breaker at the first failure (planner and executor)', () => {
    const policy = withFailures(0);
    const gate = new RolloutGate(policy, systemClock, undefined, [], false);

    expect(fleetHold(policy, state(0), 0)).toBeNull();
    expect(fleetHold(policy, state(1), 0)?.reason).toBe('circuit-open');
    expect(gate.circuitOpen).toBe(false);
    gate.recordFailure();
    expect(gate.circuitOpen).toBe(true);
  });
});
