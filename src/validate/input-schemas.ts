/**
 * Template inputs (dedicated.TemplateOsInput) mapped to JSON Schema. Each input type has a
 * `value-TYPE` definition (the literal rule) and, for the types that accept a string, an
 * `input-TYPE` definition that also accepts a `{file: PATH}` / `{env: NAME}` reference. The
 * validator recognises errors by these definition names (see diagnostic-messages.ts).
 */
import type { Template, TemplateInput, TemplateInputType } from '../ovh/types.js';

/** A JSON Schema object (draft 2020-12) as plain data. */
export type JsonSchema = Record<string, unknown>;

/**
 * RFC 1035 §2.3.1 as OVHcloud applies it (HostnameInvalidFormat): dot-separated labels of at
 * most 63 characters, each starting with a letter, ending with a letter or digit, letters, digits
 * and hyphens in between. The total length (≤ 253, HostnameSizeExceeded) is a separate maxLength.
 */
export const HOSTNAME_PATTERN =
  '^[A-Za-z](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\\.[A-Za-z](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$';

/**
 * An OpenSSH public key line: a key type OVHcloud accepts (ssh-ed25519, ssh-rsa,
 * ecdsa-sha2-nistp256/384/521, and the FIDO `sk-` variants), a base64 body, an optional comment.
 */
export const SSH_KEY_PATTERN =
  '^(?:ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp(?:256|384|521)|sk-ssh-ed25519@openssh\\.com|sk-ecdsa-sha2-nistp256@openssh\\.com) [A-Za-z0-9+/]+={0,3}(?: [^\\r\\n]*)?$';

/** Environment variable names usable in `{env: NAME}`. */
export const ENV_NAME_PATTERN = '^[A-Za-z_][A-Za-z0-9_]*$';

/** The literal rule of each input type, except `enum` (whose values are per input). */
const VALUE_SCHEMAS: Record<Exclude<TemplateInputType, 'enum'>, JsonSchema> = {
  boolean: { type: 'boolean' },
  number: { type: 'number' },
  hostname: { type: 'string', minLength: 1, maxLength: 253, pattern: HOSTNAME_PATTERN },
  sshPubKey: { type: 'string', maxLength: 16384, pattern: SSH_KEY_PATTERN },
  email: { type: 'string', format: 'email' },
  ip: { type: 'string', anyOf: [{ format: 'ipv4' }, { format: 'ipv6' }] },
  url: { type: 'string', format: 'uri', pattern: '^[A-Za-z][A-Za-z0-9+.-]*://' },
  uuid: { type: 'string', format: 'uuid' },
  date: { type: 'string', format: 'date' },
  // HH:MM or HH:MM:SS; ajv-formats' `time` demands a time zone, which OVHcloud's inputs do not.
  time: { type: 'string', pattern: '^(?:[01][0-9]|2[0-3]):[0-5][0-9](?::[0-5][0-9])?$' },
  hexstring: { type: 'string', pattern: '^(?:[0-9A-Fa-f]{2})*$' },
  keyValue: {
    type: 'object',
    additionalProperties: { $ref: '#/$defs/input-string' },
  },
  string: { type: 'string' },
  text: { type: 'string' },
};

/** Input types whose answer is a string and may therefore come from `{file}` or `{env}`. */
const REFERENCE_TYPES: readonly TemplateInputType[] = [
  'hostname',
  'sshPubKey',
  'email',
  'ip',
  'url',
  'uuid',
  'date',
  'time',
  'hexstring',
  'string',
  'text',
];

/** The shared definitions every server schema carries: value rules, reference, inputs. */
export function inputDefinitions(): Record<string, JsonSchema> {
  const defs: Record<string, JsonSchema> = {
    reference: {
      type: 'object',
      description:
        'Exactly one of {file: PATH} (repository file) or {env: NAME} (daemon environment secret).',
      minProperties: 1,
      maxProperties: 1,
      additionalProperties: false,
      properties: {
        file: { type: 'string', minLength: 1, maxLength: 4096 },
        env: { type: 'string', pattern: ENV_NAME_PATTERN, maxLength: 255 },
      },
    },
  };
  for (const [type, schema] of Object.entries(VALUE_SCHEMAS)) {
    defs[`value-${type}`] = schema;
    const accepted = REFERENCE_TYPES.includes(type as TemplateInputType);
    defs[`input-${type}`] = accepted
      ? {
          if: { type: 'object' },
          then: { $ref: '#/$defs/reference' },
          else: { $ref: `#/$defs/value-${type}` },
        }
      : { $ref: `#/$defs/value-${type}` };
  }
  return defs;
}

/** The schema of one input's answer, with its description and default as annotations. */
export function inputSchema(input: TemplateInput): JsonSchema {
  const schema: JsonSchema =
    input.type === 'enum'
      ? { type: 'string', enum: [...input.enum] }
      : { $ref: `#/$defs/input-${input.type}` };
  const text = (input.description ?? '').trim().replace(/\.?$/, '.');
  const description = [text === '.' ? '' : text, `OVHcloud input type: ${input.type}.`]
    .filter(Boolean)
    .join(' ');
  schema.description = input.mandatory ? `${description} Mandatory.` : description;
  const fallback = typedDefault(input);
  if (fallback !== undefined) schema.default = fallback;
  return schema;
}

/** The input's default as the JSON value an answer would have (OVHcloud sends every default as a string). */
export function typedDefault(input: TemplateInput): string | number | boolean | undefined {
  if (input.default === null || input.default === '') return undefined;
  if (input.type === 'boolean')
    return input.default === 'true' ? true : input.default === 'false' ? false : undefined;
  if (input.type === 'number') {
    const n = Number(input.default);
    return Number.isFinite(n) ? n : undefined;
  }
  if (input.type === 'keyValue') return undefined;
  return input.default;
}

/**
 * A mandatory input must be answered when it has no default; an empty-string default counts as
 * no default (OVHcloud's docs show `""` for optional inputs without a value).
 */
export function isRequiredInput(input: TemplateInput): boolean {
  return input.mandatory && (input.default === null || input.default === '');
}

/** The customizations schema of one template: its inputs, mandatory ones required, nothing else. */
export function customizationsSchema(template: Template): JsonSchema {
  const inputs = template.inputs ?? [];
  const properties: Record<string, JsonSchema> = {};
  for (const input of inputs) properties[input.name] = inputSchema(input);
  const required = inputs
    .filter(isRequiredInput)
    .map((i) => i.name)
    .sort();
  return {
    type: 'object',
    description: `Answers to the inputs of ${template.templateName}.`,
    properties,
    additionalProperties: false,
    ...(required.length > 0 ? { required } : {}),
  };
}
