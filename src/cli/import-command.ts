/**
 * `ovh-fleet import [--repo DIR] [--out DIR]`: writes one spec per server of the account,
 * declaring the OS it runs now (and its reverse DNS name as hostname where the template asks for
 * one), so that the first plan of the imported fleet adopts everything and reinstalls nothing.
 * Existing files are never overwritten. Servers whose OS cannot be declared are listed on stderr.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import type { Command } from 'commander';
import { systemClock, type Clock } from '../core/clock.js';
import { isServiceName } from '../core/service-name.js';
import { EXIT_OK } from '../core/errors.js';
import { importServer } from '../import/import-spec.js';
import type { OvhApi } from '../ovh/ovh-api.js';
import type { Template } from '../ovh/types.js';
import { openApi } from './context.js';

/** Options of one import run. */
export interface ImportRunOptions {
  repo: string;
  /** Where the spec files go; default `servers/imported` under the repository. */
  out?: string | undefined;
  api: OvhApi;
  clock?: Clock;
  print?: (s: string) => void;
  printErr?: (s: string) => void;
}

/** The counts of one import run. */
export interface ImportResult {
  written: string[];
  kept: string[];
  skipped: { serviceName: string; reason: string }[];
}

/** Imports every server of the account; returns what was written, kept and skipped. */
export async function runImport(options: ImportRunOptions): Promise<ImportResult> {
  const print = options.print ?? ((s: string) => process.stdout.write(s));
  const printErr = options.printErr ?? ((s: string) => process.stderr.write(s));
  const repo = resolve(options.repo);
  const out = resolve(repo, options.out ?? 'servers/imported');
  const today = new Date((options.clock ?? systemClock).now()).toISOString().slice(0, 10);
  const schemaPath = relative(out, join(repo, 'schemas/server.schema.json'));

  const infos = new Map(
    (await options.api.listTemplateInfos({ priority: 'background' })).map((i) => [i.templateName, i]),
  );
  const templates = new Map<string, Template>();
  const result: ImportResult = { written: [], kept: [], skipped: [] };
  await mkdir(out, { recursive: true });
  for (const serviceName of (await options.api.listServers({ priority: 'plan' })).sort()) {
    if (!isServiceName(serviceName)) {
      result.skipped.push({ serviceName, reason: 'not a usable service name' });
      printErr(`ovh-fleet import: skipped ${JSON.stringify(serviceName)}: not a usable service name\n`);
      continue;
    }
    const server = await options.api.getServer(serviceName, { priority: 'plan' });
    if (infos.has(server.os) && !templates.has(server.os)) {
      templates.set(server.os, await options.api.getTemplate(server.os, { priority: 'background' }));
    }
    const decision = importServer(server, { infos, templates }, { today, schemaPath });
    if (decision.kind === 'skipped') {
      result.skipped.push(decision);
      printErr(`ovh-fleet import: skipped ${serviceName}: ${decision.reason}\n`);
      continue;
    }
    const path = join(out, decision.fileName);
    try {
      await writeFile(path, decision.text, { flag: 'wx' });
      result.written.push(relative(repo, path));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      result.kept.push(relative(repo, path));
    }
  }
  print(
    `ovh-fleet import: ${result.written.length} spec(s) written to ${relative(repo, out) || '.'}, ` +
      `${result.kept.length} existing file(s) kept, ${result.skipped.length} server(s) skipped\n`,
  );
  return result;
}

export function register(program: Command): void {
  program
    .command('import')
    .description('write a spec for every server of the account, declaring the OS it runs now')
    .option('--repo <dir>', 'the fleet repository', '.')
    .option('--out <dir>', 'where to write the specs (default: servers/imported in the repository)')
    .action(async (opts: { repo: string; out?: string }) => {
      await runImport({ repo: opts.repo, out: opts.out, api: await openApi() });
      process.exitCode = EXIT_OK;
    });
}
