/**
 * Reading and writing the `schemas/` folder. The repository's own `schemas/` wins (written by
 * `ovh-fleet schemas` from the live catalog); otherwise the schemas committed in the ovh-fleet
 * package (generated from the simulator's catalog) are used.
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
  if (!schemas[FLEET_SCHEMA_FILE] && existsSync(path.join(packageDir, FLEET_SCHEMA_FILE))) {
    schemas[FLEET_SCHEMA_FILE] = readSchemaDir(packageDir)[FLEET_SCHEMA_FILE]!;
  }
  return { dir, schemas };
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
