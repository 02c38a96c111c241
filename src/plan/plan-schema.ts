/**
 * The JSON Schema (draft 2020-12) of `ovh-fleet plan --format json` (DESIGN.md section 3).
 * src/validate writes it as schemas/plan.schema.json; tests check every rendered plan against it.
 * The reason enum is the registry's list of plan reasons (src/core/codes/plan-codes.ts).
 */
import { PLAN_REASONS } from '../core/codes/plan-codes.js';

const nullableString = { type: ['string', 'null'] } as const;
const digest = { type: 'string', pattern: '^sha256:[0-9a-f]{64}$' } as const;
const stringList = { type: 'array', items: { type: 'string' } } as const;

/** The schema of formatVersion 1. */
export const PLAN_SCHEMA = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'https://ovh-fleet.dev/schemas/plan.schema.json',
  title: 'ovh-fleet plan',
  type: 'object',
  additionalProperties: false,
  required: ['formatVersion', 'planHash', 'revision', 'generatedAt', 'summary', 'servers', 'diagnostics'],
  properties: {
    formatVersion: { const: 1 },
    planHash: digest,
    revision: { type: 'string' },
    generatedAt: { type: 'string', format: 'date-time' },
    summary: {
      type: 'object',
      additionalProperties: false,
      required: ['reinstall', 'adopt', 'follow', 'none', 'deferred', 'invalid'],
      properties: Object.fromEntries(
        ['reinstall', 'adopt', 'follow', 'none', 'deferred', 'invalid'].map((a) => [
          a,
          { type: 'integer', minimum: 0 },
        ]),
      ),
    },
    servers: { type: 'array', items: { $ref: '#/$defs/server' } },
    diagnostics: { type: 'array', items: { $ref: '#/$defs/diagnostic' } },
    halts: { type: 'array', items: { $ref: '#/$defs/halt' } },
    cohorts: { type: 'array', items: { $ref: '#/$defs/cohort' } },
  },
  $defs: {
    server: {
      type: 'object',
      additionalProperties: false,
      required: [
        'serviceName',
        'file',
        'action',
        'reason',
        'message',
        'digest',
        'from',
        'to',
        'changes',
        'erases',
        'notBefore',
        'batch',
        'labels',
      ],
      properties: {
        serviceName: nullableString,
        file: nullableString,
        action: { enum: ['reinstall', 'adopt', 'follow', 'none', 'deferred', 'invalid'] },
        reason: { enum: PLAN_REASONS },
        message: { type: 'string' },
        digest: { oneOf: [digest, { type: 'null' }] },
        from: {
          oneOf: [
            {
              type: 'object',
              additionalProperties: false,
              required: ['operatingSystem'],
              properties: { operatingSystem: nullableString },
            },
            { type: 'null' },
          ],
        },
        to: {
          oneOf: [
            {
              type: 'object',
              additionalProperties: false,
              required: ['operatingSystem'],
              properties: { operatingSystem: { type: 'string' } },
            },
            { type: 'null' },
          ],
        },
        changes: {
          type: 'array',
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['path', 'from', 'to'],
            properties: { path: { type: 'string' }, from: true, to: true },
          },
        },
        erases: {
          oneOf: [
            {
              type: 'array',
              items: {
                type: 'object',
                additionalProperties: false,
                required: ['diskGroupId', 'description', 'numberOfDisks', 'diskSize'],
                properties: {
                  diskGroupId: { type: 'integer' },
                  description: { type: 'string' },
                  numberOfDisks: { type: 'integer', minimum: 0 },
                  diskSize: {
                    type: 'object',
                    additionalProperties: false,
                    required: ['unit', 'value'],
                    properties: { unit: { type: 'string' }, value: { type: 'number' } },
                  },
                },
              },
            },
            { type: 'null' },
          ],
        },
        notBefore: { oneOf: [{ type: 'string', format: 'date-time' }, { type: 'null' }] },
        batch: { oneOf: [{ type: 'integer', minimum: 1 }, { type: 'null' }] },
        labels: { type: 'object', additionalProperties: { type: 'string' } },
        cohort: nullableString,
        canary: { type: 'boolean' },
        waitsFor: stringList,
      },
    },
    halt: {
      type: 'object',
      additionalProperties: false,
      required: ['scope', 'cohort', 'reason', 'message', 'servers', 'acknowledge'],
      properties: {
        scope: { enum: ['fleet', 'cohort'] },
        cohort: nullableString,
        reason: { enum: ['rollout-halted', 'canary-pending'] },
        message: { type: 'string' },
        servers: stringList,
        acknowledge: stringList,
      },
    },
    cohort: {
      type: 'object',
      additionalProperties: false,
      required: ['cohort', 'servers', 'candidates', 'canaries', 'waitsFor', 'state'],
      properties: {
        cohort: { type: 'string' },
        servers: { type: 'integer', minimum: 0 },
        candidates: { type: 'integer', minimum: 0 },
        canaries: stringList,
        waitsFor: stringList,
        state: { enum: ['canaries', 'proceeding', 'halted', 'paused'] },
      },
    },
    diagnostic: {
      type: 'object',
      additionalProperties: false,
      required: ['file', 'line', 'column', 'severity', 'code', 'message'],
      properties: {
        file: { type: 'string' },
        line: { type: 'integer', minimum: 1 },
        column: { type: 'integer', minimum: 1 },
        severity: { enum: ['error', 'warning'] },
        code: { type: 'string' },
        message: { type: 'string' },
      },
    },
  },
} as const;
