import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

interface Schema {
  properties?: Record<string, Schema>;
  $ref?: string;
  $defs?: Record<string, Schema>;
}

const ROOT = new URL('../../', import.meta.url);
const doc = readFileSync(new URL('docs/spec-format.md', ROOT), 'utf8');

function load(name: string): Schema {
  return JSON.parse(readFileSync(new URL(`schemas/${name}`, ROOT), 'utf8')) as Schema;
}

/** Field paths of a schema down to `depth`, following local $refs. */
function fieldPaths(root: Schema, schema: Schema = root, prefix = '', depth = 2): string[] {
  const resolved = schema.$ref?.startsWith('#/$defs/')
    ? (root.$defs?.[schema.$ref.slice(8)] ?? schema)
    : schema;
  return Object.entries(resolved.properties ?? {}).flatMap(([key, child]) => {
    const path = `${prefix}${key}`;
    return depth > 1 ? [path, ...fieldPaths(root, child, `${path}.`, depth - 1)] : [path];
  });
}

/** The first-column `field` names of the tables under a heading of the doc. */
function documentedFields(heading: string): string[] {
  const section = doc.split(/^## /m).find((s) => s.startsWith(heading)) ?? '';
  return [...section.matchAll(/^\| `([^`]+)` \|/gm)].map((m) => m[1]!);
}

describe('docs/spec-format.md', () => {
  it.each([
    ['Server spec', 'server.schema.json', ['customizations', 'storage', 'labels']],
    ['Fleet policy', 'fleet.schema.json', []],
  ])('documents exactly the fields of %s (%s)', (heading, file, opaque) => {
    const schema = load(file);
    const inSchema = fieldPaths(schema).filter((p) => !opaque.some((o) => p.startsWith(`${o}.`)));

    expect(documentedFields(heading).sort()).toEqual(inSchema.sort());
  });
});
