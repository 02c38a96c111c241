/**
 * `ovh-fleet templates [NAME] [--server SERVICE] [--format text|json]`: browses the catalog. No
 * argument: every template with its end of install; `--server`: the compatible ones and the
 * server's disk groups; NAME: one template in full with a `customizations:` skeleton.
 */
import type { Command } from 'commander';
import { systemClock } from '../core/clock.js';
import { configError, FleetError } from '../core/errors.js';
import type { OvhApi } from '../ovh/ovh-api.js';
import { suggestion } from '../validate/did-you-mean.js';
import { customizationsSkeleton } from '../validate/skeleton.js';
import { renderDiskGroups, renderRows, renderTemplate, templateRows } from '../validate/templates-view.js';
import { openApi } from './context.js';

/** Options of one templates run. */
export interface TemplatesRunOptions {
  name?: string;
  server?: string;
  format: 'text' | 'json';
  now: number;
  out?: (s: string) => void;
}

/** Runs `templates` against the given API. */
export async function runTemplates(api: OvhApi, options: TemplatesRunOptions): Promise<void> {
  const out = options.out ?? ((s: string) => process.stdout.write(s));
  const json = (value: unknown): void => out(`${JSON.stringify(value, null, 2)}\n`);
  const infos = await api.listTemplateInfos();
  if (options.name !== undefined) {
    const names = infos.map((i) => i.templateName);
    if (!names.includes(options.name)) {
      throw new FleetError(
        'template-not-found',
        `"${options.name}" is not in the catalog${suggestion(options.name, names)}`,
      );
    }
    const template = await api.getTemplate(options.name);
    if (options.format === 'json')
      json({ template, customizationsSkeleton: customizationsSkeleton(template) });
    else out(renderTemplate(template, options.now));
    return;
  }
  let rows = templateRows(infos, options.now);
  if (options.server !== undefined) {
    const [compatible, hardware] = await Promise.all([
      api.getCompatibleTemplates(options.server),
      api.getHardware(options.server),
    ]);
    const allowed = new Set([...(compatible.ovh ?? []), ...(compatible.personal ?? [])]);
    rows = rows.filter((r) => allowed.has(r.name));
    if (options.format === 'json')
      return json({ server: options.server, templates: rows, diskGroups: hardware.diskGroups });
    out(
      `${options.server}: ${rows.length} compatible templates\n${renderDiskGroups(hardware.diskGroups)}\n\n${renderRows(rows)}`,
    );
    return;
  }
  if (options.format === 'json') json({ templates: rows });
  else out(renderRows(rows));
}

/** Adds the `templates` command. */
export function register(program: Command): void {
  program
    .command('templates [name]')
    .description(
      "browse the OVHcloud template catalog, a server's compatible templates, one template's inputs",
    )
    .option('--server <service>', 'only the templates compatible with this server, and its disk groups')
    .option('--format <format>', 'text or json', 'text')
    .action(async (name: string | undefined, opts: { server?: string; format: string }) => {
      if (opts.format !== 'text' && opts.format !== 'json') {
        throw configError('usage', `--format must be text or json, got "${opts.format}"`);
      }
      await runTemplates(await openApi(), {
        ...(name !== undefined ? { name } : {}),
        ...(opts.server !== undefined ? { server: opts.server } : {}),
        format: opts.format,
        now: systemClock.now(),
      });
    });
}
