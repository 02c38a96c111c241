import { describe, expect, it } from 'vitest';
import { parseStatusRecord, serializeStatusRecord } from '../../src/records/status-record.js';
import type { StatusRecord } from '../../src/records/types.js';
import { record, spec } from '../plan/helpers.js';

const full: StatusRecord = {
  ...record(
    'ns1.eu',
    spec('ns1.eu', {
      storage: [
        { diskGroupId: 1, partitioning: { layout: [{ mountPoint: '/', fileSystem: 'ext4', size: 0 }] } },
      ],
    }),
  ),
  task: {
    id: 5,
    status: 'doing',
    step: 2,
    steps: 6,
    currentStep: 'Installing',
    elapsedSeconds: 300,
    startedAt: '2026-11-27T11:00:00.000Z',
  },
  lastAttempt: {
    digest: 'sha256:' + 'a'.repeat(64),
    result: 'running',
    startedAt: '2026-11-27T11:00:00.000Z',
    finishedAt: null,
    taskId: 5,
    message: null,
  },
  attempts: ['2026-11-27T11:00:00.000Z'],
  lastError: { code: 'api-unavailable', message: 'HTTP 503', at: '2026-11-27T10:00:00.000Z' },
};

describe('status records', () => {
  it('round-trips through serialize and parse', () => {
    const text = serializeStatusRecord(full);

    const parsed = parseStatusRecord(text, 'status/ns1.eu.yaml');

    expect(parsed).toEqual({ record: full, diagnostics: [] });
  });

  it('serializes with a stable key order, whatever the input key order', () => {
    const shuffled = Object.fromEntries(Object.entries(full).reverse()) as unknown as StatusRecord;

    expect(serializeStatusRecord(shuffled)).toBe(serializeStatusRecord(full));
    expect(serializeStatusRecord(full).split('\n').slice(2, 5)).toEqual([
      'apiVersion: ovh-fleet/v1',
      'kind: ServerStatus',
      'serviceName: ns1.eu',
    ]);
  });

  it.each([
    ['not YAML', 'a: [1,'],
    ['duplicate keys', 'apiVersion: ovh-fleet/v1\napiVersion: x\n'],
    ['not a mapping', '- 1\n'],
    ['wrong kind', serializeStatusRecord(full).replace('kind: ServerStatus', 'kind: Other')],
    ['bad phase', serializeStatusRecord(full).replace('phase: ready', 'phase: sleeping')],
    ['bad number', serializeStatusRecord(full).replace('id: 5', 'id: five')],
    ['empty file', ''],
  ])('reports a corrupted record (%s) and never throws', (_name, text) => {
    const parsed = parseStatusRecord(text, 'status/x.yaml');

    expect(parsed.record).toBeUndefined();
    expect(parsed.diagnostics).toHaveLength(1);
    expect(parsed.diagnostics[0]).toMatchObject({
      file: 'status/x.yaml',
      code: 'status-record-invalid',
      severity: 'warning',
    });
  });
});

describe('parseStatusRecord: size', () => {
  it('ignores a record larger than the YAML limit without parsing it', () => {
    const text = `apiVersion: ovh-fleet/v1\nmessage: ${'x'.repeat(300 * 1024)}\n`;

    expect(parseStatusRecord(text, 'status/x.yaml').diagnostics).toEqual([
      expect.objectContaining({
        code: 'status-record-invalid',
        message: expect.stringMatching(/characters/),
      }),
    ]);
  });
});
