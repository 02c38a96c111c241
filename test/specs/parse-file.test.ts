import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { MAX_YAML_BYTES, parseFleetFile } from '../../src/specs/parse-file.js';

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

function laughs(levels: number): string {
  const lines = ['a: &a [x, x, x, x, x, x, x, x, x]'];
  for (let i = 1; i < levels; i++) {
    const prev = String.fromCharCode(96 + i);
    const name = String.fromCharCode(97 + i);
    lines.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(', ')}]`);
  }
  return lines.join('\n') + '\n';
}

describe('parseFleetFile: YAML hazards become diagnostics with positions', () => {
  it.each([
    ['syntax error', 'a: [1, 2\nb: 3\n', 'yaml-syntax', 2, 1],
    ['nested mapping on one line', 'serviceName: a: b\n', 'yaml-syntax', 1, 14],
    ['tab indentation', 'customizations:\n\thostname: x\n', 'yaml-tab-indent', 2, 1],
    ['duplicate key', 'serviceName: a\noperatingSystem: x\nserviceName: b\n', 'yaml-duplicate-key', 3, 1],
    ['two documents', 'serviceName: a\n---\nserviceName: b\n', 'yaml-multiple-documents', 2, 1],
    ['unknown tag', 'serviceName: !secret x\n', 'yaml-unknown-tag', 1, 14],
    ['empty file', '', 'yaml-empty', 1, 1],
    ['only comments', '# nothing here\n\n', 'yaml-empty', 1, 1],
    ['explicit null document', '~\n', 'yaml-empty', 1, 1],
    ['top-level sequence', '- a\n- b\n', 'yaml-not-mapping', 1, 1],
    ['top-level scalar', 'hello\n', 'yaml-not-mapping', 1, 1],
    ['billion laughs (the alias past the limit)', laughs(9), 'yaml-alias-limit', 4, 16],
    ['deep nesting', `a: ${'['.repeat(40)}${']'.repeat(40)}\n`, 'yaml-too-deep', 1, 35],
  ])('%s', (_name, text, code, line, column) => {
    const parsed = parseFleetFile('servers/x.yaml', utf8(text));

    expect(parsed.data).toBeUndefined();
    expect(parsed.diagnostics).toContainEqual(
      expect.objectContaining({ file: 'servers/x.yaml', code, line, column, severity: 'error' }),
    );
  });

  it('refuses a file over the size limit without parsing it', () => {
    const parsed = parseFleetFile('servers/big.yaml', new Uint8Array(MAX_YAML_BYTES + 1).fill(0x61));

    expect(parsed.diagnostics).toEqual([
      expect.objectContaining({ code: 'file-too-large', line: 1, column: 1 }),
    ]);
  });

  it('refuses bytes that are not UTF-8 and points at the first bad one', () => {
    const bytes = new Uint8Array([...utf8('serviceName: a\nhostname: b'), 0xff, 0xfe, ...utf8('\n')]);

    const parsed = parseFleetFile('servers/x.yaml', bytes);

    expect(parsed.diagnostics).toEqual([
      expect.objectContaining({ code: 'yaml-not-utf8', line: 2, column: 12 }),
    ]);
  });

  it('accepts a UTF-8 byte order mark', () => {
    const parsed = parseFleetFile(
      'servers/x.yaml',
      new Uint8Array([0xef, 0xbb, 0xbf, ...utf8('serviceName: a\n')]),
    );

    expect(parsed.diagnostics).toEqual([]);
    expect(parsed.data).toEqual({ serviceName: 'a' });
  });

  it('refuses a billion-laughs file quickly (the time is printed, the diagnostic asserted)', () => {
    const started = performance.now();

    const parsed = parseFleetFile('servers/x.yaml', utf8(laughs(12)));

    console.log(`billion laughs refused in ${(performance.now() - started).toFixed(1)} ms`);
    expect(parsed.diagnostics.map((d) => d.code)).toEqual(['yaml-alias-limit']);
  });

  it.each([
    ['servers/a.yaml', 'server'],
    ['servers/deep/b.yml', 'server'],
    ['fleet.yaml', 'fleet'],
  ] as const)('kind of %s is %s', (file, kind) => {
    expect(parseFleetFile(file, utf8('a: 1\n')).kind).toBe(kind);
  });

  it('gives the sha256 of the raw bytes as contentHash', () => {
    const bytes = utf8('a: 1\n');

    expect(parseFleetFile('fleet.yaml', bytes).contentHash).toBe(
      createHash('sha256').update(bytes).digest('hex'),
    );
  });
});

const SAMPLE = `apiVersion: ovh-fleet/v1
serviceName: ns1.eu
customizations:
  hostname: web-1
  httpHeaders: {Authorization: {env: TOKEN}, a/b: x}
  empty:
storage:
  - diskGroupId: 1
    partitioning:
      layout:
        - {mountPoint: /, fileSystem: ext4}
`;

describe('parseFleetFile: positionOf maps JSON pointers back to the file', () => {
  it.each([
    ['/serviceName', 'value', 2, 14],
    ['/serviceName', 'key', 2, 1],
    ['/customizations/hostname', 'value', 4, 13],
    ['/customizations/httpHeaders/Authorization/env', 'value', 5, 38],
    ['/customizations/httpHeaders/a~1b', 'key', 5, 46],
    ['/customizations/empty', 'value', 6, 3],
    ['/storage/0/partitioning/layout/0/fileSystem', 'value', 11, 39],
    ['/storage/0/partitioning/layout/0', 'value', 11, 11],
    ['/customizations/missing', 'value', 4, 3],
    ['/storage/7/partitioning', 'value', 8, 3],
    ['', 'value', 1, 1],
  ] as const)('%s (%s) is at %i:%i', (pointer, which, line, column) => {
    const parsed = parseFleetFile('servers/x.yaml', utf8(SAMPLE));

    expect(parsed.positionOf(pointer, which)).toEqual({ file: 'servers/x.yaml', line, column });
  });
});
