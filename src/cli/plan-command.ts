/**
 * `ovh-fleet plan [--repo DIR] [--format text|markdown|json] [--out FILE] [--detailed-exitcode]
 * [--offline] [--state-dir DIR]`: reads the specs and status records, observes the API (through
 * the observation cache of the state directory), makes the plan and renders it. Exit codes
 * (DESIGN.md §3): 0; 1 when the plan has invalid servers, fleet.yaml is invalid or API errors; 2 with
 * --detailed-exitcode when it contains reinstalls (and nothing worse); 64 on bad usage.
 */
import { secretRuleFromEnv } from '../core/secret-rule.js';
import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { systemClock, type Clock } from '../core/clock.js';
import { configError } from '../core/errors.js';
import type { OvhApi } from '../ovh/ovh-api.js';
import { makePlan } from '../plan/make-plan.js';
import { MemoryObservationCache, openFileObservationCache, type ObserveStats } from '../observe/index.js';
import { gatherPlanInput } from '../pipeline/plan-input.js';
import { summaryLine } from '../plan/render/describe.js';
import { repoRecordHistory } from './git-history-reader.js';
import { renderPlanJson } from '../plan/render/render-json.js';
import { renderPlanMarkdown } from '../plan/render/render-markdown.js';
import { renderPlanText } from '../plan/render/render-text.js';
import type { Plan } from '../plan/types.js';
import { openFleetApi } from './context.js';
import { exitCodeOf, gitRevision, resolveStateDir, useColor } from './shell-options.js';

/** The output formats of `plan`. */
export type PlanFormat = 'text' | 'markdown' | 'json';

const FORMATS: readonly PlanFormat[] = ['text', 'markdown', 'json'];

/** Options of one plan run (the command's flags, plus what tests inject). */
export interface PlanRunOptions {
  repo: string;
  format: PlanFormat;
  /** Write the rendering here instead of standard output (a one-line summary is still printed). */
  out?: string | undefined;
  detailedExitcode?: boolean;
  /** Without an api the plan is offline: nothing is called, API facts are unknown. */
  api?: OvhApi | undefined;
  /** Where the observation cache lives; undefined: an in-memory cache (nothing kept). */
  stateDir?: string | undefined;
  clock?: Clock;
  /** ANSI colours in the text format. */
  color?: boolean;
  /** The commit of the specs; default `git rev-parse HEAD` in the repository. */
  revision?: string;
  /** Standard output and error (tests capture them). */
  print?: (s: string) => void;
  printErr?: (s: string) => void;
}

/** The outcome of a plan run: the exit code and, for callers that want them, the plan and its cost. */
export interface PlanRunResult {
  exitCode: number;
  plan: Plan;
  stats: ObserveStats;
}

/** Runs one plan and prints it; returns the exit code (and the plan). */
export async function runPlan(options: PlanRunOptions): Promise<PlanRunResult> {
  const stdout = options.print ?? ((s: string) => process.stdout.write(s));
  const stderr = options.printErr ?? ((s: string) => process.stderr.write(s));
  const clock = options.clock ?? systemClock;
  const offline = options.api === undefined;
  const cache =
    offline || options.stateDir === undefined
      ? new MemoryObservationCache()
      : await openFileObservationCache(options.stateDir);
  const revision = options.revision ?? (await gitRevision(options.repo));
  const recordHistory = await repoRecordHistory(options.repo);
  const gathered = await gatherPlanInput({
    repo: options.repo,
    api: options.api,
    cache,
    clock,
    revision,
    ...(recordHistory ? { recordHistory } : {}),
    secrets: secretRuleFromEnv(process.env),
  });
  const plan = makePlan(gathered.input);
  try {
    await cache.flush();
  } catch (error) {
    // Losing the cache costs API calls on the next run, never correctness.
    stderr(`ovh-fleet plan: warning: the observation cache was not written: ${(error as Error).message}\n`);
  }

  const rendering = render(plan, options.format, options.color ?? false);
  const { stats } = gathered.observation;
  const cost = offline
    ? 'offline: the API was not called, its facts are unknown'
    : `${stats.totalCalls} API calls for ${stats.servers} servers (${stats.callsPerServer.toFixed(2)} per server, ${stats.reused} from cache)` +
      listingNote(stats);
  const line = `ovh-fleet plan: ${summaryLine(plan.summary)} ${plan.planHash}; ${cost}\n`;
  if (options.out !== undefined) {
    await writeFile(options.out, rendering, 'utf8');
    stdout(`${line.trimEnd()}; written to ${options.out}\n`);
  } else {
    stdout(rendering);
    stderr(line);
  }
  return { exitCode: exitCodeOf(plan, gathered.apiErrors, options.detailedExitcode ?? false), plan, stats };
}

function render(plan: Plan, format: PlanFormat, color: boolean): string {
  if (format === 'json') return renderPlanJson(plan);
  if (format === 'markdown') return renderPlanMarkdown(plan);
  return renderPlanText(plan, { color });
}

interface PlanFlags {
  repo: string;
  format: string;
  out?: string;
  detailedExitcode?: boolean;
  offline?: boolean;
  stateDir?: string;
}

/** Adds the `plan` command. */
export function register(program: Command): void {
  program
    .command('plan')
    .description('compute the plan: what would be reinstalled, adopted, followed, deferred, and why')
    .option('--repo <dir>', 'fleet repository', '.')
    .option('--format <format>', 'text, markdown or json', 'text')
    .option('--out <file>', 'write the plan to FILE (a one-line summary still goes to standard output)')
    .option('--detailed-exitcode', 'exit 2 when the plan contains reinstalls')
    .option('--offline', 'do not call the OVHcloud API; its facts are reported as unknown')
    .option(
      '--state-dir <dir>',
      'state directory for the observation cache (default $OVH_FLEET_STATE_DIR or $XDG_STATE_HOME/ovh-fleet)',
    )
    .action(async (opts: PlanFlags) => {
      if (!(FORMATS as readonly string[]).includes(opts.format)) {
        throw configError('usage', `--format must be text, markdown or json, got "${opts.format}"`);
      }
      // The fleet's request budget (fleet.yaml api), not the default 60 per minute.
      const api = opts.offline ? undefined : await openFleetApi(opts.repo);
      const result = await runPlan({
        repo: opts.repo,
        format: opts.format as PlanFormat,
        out: opts.out,
        detailedExitcode: opts.detailedExitcode ?? false,
        api,
        stateDir: opts.offline ? undefined : resolveStateDir(opts.stateDir),
        color: opts.format === 'text' && opts.out === undefined && useColor(process.stdout),
      });
      process.exitCode = result.exitCode;
    });
}

/** Why the expanded server list was set aside (every server then observed one by one), if it was. */
function listingNote(stats: ObserveStats): string {
  if (stats.expandedListing !== 'unavailable') return '';
  return `; the expanded server list was set aside, each server observed one by one: ${stats.expandedReason ?? 'no reason given'}`;
}
