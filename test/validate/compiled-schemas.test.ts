import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  compileSchemaSet,
  forgetCompiledSchemas,
  schemaSetKey,
} from '../../src/validate/compiled-schemas.js';
import { generateSchemas } from '../../src/validate/generate-schemas.js';
import type { JsonSchema } from '../../src/validate/input-schemas.js';
import { loadCompiledSource } from '../../src/validate/load-compiled.js';
import { fixtureCatalog, FIXTURE_META } from './helpers.js';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'ovh-fleet-schema-cache-'));
  dirs.push(dir);
  return dir;
}

/** A schema set of its own identity (a distinct $comment), so no other test compiled it already. */
function freshSchemas(tag: string): Record<string, JsonSchema> {
  const schemas = generateSchemas(fixtureCatalog(), FIXTURE_META);
  for (const schema of Object.values(schemas)) schema.$comment = `test ${tag} ${Math.random()}`;
  return schemas;
}

const SPEC = { apiVersion: 'ovh-fleet/v1', kind: 'Server', serviceName: 'ns1.eu', operatingSystem: 'nope' };

describe('compileSchemaSet', () => {
  it('compiles once per schema identity: an equal copy comes from memory', () => {
    const schemas = freshSchemas('memory');

    const first = compileSchemaSet(schemas);
    const copy = compileSchemaSet(structuredClone(schemas));

    expect(first.origin).toBe('compiled');
    expect(copy.origin).toBe('memory');
    expect(copy.server).toBe(first.server);
    expect(schemaSetKey(structuredClone(schemas))).toBe(first.key);
  });

  it('writes standalone code to the cache folder that loads into equivalent validators', () => {
    const dir = tempDir();
    const schemas = freshSchemas('disk');

    const compiled = compileSchemaSet(schemas, { cacheDir: dir });
    const [name] = readdirSync(dir);
    const text = readFileSync(path.join(dir, name!), 'utf8');
    const loaded = loadCompiledSource(text.slice(text.indexOf('\n') + 1));

    expect(name).toBe(`ajv-${compiled.key}.cjs`);
    expect(text.startsWith('// sha256:')).toBe(true);
    expect(loaded.server(SPEC)).toBe(false);
    expect(loaded.server.errors).toEqual((compiled.server(SPEC), compiled.server.errors));
  });

  it('loads the code from the cache folder in a new process, and recompiles over a torn file', () => {
    const dir = tempDir();
    const schemas = freshSchemas('reload');
    const compiled = compileSchemaSet(schemas, { cacheDir: dir });
    const file = path.join(dir, `ajv-${compiled.key}.cjs`);

    forgetCompiledSchemas();
    const reloaded = compileSchemaSet(structuredClone(schemas), { cacheDir: dir });
    writeFileSync(file, readFileSync(file, 'utf8').slice(0, 5000));
    forgetCompiledSchemas();
    const recompiled = compileSchemaSet(structuredClone(schemas), { cacheDir: dir });

    expect(reloaded.origin).toBe('disk');
    expect(reloaded.server(SPEC)).toBe(false);
    expect(recompiled.origin).toBe('compiled');
    expect(readFileSync(file, 'utf8').length).toBeGreaterThan(5000);
  });

  it('ignores a cache folder it cannot write', () => {
    const dir = tempDir();
    const blocked = path.join(dir, 'a-file');
    writeFileSync(blocked, 'not a folder');

    const compiled = compileSchemaSet(freshSchemas('blocked'), { cacheDir: blocked });

    expect(compiled.origin).toBe('compiled');
  });

  it('refuses schemas that do not compile with schemas-invalid', () => {
    const schemas = freshSchemas('invalid');
    schemas['server.schema.json'] = { type: 'object', properties: { a: { type: 'no-such-type' } } };

    expect(() => compileSchemaSet(schemas)).toThrow(expect.objectContaining({ code: 'schemas-invalid' }));
  });
});
