/** The schema of `fleet.yaml` (DESIGN.md §1.2), independent of the catalog. */
import type { JsonSchema } from './input-schemas.js';
import { verifySchemaBody } from './verify-schema.js';

const positiveInt = { type: 'integer', minimum: 1 };
/** A count (whole number, 1 or more), a fraction (above 0, below 1) or a percentage ("10%"). */
const amount = {
  anyOf: [
    positiveInt,
    { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1 },
    { type: 'string', pattern: '^\\s*[0-9]{1,3}(\\.[0-9]+)?\\s*%\\s*$' },
  ],
};

/** `fleet.schema.json` without its `$id`/`$comment` (added by generateSchemas). */
export function fleetSchemaBody(): JsonSchema {
  return {
    type: 'object',
    title: 'ovh-fleet fleet policy (fleet.yaml)',
    required: ['apiVersion', 'kind'],
    additionalProperties: false,
    properties: {
      apiVersion: { const: 'ovh-fleet/v1' },
      kind: { const: 'Fleet' },
      rollout: {
        type: 'object',
        additionalProperties: false,
        properties: {
          maxConcurrent: positiveInt,
          maxConcurrentPerLabel: { type: 'object', additionalProperties: positiveInt },
          maxPerHour: positiveInt,
          maxFailures: positiveInt,
          maxFleetFraction: { type: 'number', exclusiveMinimum: 0, maximum: 1 },
          windows: {
            type: 'array',
            items: {
              type: 'object',
              required: ['cron', 'duration'],
              additionalProperties: false,
              properties: {
                cron: { type: 'string', pattern: '^\\S+(?:\\s+\\S+){4,5}$' },
                duration: { type: 'string', pattern: '^(?=[0-9])(?:[0-9]+h)?(?:[0-9]+m)?(?:[0-9]+s)?$' },
                timezone: { type: 'string', minLength: 1 },
              },
            },
          },
          canary: amount,
          cohortLabel: { type: 'string', minLength: 1 },
          maxUnhealthy: {
            anyOf: [
              amount,
              {
                type: 'object',
                additionalProperties: false,
                properties: { cohort: amount, fleet: amount },
              },
            ],
          },
        },
      },
      drift: { enum: ['reinstall', 'report'] },
      suspend: {
        type: 'object',
        additionalProperties: false,
        properties: {
          reason: { type: 'string' },
          until: { anyOf: [{ type: 'string', format: 'date-time' }, { type: 'null' }] },
        },
      },
      api: {
        type: 'object',
        additionalProperties: false,
        properties: {
          requestsPerMinute: positiveInt,
          steadyStateShare: { type: 'number', exclusiveMinimum: 0, maximum: 1 },
        },
      },
      acknowledge: {
        type: 'object',
        additionalProperties: false,
        properties: {
          massReinstall: {
            type: 'array',
            items: { type: 'string', pattern: '^sha256:[0-9a-f]{64}$' },
          },
          verification: {
            type: 'array',
            items: { type: 'string', pattern: '^[^\\s@]+@sha256:[0-9a-f]{64}$' },
          },
        },
      },
      verify: verifySchemaBody(),
    },
  };
}
