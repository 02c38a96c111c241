import fc from 'fast-check';
import { isCollection, isPair, parseAllDocuments, type Node } from 'yaml';
import { describe, expect, it } from 'vitest';
import { checkYamlText, scanYaml, YAML_LIMITS } from '../../src/core/yaml-guard.js';
import { parseFleetFile } from '../../src/specs/parse-file.js';
import { parseStatusRecord } from '../../src/records/status-record.js';
import { runChild } from './yaml-child.js';

/** Pieces of YAML that open, close or hide structure: any mix of them is thrown at the guard. */
const PIECES = [
  '[',
  ']',
  '{',
  '}',
  ',',
  '{a: ',
  '[a, ',
  '- ',
  '? ',
  ': ',
  '- a: ',
  'k:',
  'k: ',
  '\n',
  '\n  ',
  '\n    ',
  '\n- ',
  '\n  - ',
  ' ',
  '\t',
  '\r\n',
  '"x[{',
  '"',
  "'y{'",
  "'",
  '\\"',
  '# [[{{',
  ' #',
  '|',
  '|-\n',
  '>\n',
  '  [[[[\n',
  '&a ',
  '*a ',
  '!t ',
  '!!str ',
  '---\n',
  '...\n',
  '%YAML 1.2\n',
  'x',
  '1',
  '.inf',
  '~',
  '\u00a0',
  '\ufeff',
];
const piece = fc.constantFrom(...PIECES);

/** The real nesting depth of what `yaml` composed (collections only), found without recursion. */
function realDepth(text: string): number {
  let max = 0;
  for (const doc of parseAllDocuments(text)) {
    const stack: { node: unknown; depth: number }[] = [{ node: doc.contents, depth: 1 }];
    while (stack.length > 0) {
      const { node, depth } = stack.pop()!;
      if (!isCollection(node)) continue;
      max = Math.max(max, depth);
      for (const item of (node as { items: unknown[] }).items) {
        const children = isPair(item) ? [item.key, item.value] : [item as Node];
        for (const child of children) stack.push({ node: child, depth: depth + 1 });
      }
    }
  }
  return max;
}

describe('the YAML guard (src/core/yaml-guard.ts)', () => {
  it('never counts less nesting than yaml builds, for any mix of structural pieces', () => {
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 160 }), (pieces) => {
        const text = pieces.join('');
        const { shape, hazard } = scanYaml(text);
        if (hazard) return;
        // Accepted: the text is shallow, so yaml may parse it here; its real depth must be within
        // the guard's estimate (an undercount would let a deep file through).
        expect(realDepth(text)).toBeLessThanOrEqual(shape.depth);
      }),
      { numRuns: 20_000 },
    );
  });

  it('every text gets a parse or a diagnostic from the spec and status readers', () => {
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 160 }), (pieces) => {
        const text = pieces.join('');
        const spec = parseFleetFile('servers/x.yaml', new TextEncoder().encode(text));
        const record = parseStatusRecord(text, 'status/x.yaml');

        expect(spec.data !== undefined || spec.diagnostics.length > 0).toBe(true);
        expect(record.record !== undefined || record.diagnostics.length > 0).toBe(true);
        for (const d of [...spec.diagnostics, ...record.diagnostics]) {
          expect(d.line).toBeGreaterThanOrEqual(1);
          expect(d.column).toBeGreaterThanOrEqual(1);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('a process given random nestings up to the size limit never dies (child process)', () => {
    const unit = fc.array(piece, { minLength: 1, maxLength: 6 }).map((p) => p.join(''));
    const nesting = fc
      .tuple(fc.array(piece, { maxLength: 8 }), unit, fc.integer({ min: 1, max: 200_000 }), unit)
      .map(([head, repeated, times, tail]) => {
        const room = Math.floor((YAML_LIMITS.maxChars - 64) / repeated.length);
        return head.join('') + repeated.repeat(Math.min(times, room)) + tail;
      });
    const indented = fc
      .tuple(fc.integer({ min: 1, max: 4 }), fc.constantFrom('k:', '- k:', '-', '? k'))
      .map(([width, line]) => {
        const out: string[] = [];
        for (let i = 0, size = 0; size < YAML_LIMITS.maxChars - 512; i++) {
          out.push(`${' '.repeat(i * width)}${line}`);
          size += i * width + line.length + 1;
        }
        return `${out.join('\n')}\n`;
      });
    const texts = fc.sample(fc.oneof(nesting, nesting, indented), { numRuns: 40 });
    const inputs = texts.flatMap((text) => [
      { entry: 'fleet' as const, text },
      { entry: 'status' as const, text },
    ]);

    const child = runChild(inputs);

    expect(child.stderr).toBe('');
    expect({ status: child.status, signal: child.signal }).toEqual({ status: 0, signal: null });
    expect(child.results).toHaveLength(inputs.length);
    for (const result of child.results) {
      const answered = result.ok === true || (result.diagnostics as unknown[]).length > 0;
      expect(answered).toBe(true);
    }
  });

  it.each([
    ['depth', `a: ${'['.repeat(32)}`, 'yaml-too-deep', 1, 35],
    [
      'depth by indentation',
      Array.from({ length: 70 }, (_, i) => `${' '.repeat(i)}k:`).join('\n'),
      'yaml-too-deep',
      65,
      65,
    ],
    ['aliases', `a: &a 1\nb: [${Array(21).fill('*a').join(', ')}]\n`, 'yaml-alias-limit', 2, 85],
    [
      'anchors',
      Array.from({ length: 101 }, (_, i) => `k${i}: &a${i} 1`).join('\n'),
      'yaml-alias-limit',
      101,
      7,
    ],
    ['keys', Array.from({ length: 1001 }, (_, i) => `k${i}: 1`).join('\n'), 'yaml-too-complex', 1001, 6],
    ['tokens', `a: [${'1,'.repeat(12_000)}]`, 'yaml-too-complex', 1, 20_001],
  ])('refuses too many %s with the position of the token past the limit', (_n, text, code, line, column) => {
    expect(checkYamlText(text)).toMatchObject({ code, line, column });
  });

  it('refuses a tag or anchor before `?`, which yaml nests one level deeper per line (was: depth 501 counted as 2)', () => {
    const text = `${'!!str ? ? \n'.repeat(499)}- `;
    expect(checkYamlText(text)).toMatchObject({ code: 'yaml-syntax', line: 1, column: 7 });
    expect(checkYamlText('&a ? key\n: value\n')).toMatchObject({ code: 'yaml-syntax', line: 1, column: 4 });
    // After the indicator, or on the line before, a property is fine.
    expect(checkYamlText('!!map\n? !!str key\n: value\n')).toBeUndefined();
  });

  it('refuses a %YAML directive other than 1.2, where on, yes and 0755 read otherwise', () => {
    const text = 'apiVersion: ovh-fleet/v1\n';

    const old = checkYamlText(`%YAML 1.1\n---\n${text}`);
    const current = checkYamlText(`%YAML 1.2\n---\n${text}`);

    expect(old).toMatchObject({ code: 'yaml-version-unsupported', line: 1, column: 1 });
    expect(current).toBeUndefined();
  });

  it('passes the files it guards as they are (brackets, indentation and # inside scalars are text)', () => {
    const text = [
      'apiVersion: ovh-fleet/v1',
      'customizations:',
      '  postInstallationScript: |',
      `    ${'['.repeat(100)}`,
      `            ${'{'.repeat(100)}`,
      `  quoted: "${'['.repeat(100)} # not a comment"`,
      `  single: '${'{'.repeat(100)}'`,
      `  plain: x${'['.repeat(100)}`,
      '',
    ].join('\n');

    expect(checkYamlText(text)).toBeUndefined();
  });
});

describe('the fast YAML path on long runs of spaces', () => {
  // `/ +$/` in src/specs/fast-yaml.ts backtracked quadratically: this text took a minute.
  it('reads a spec line of spaces up to the size limit followed by another character', () => {
    const text = `1>\n: \n  - [a, ${' '.repeat(YAML_LIMITS.maxChars - 64)}!t   [[[[\n\n    `;
    const parsed = parseFleetFile('servers/x.yaml', Buffer.from(text));
    expect(parsed.data).toBeUndefined();
    expect(parsed.diagnostics.map((d) => d.code)).toContain('yaml-syntax');
  });
});
