/** Shared fixtures of the validation tests: the small catalog and a compiled validator. */
import { readFileSync } from 'node:fs';
import { TEMPLATE_INPUT_TYPES, type Template, type TemplateInfo } from '../../src/ovh/types.js';
import type { Catalog, CatalogMeta } from '../../src/validate/catalog.js';

const dir = new URL('../fixtures/catalog/', import.meta.url);

/** The fixture catalog of test/fixtures/catalog (six templates shaped like src/ovh/types.ts). */
export function fixtureCatalog(): Catalog {
  return {
    infos: JSON.parse(readFileSync(new URL('template-infos.json', dir), 'utf8')) as TemplateInfo[],
    templates: JSON.parse(readFileSync(new URL('templates.json', dir), 'utf8')) as Template[],
  };
}

export const FIXTURE_META: CatalogMeta = { endpoint: 'fixture', generatedAt: '2026-11-27T12:00:00.000Z' };

/** 2026-11-27T12:00:00Z, the VirtualClock's default start. */
export const NOW = Date.UTC(2026, 10, 27, 12, 0, 0);

/** A template with one optional input of every type (named after the type), for mapping tests. */
export function allTypesTemplate(): Template {
  const types = TEMPLATE_INPUT_TYPES.filter((t) => t !== 'enum');
  const base = fixtureCatalog().templates.find((t) => t.templateName === 'debian12_64')!;
  return {
    ...base,
    templateName: 'alltypes_64',
    inputs: [
      ...types.map((type) => ({
        name: type,
        description: null,
        default: null,
        mandatory: false,
        type,
        enum: [],
      })),
      {
        name: 'enum',
        description: null,
        default: null,
        mandatory: false,
        type: 'enum' as const,
        enum: ['a', 'b'],
      },
    ],
  };
}
