/**
 * The message of each ajv keyword, byte for byte: real ajv errors of small schemas, turned into
 * diagnostics by diagnosticsFromAjv. Pins the texts of src/validate/ajv-messages.ts.
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { diagnosticsFromAjv } from '../../src/validate/ajv-diagnostics.js';
import type { ParsedFile } from '../../src/specs/types.js';

const ajv = new Ajv2020({ allErrors: true, strict: false, verbose: true });

/** The diagnostics' [code, message] of `data` against `schema`. */
function messages(schema: object, data: unknown): [string, string][] {
  const validate = ajv.compile(schema);
  validate(data);
  const parsed: ParsedFile = {
    file: 'servers/a.yaml',
    kind: 'server',
    data,
    contentHash: '',
    diagnostics: [],
    positionOf: () => ({ file: 'servers/a.yaml', line: 1, column: 1 }),
  };
  return diagnosticsFromAjv(validate.errors ?? [], parsed).map((d) => [d.code, d.message]);
}

const mountRoot = {
  type: 'array',
  contains: { type: 'object', properties: { mountPoint: { const: '/' } }, required: ['mountPoint'] },
};

const CASES: [string, object, unknown, [string, string][]][] = [
  [
    'required, customizations of a template',
    { properties: { customizations: { type: 'object', required: ['hostname'] } } },
    { operatingSystem: 'debian12_64', customizations: {} },
    [
      [
        'schema-required',
        'customizations.hostname: required field is missing (a mandatory input of debian12_64 without default)',
      ],
    ],
  ],
  [
    'required, elsewhere',
    { type: 'object', required: ['serviceName'] },
    {},
    [['schema-required', 'serviceName: required field is missing']],
  ],
  [
    'additionalProperties with a suggestion',
    { type: 'object', properties: { hostname: {}, sshKey: {} }, additionalProperties: false },
    { hostnme: 'x' },
    [['schema-unknown-field', 'hostnme: unknown field "hostnme"; did you mean "hostname"?']],
  ],
  [
    'additionalProperties with the known fields',
    { type: 'object', properties: { b: {}, a: {} }, additionalProperties: false },
    { zzzzzz: 1 },
    [['schema-unknown-field', 'zzzzzz: unknown field "zzzzzz"; known fields: a, b']],
  ],
  [
    'additionalProperties of a template',
    {
      properties: {
        customizations: { type: 'object', properties: { hostname: {} }, additionalProperties: false },
      },
    },
    { operatingSystem: 'debian12_64', customizations: { zzzzzzzz: 1 } },
    [
      [
        'schema-unknown-field',
        'customizations.zzzzzzzz: "zzzzzzzz" is not an input of debian12_64; known fields: hostname',
      ],
    ],
  ],
  [
    'false schema',
    { properties: { storage: { type: 'array', items: { properties: { partitioning: false } } } } },
    { operatingSystem: 'alma9_64', storage: [{ partitioning: {} }] },
    [
      [
        'storage-unsupported',
        'storage[0].partitioning: alma9_64 does not support custom partitioning (noPartitioning)',
      ],
    ],
  ],
  [
    'false schema of lv extras',
    { properties: { x: { properties: { extras: { properties: { lv: false } } } } } },
    { x: { extras: { lv: {} } } },
    [
      [
        'storage-unsupported',
        'x.extras.lv: LVM is not available on this template (the template is not lvmReady)',
      ],
    ],
  ],
  [
    'false schema of zp extras',
    { properties: { x: { properties: { extras: { properties: { zp: false } } } } } },
    { operatingSystem: 'debian12_64', x: { extras: { zp: {} } } },
    [['storage-unsupported', 'x.extras.zp: ZFS extras need zfs among the file systems of debian12_64']],
  ],
  [
    'type',
    { properties: { protect: { type: 'boolean' } } },
    { protect: 'yes' },
    [['schema-type', 'protect: expected a boolean (true or false, without quotes), got the string "yes"']],
  ],
  [
    'type, two types',
    { properties: { until: { type: ['string', 'null'] } } },
    { until: 3 },
    [['schema-type', 'until: expected a string or null, got number 3']],
  ],
  [
    'enum of the operating system',
    { properties: { operatingSystem: { enum: ['debian12_64', 'rocky9_64'] } } },
    { operatingSystem: 'debian12_46' },
    [
      [
        'os-unknown-template',
        'operatingSystem: "debian12_46" is not in the catalog; did you mean "debian12_64"?',
      ],
    ],
  ],
  [
    'enum',
    { properties: { drift: { enum: ['report', 'reinstall'] } } },
    { drift: 'reinstal' },
    [
      [
        'schema-enum',
        'drift: "reinstal" is not allowed (one of "report", "reinstall"); did you mean "reinstall"?',
      ],
    ],
  ],
  [
    'enum of a number',
    { properties: { drift: { enum: ['report', 1] } } },
    { drift: 2 },
    [['schema-enum', 'drift: "2" is not allowed (one of "report", 1)']],
  ],
  [
    'const',
    { properties: { formatVersion: { const: 1 } } },
    { formatVersion: 2 },
    [['schema-enum', 'formatVersion: must be 1, got number 2']],
  ],
  [
    'propertyNames',
    { properties: { labels: { propertyNames: { pattern: '^[a-z]+$' } } } },
    { labels: { 'A B': 'x' } },
    [['schema-format', 'labels.A B: "A B" is not a valid name here']],
  ],
  [
    'minimum',
    { properties: { maxConcurrent: { minimum: 1 } } },
    { maxConcurrent: 0 },
    [['schema-range', 'maxConcurrent: must be >= 1']],
  ],
  [
    'maxItems of storage',
    { properties: { storage: { maxItems: 1 } } },
    { storage: [1, 2] },
    [
      [
        'schema-range',
        'storage: must NOT have more than 1 items (OVHcloud supports one disk group per reinstall)',
      ],
    ],
  ],
  [
    'maxLength',
    { properties: { name: { maxLength: 3 } } },
    { name: 'abcdef' },
    [['schema-range', 'name: must NOT have more than 3 characters']],
  ],
  [
    'contains of a layout',
    { properties: { layout: mountRoot } },
    { layout: [{ mountPoint: '/home' }] },
    [['storage-mount-point', 'layout: the root mount point / is missing']],
  ],
  [
    'contains elsewhere',
    { properties: { list: { contains: { const: 1 } } } },
    { list: [2] },
    [['schema-invalid', 'list: must contain at least 1 valid item(s)']],
  ],
  [
    'pattern of serviceName',
    { properties: { serviceName: { pattern: '^ns' } } },
    { serviceName: 'x' },
    [['schema-format', 'serviceName: "x" is not a valid service name (e.g. ns5001234.ip-51-75-1.eu)']],
  ],
  [
    'pattern of a cron',
    { properties: { w: { properties: { cron: { pattern: '^\\d' } } } } },
    { w: { cron: 'x' } },
    [['schema-format', 'w.cron: "x" is not a cron expression of 5 or 6 fields']],
  ],
  [
    'pattern of a duration',
    { properties: { w: { properties: { duration: { pattern: '^\\d' } } } } },
    { w: { duration: 'x' } },
    [['schema-format', 'w.duration: "x" is not a duration such as 4h, 30m or 1h30m']],
  ],
  [
    'pattern of a mass reinstall hash',
    { properties: { massReinstall: { items: { pattern: '^sha256:' } } } },
    { massReinstall: ['x'] },
    [['schema-format', 'massReinstall[0]: "x" is not a plan hash (sha256: and 64 hex digits)']],
  ],
  [
    'pattern of suspend.until',
    { properties: { suspend: { properties: { until: { pattern: '^2' } } } } },
    { suspend: { until: 'x' } },
    [['schema-format', 'suspend.until: "x" is not an ISO 8601 date-time']],
  ],
  [
    'pattern elsewhere',
    { properties: { name: { pattern: '^a' } } },
    { name: 'b'.repeat(100) },
    [
      [
        'schema-format',
        'name: "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb..." does not have the expected format',
      ],
    ],
  ],
  [
    'a named format rule',
    {
      $defs: { 'value-ip': { type: 'string', pattern: '^\\d' } },
      properties: { ip: { $ref: '#/$defs/value-ip' } },
    },
    { ip: 'x' },
    [['schema-format', 'ip: "x" is not a valid IPv4 or IPv6 address']],
  ],
  [
    'the reference rule',
    {
      $defs: { reference: { type: 'object', required: ['file'] } },
      properties: { key: { $ref: '#/$defs/reference' } },
    },
    { key: {} },
    [
      [
        'schema-reference',
        'key: must be exactly one of {file: PATH} or {env: NAME} (NAME: letters, digits, underscores)',
      ],
    ],
  ],
  [
    'a generic anyOf',
    { properties: { until: { anyOf: [{ type: 'string' }, { type: 'null' }] } } },
    { until: [1] },
    [['schema-type', 'until: a list is not allowed here']],
  ],
  [
    'not (no drafter of its own)',
    { properties: { name: { not: { const: 'x' } } } },
    { name: 'x' },
    [['schema-invalid', 'name: must NOT be valid']],
  ],
  [
    'multipleOf (no drafter of its own)',
    { properties: { n: { multipleOf: 2 } } },
    { n: 3 },
    [['schema-invalid', 'n: must be multiple of 2']],
  ],
];

describe('ajv messages', () => {
  it.each(CASES)('%s', (_name, schema, data, expected) => {
    const got = messages(schema, data);

    expect(got).toEqual(expected);
  });
});
