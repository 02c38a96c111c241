/**
 * `ovh-fleet schemas [--out DIR] [--repo DIR]`: reads the template catalog through the API and
 * writes the JSON Schemas (default: `schemas/` of the repository). `--simulator-catalog` takes the
 * simulator's built-in catalog instead of the API: that is how the project's committed
 * `schemas/` is made (`node dist/cli/main.js schemas --simulator-catalog --out schemas`).
 */
import path from 'node:path';
import type { Command } from 'commander';
import { systemClock } from '../core/clock.js';
import { PLAN_SCHEMA } from '../plan/plan-schema.js';
import { buildCatalog } from '../sim/catalog.js';
import { readCatalog, type Catalog, type CatalogMeta } from '../validate/catalog.js';
import { generateSchemas, type GenerateOptions } from '../validate/generate-schemas.js';
import type { JsonSchema } from '../validate/input-schemas.js';
import { writeSchemas } from '../validate/schema-files.js';
import { openApi } from './context.js';

/** The endpoint name written into the schemas made from the simulator's catalog. */
export const SIMULATOR_ENDPOINT = 'the ovh-fleet simulator catalog (src/sim/catalog.ts)';

/** The extra files every generation writes: plan.schema.json (the plan document's schema). */
export const GENERATE_OPTIONS: GenerateOptions = {
  planSchema: JSON.parse(JSON.stringify(PLAN_SCHEMA)) as JsonSchema,
};

/** Adds the `schemas` command. */
export function register(program: Command): void {
  program
    .command('schemas')
    .description('regenerate the JSON Schemas of the specs from the OVHcloud template catalog')
    .option('--repo <dir>', 'fleet repository', '.')
    .option('--out <dir>', 'output folder (default: schemas under --repo)')
    .option('--simulator-catalog', "use the simulator's built-in catalog instead of the API")
    .action(async (opts: { repo: string; out?: string; simulatorCatalog?: boolean }) => {
      const now = systemClock.now();
      let catalog: Catalog;
      let endpoint: string;
      if (opts.simulatorCatalog) {
        catalog = buildCatalog(now);
        endpoint = SIMULATOR_ENDPOINT;
      } else {
        catalog = await readCatalog(await openApi());
        endpoint = process.env.OVH_ENDPOINT ?? 'ovh-eu';
      }
      const meta: CatalogMeta = { endpoint, generatedAt: new Date(now).toISOString() };
      const dir = opts.out ?? path.join(opts.repo, 'schemas');
      for (const file of writeSchemas(dir, generateSchemas(catalog, meta, GENERATE_OPTIONS)))
        process.stdout.write(`wrote ${file}\n`);
    });
}
