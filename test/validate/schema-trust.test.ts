/**
 * Issue 11 (schemas taken from the fleet repository can carry a catastrophic regex): the
 * repository's schemas/ may use only the regular expressions of the schemas ovh-fleet ships;
 * any other `pattern` or `patternProperties` key is refused (schemas-invalid, naming the file and
 * the place) before ajv compiles it. Changing schemas/ is covered by signature verification
 * (test/git/trust.test.ts).
 */
import fc from 'fast-check';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { FleetError } from '../../src/core/errors.js';
import {
  loadSchemas,
  PACKAGE_SCHEMAS_DIR,
  readSchemaDir,
  shippedRegexes,
} from '../../src/validate/schema-files.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const shipped = readSchemaDir(PACKAGE_SCHEMAS_DIR);

function repoWith(files: Record<string, unknown>): string {
  const root = mkdtempSync(join(tmpdir(), 'ovh-fleet-schemas-'));
  dirs.push(root);
  mkdirSync(join(root, 'schemas'));
  for (const [name, schema] of Object.entries(files))
    writeFileSync(join(root, 'schemas', name), JSON.stringify(schema));
  return root;
}

function refusal(repo: string): FleetError | null {
  try {
    loadSchemas(repo);
    return null;
  } catch (error) {
    return error as FleetError;
  }
}

describe("the repository's schemas", () => {
  it('are used when they hold only the shipped regular expressions', () => {
    const repo = repoWith(shipped);

    expect(loadSchemas(repo).dir).toBe(join(repo, 'schemas'));
  });

  it('are refused, naming the file and place, when a pattern is not a shipped one (catastrophic backtracking)', () => {
    const server = structuredClone(shipped['server.schema.json']) as {
      properties: { serviceName: Record<string, unknown> };
    };
    server.properties.serviceName.pattern = '^(a+)+$';
    const error = refusal(repoWith({ ...shipped, 'server.schema.json': server }));

    expect(error?.code).toBe('schemas-invalid');
    expect(error?.message).toContain('server.schema.json');
    expect(error?.message).toContain('/properties/serviceName/pattern');
  });

  it('refuses any regular expression outside the shipped set, wherever it is (property)', () => {
    const allowed = shippedRegexes();
    const place = fc.array(fc.constantFrom('properties', 'x', '$defs', 'items', 'allOf'), { maxLength: 4 });
    fc.assert(
      fc.property(
        place,
        fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom(...allowed)),
        fc.boolean(),
        (keys, regex, asKey) => {
          const leaf: Record<string, unknown> = asKey
            ? { patternProperties: { [regex]: { type: 'string' } } }
            : { type: 'string', pattern: regex };
          const nested = keys.reduceRight<Record<string, unknown>>((inner, k) => ({ [k]: inner }), leaf);
          const server = { ...(shipped['server.schema.json'] as object), $defs: { extra: nested } };
          const error = refusal(repoWith({ ...shipped, 'server.schema.json': server }));
          if (allowed.has(regex)) return error === null;
          return error?.code === 'schemas-invalid';
        },
      ),
      { numRuns: 60 },
    );
  });
});
