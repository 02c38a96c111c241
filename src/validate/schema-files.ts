/**
 * Reading and writing the `schemas/` folder. The repository's own `schemas/` wins (written by
 * `ovh-fleet schemas` from the live catalog); otherwise the schemas committed in the ovh-fleet
 * package (generated from the simulator's catalog) are used.
 *
 * The repository's schemas are data from the repository, not code: they may use only the regular
 * expressions of the shipped schemas (the generator's, which do not depend on the catalog), so a
 * catastrophic `pattern` cannot stall validation (schemas-invalid, naming the file and the place).
 * A schema that loosens validation is a change to schemas/, which signature verification covers
 * (src/git/trust.ts); docs/security.md.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { FleetError } from '../core/errors.js';
import { FLEET_SCHEMA_FILE, SERVER_SCHEMA_FILE } from './generate-schemas.js';
import type { JsonSchema } from './input-schemas.js';
import { stableStringify } from './stable-json.js';

/** The package's committed schemas/ folder (two levels above dist/validate or src/validate). */
export const PACKAGE_SCHEMAS_DIR = fileURLToPath(new URL('../../schemas/', import.meta.url));

/** A schema set and the folder it was read from. */
export interface LoadedSchemas {
  dir: string;
  schemas: Record<string, JsonSchema>;
}

/** Reads every `*.schema.json` of `dir`. */
export function readSchemaDir(dir: string): Record<string, JsonSchema> {
  const out: Record<string, JsonSchema> = {};
  for (const name of readdirSync(dir)
    .filter((n) => n.endsWith('.schema.json'))
    .sort()) {
    try {
      out[name] = JSON.parse(readFileSync(path.join(dir, name), 'utf8')) as JsonSchema;
    } catch (cause) {
      throw new FleetError(
        'schemas-invalid',
        `${path.join(dir, name)} is not valid JSON: ${(cause as Error).message}`,
        { cause },
      );
    }
  }
  return out;
}

/**
 * The schemas for the repository at `repoRoot`: its `schemas/` when it holds server.schema.json,
 * else the package's. A repository folder without fleet.schema.json borrows the package's.
 */
export function loadSchemas(repoRoot: string, packageDir = PACKAGE_SCHEMAS_DIR): LoadedSchemas {
  const own = path.join(repoRoot, 'schemas');
  const dir = existsSync(path.join(own, SERVER_SCHEMA_FILE)) ? own : packageDir;
  if (!existsSync(path.join(dir, SERVER_SCHEMA_FILE))) {
    throw new FleetError('schemas-not-found', `no ${SERVER_SCHEMA_FILE} in ${own} nor in ${packageDir}`);
  }
  const schemas = readSchemaDir(dir);
  if (dir === own) checkRegexes(own, schemas, shippedRegexes(packageDir));
  if (!schemas[FLEET_SCHEMA_FILE] && existsSync(path.join(packageDir, FLEET_SCHEMA_FILE))) {
    schemas[FLEET_SCHEMA_FILE] = readSchemaDir(packageDir)[FLEET_SCHEMA_FILE]!;
  }
  return { dir, schemas };
}

const shippedCache = new Map<string, ReadonlySet<string>>();

/** Every regular expression (`pattern` values, `patternProperties` keys) of the schemas in `packageDir`. */
export function shippedRegexes(packageDir = PACKAGE_SCHEMAS_DIR): ReadonlySet<string> {
  let found = shippedCache.get(packageDir);
  if (!found) {
    const set = new Set<string>();
    for (const schema of Object.values(readSchemaDir(packageDir)))
      walkRegexes(schema, '', (regex) => void set.add(regex));
    found = set;
    shippedCache.set(packageDir, found);
  }
  return found;
}

/** Throws schemas-invalid at the first regular expression of `schemas` that is not in `allowed`. */
function checkRegexes(
  dir: string,
  schemas: Readonly<Record<string, JsonSchema>>,
  allowed: ReadonlySet<string>,
): void {
  for (const [name, schema] of Object.entries(schemas)) {
    walkRegexes(schema, '', (regex, pointer) => {
      if (allowed.has(regex)) return;
      throw new FleetError(
        'schemas-invalid',
        `${path.join(dir, name)}: ${pointer}: the regular expression ${JSON.stringify(regex.slice(0, 80))} is not one ovh-fleet generates; a repository's schemas may only use the generated ones (regenerate them with \`ovh-fleet schemas\`)`,
      );
    });
  }
}

/** Calls `visit` with every `pattern` string and `patternProperties` key under `node`, and its JSON pointer. */
function walkRegexes(node: unknown, pointer: string, visit: (regex: string, pointer: string) => void): void {
  if (Array.isArray(node)) {
    node.forEach((item, i) => walkRegexes(item, `${pointer}/${i}`, visit));
    return;
  }
  if (node === null || typeof node !== 'object') return;
  for (const [key, value] of Object.entries(node as Record<string, unknown>)) {
    const at = `${pointer}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`;
    if (key === 'pattern' && typeof value === 'string') visit(value, at);
    if (key === 'patternProperties' && value !== null && typeof value === 'object' && !Array.isArray(value))
      for (const regex of Object.keys(value)) visit(regex, at);
    walkRegexes(value, at, visit);
  }
}

/** Writes each schema as stable JSON; returns the paths written. */
export function writeSchemas(dir: string, files: Readonly<Record<string, JsonSchema>>): string[] {
  mkdirSync(dir, { recursive: true });
  return Object.keys(files)
    .sort()
    .map((name) => {
      const file = path.join(dir, name);
      writeFileSync(file, stableStringify(files[name]));
      return file;
    });
}
