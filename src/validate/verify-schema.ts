/**
 * The JSON Schema of fleet.yaml's `verify` section (docs/verification.md). The shapes only: the
 * fields each probe type requires and allows, and the timings that make sense together, are
 * checked with sentences by src/specs/build-verify.ts (ajv's strict mode refuses `required`
 * under `if`/`then` for properties declared elsewhere, and its messages would be worse).
 */
import type { JsonSchema } from './input-schemas.js';

const duration = { type: 'string', pattern: '^(?=[0-9])(?:[0-9]+h)?(?:[0-9]+m)?(?:[0-9]+s)?$' };
const count = { type: 'integer', minimum: 1, maximum: 100 };
const port = { type: 'integer', minimum: 1, maximum: 65535 };

const probe: JsonSchema = {
  type: 'object',
  required: ['name', 'type'],
  additionalProperties: false,
  properties: {
    name: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]{0,31}$' },
    type: { enum: ['tcp', 'ssh', 'http', 'https', 'command'] },
    port,
    url: { type: 'string', minLength: 1, maxLength: 2048 },
    expectStatus: { type: 'integer', minimum: 100, maximum: 599 },
    bodyContains: { type: 'string', minLength: 1, maxLength: 256 },
    command: {
      type: 'array',
      minItems: 1,
      maxItems: 32,
      items: { type: 'string', minLength: 1, maxLength: 1024 },
    },
  },
};

const timings = {
  initialDelay: duration,
  interval: duration,
  timeout: duration,
  successes: count,
  failureLimit: count,
  deadline: duration,
};

const probes = { type: 'array', minItems: 1, maxItems: 16, items: probe };

/** The `verify` property of fleet.schema.json. */
export function verifySchemaBody(): JsonSchema {
  return {
    type: 'object',
    required: ['probes'],
    additionalProperties: false,
    properties: {
      probes,
      ...timings,
      byLabel: {
        type: 'array',
        items: {
          type: 'object',
          required: ['labels'],
          additionalProperties: false,
          properties: {
            labels: { type: 'object', minProperties: 1, additionalProperties: { type: 'string' } },
            probes,
            ...timings,
          },
        },
      },
    },
  };
}
