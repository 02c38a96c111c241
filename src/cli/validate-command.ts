/**
 * `ovh-fleet validate [--repo DIR] [--format text|json] [--offline] [--state-dir DIR]`: checks every spec and
 * fleet.yaml. Text: one line per problem on stdout, `FILE:LINE:COL severity CODE message`,
 * sorted, and a summary on stderr. JSON: `{"diagnostics": [...], "offline", "summary"}`.
 * Exit 0 without errors (warnings allowed), 1 with errors, 64 on bad usage.
 */
import { secretRuleFromEnv } from '../core/secret-rule.js';
import { join } from 'node:path';
import type { Command } from 'commander';
import { systemClock } from '../core/clock.js';
import { formatDiagnostic, sortDiagnostics, type Diagnostic } from '../core/diagnostic.js';
import { configError, EXIT_FAILURE, EXIT_OK } from '../core/errors.js';
import type { OvhApi } from '../ovh/ovh-api.js';
import { loadSpecs } from '../pipeline/load.js';
import { validateWithFacts } from '../pipeline/validate.js';
import { createCatalogFactsReader } from '../validate/catalog-facts.js';
import { resolveStateDir } from './shell-options.js';
import { openFleetApi } from './context.js';

/** Options of one validate run. */
export interface ValidateRunOptions {
  repo: string;
  format: 'text' | 'json';
  /** Without an api the run is offline: schema and storage rules only. */
  api?: OvhApi;
  now?: number;
  /** Keeps the compiled schemas between runs (`<state dir>/schema-cache`); none: compile each run. */
  compiledCacheDir?: string;
  out?: (s: string) => void;
  err?: (s: string) => void;
}

/** Runs validation and prints the result; returns the exit code. */
export async function runValidate(options: ValidateRunOptions): Promise<number> {
  const out = options.out ?? ((s: string) => process.stdout.write(s));
  const err = options.err ?? ((s: string) => process.stderr.write(s));
  // The pipeline's load stage for specs only (schema checks; validate reads no status record), then, with the API, its validate stage's read with
  // the facts of the servers the specs name.
  const loaded = await loadSpecs({
    repo: options.repo,
    secrets: secretRuleFromEnv(process.env),
    ...(options.compiledCacheDir ? { compiledCacheDir: options.compiledCacheDir } : {}),
  });
  let fleet = loaded.fleet;
  if (options.api) {
    const names = new Set(loaded.fleet.specs.map((s) => s.serviceName));
    for (const i of loaded.fleet.invalid) if (i.serviceName) names.add(i.serviceName);
    const now = options.now ?? systemClock.now();
    const facts = await createCatalogFactsReader(options.api, systemClock).read([...names]);
    fleet = await validateWithFacts(loaded, facts, now);
  }
  const diagnostics = sortDiagnostics(fleet.diagnostics);
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = diagnostics.length - errors;
  const files = fleet.specs.length + fleet.invalid.length;
  const offline = options.api === undefined;
  if (options.format === 'json') {
    out(
      `${JSON.stringify({ diagnostics: diagnostics.map(jsonDiagnostic), offline, summary: { errors, warnings, files } }, null, 2)}\n`,
    );
  } else {
    for (const d of diagnostics) out(`${formatDiagnostic(d)}\n`);
  }
  const skipped = offline ? '; offline: catalog, compatibility and account checks were skipped' : '';
  err(`ovh-fleet validate: ${files} spec files, ${errors} errors, ${warnings} warnings${skipped}\n`);
  return errors > 0 ? EXIT_FAILURE : EXIT_OK;
}

function jsonDiagnostic(d: Diagnostic): Diagnostic {
  return {
    file: d.file,
    line: d.line,
    column: d.column,
    severity: d.severity,
    code: d.code,
    message: d.message,
  };
}

/** Adds the `validate` command. */
export function register(program: Command): void {
  program
    .command('validate')
    .description('check every server spec and fleet.yaml against the catalog-derived schemas')
    .option('--repo <dir>', 'fleet repository', '.')
    .option('--format <format>', 'text or json', 'text')
    .option('--offline', 'skip the API checks (catalog dates, compatibility, account, hardware)')
    .option(
      '--state-dir <dir>',
      'state directory (keeps compiled schemas); default $OVH_FLEET_STATE_DIR or $XDG_STATE_HOME/ovh-fleet',
    )
    .action(async (opts: { repo: string; format: string; offline?: boolean; stateDir?: string }) => {
      if (opts.format !== 'text' && opts.format !== 'json') {
        throw configError('usage', `--format must be text or json, got "${opts.format}"`);
      }
      // The fleet's request budget (fleet.yaml api), not the default 60 per minute.
      const api = opts.offline ? undefined : await openFleetApi(opts.repo);
      process.exitCode = await runValidate({
        repo: opts.repo,
        format: opts.format,
        compiledCacheDir: join(resolveStateDir(opts.stateDir, process.env), 'schema-cache'),
        ...(api ? { api } : {}),
      });
    });
}
