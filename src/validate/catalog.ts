/**
 * The catalog the schemas are derived from: what `GET /dedicated/installationTemplate/templateInfos`
 * and `GET /dedicated/installationTemplate/{name}` answer, and where and when it was read.
 */
import type { OvhApi } from '../ovh/ovh-api.js';
import type { Template, TemplateInfo } from '../ovh/types.js';

/** The template catalog: the summary list and each template in full. */
export interface Catalog {
  infos: TemplateInfo[];
  templates: Template[];
}

/** Where the catalog came from, written into every generated schema's `$comment`. */
export interface CatalogMeta {
  /** The API endpoint (e.g. `ovh-eu` or `https://127.0.0.1:8443/1.0`), or `simulator` for the built-in catalog. */
  endpoint: string;
  /** ISO 8601 instant at which the catalog was read. */
  generatedAt: string;
}

/** Reads the whole catalog through the API port: the list, then each template (in name order). */
export async function readCatalog(api: OvhApi): Promise<Catalog> {
  const infos = await api.listTemplateInfos({ priority: 'background' });
  const names = infos.map((i) => i.templateName).sort();
  const templates: Template[] = [];
  for (const name of names) templates.push(await api.getTemplate(name, { priority: 'background' }));
  return { infos, templates };
}

/** True for Windows templates, whose mount points are drive letters (`c:`). */
export function isWindowsTemplate(template: Pick<Template, 'family'>): boolean {
  return template.family === 'windows';
}
