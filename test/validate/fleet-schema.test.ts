import { describe, expect, it } from 'vitest';
import { createFileValidator } from '../../src/validate/file-validator.js';
import { generateSchemas } from '../../src/validate/generate-schemas.js';
import { fixtureCatalog, FIXTURE_META } from './helpers.js';
import { parsed } from './parse.js';

const validate = createFileValidator(generateSchemas(fixtureCatalog(), FIXTURE_META));
const HEAD = 'apiVersion: ovh-fleet/v1\nkind: Fleet\n';
const HASH = `sha256:${'ab'.repeat(32)}`;

describe('fleet.schema.json', () => {
  it('accepts the DESIGN.md example with an acknowledgement', () => {
    const text = `${HEAD}rollout:\n  maxConcurrent: 2\n  maxConcurrentPerLabel: {rack: 1}\n  maxPerHour: 10\n  maxFailures: 2\n  maxFleetFraction: 0.25\n  windows:\n    - {cron: "0 2 * * 6", duration: 4h, timezone: Europe/Paris}\ndrift: report\nsuspend: {reason: "", until: null}\napi:\n  requestsPerMinute: 60\nacknowledge:\n  massReinstall: ["${HASH}"]\n`;

    expect(validate(parsed(text, 'fleet.yaml'))).toEqual([]);
  });

  it.each([
    ['drift: always\n', 'schema-enum 3:8'],
    ['rollout: {maxConcurrent: 0}\n', 'schema-range 3:26'],
    ['rollout: {maxFleetFraction: 1.5}\n', 'schema-range 3:29'],
    ['rollout:\n  windows: [{cron: "0 2 * *", duration: 4h}]\n', 'schema-format 4:20'],
    ['rollout:\n  windows: [{cron: "0 2 * * 6", duration: 4 hours}]\n', 'schema-format 4:43'],
    ['suspend: {until: tomorrow}\n', 'schema-type 3:18'],
    ['acknowledge: {massReinstall: ["sha256:xyz"]}\n', 'schema-format 3:31'],
    ['rolout: {}\n', 'schema-unknown-field 3:1'],
  ])('refuses %s', (extra, expected) => {
    expect(
      validate(parsed(`${HEAD}${extra}`, 'fleet.yaml')).map((d) => `${d.code} ${d.line}:${d.column}`),
    ).toEqual([expected]);
  });
});
