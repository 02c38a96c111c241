/**
 * `ovh-fleet apply [--repo DIR] [--yes] [--plan-hash HASH] [--wait] [--state-dir DIR]
 * [--allowed-signers FILE]`: takes the lock of the state directory, makes the daemon's trust checks
 * (apply-trust.ts: rewritten history, signatures), computes the plan exactly as `ovh-fleet plan` does (readPlanInput
 * with the observation cache of the state directory, makePlan, revision = the repository's HEAD)
 * and executes it (src/apply). Without --yes it prints the plan and refuses (exit 64) when the
 * plan would act; --plan-hash refuses a plan that differs from the reviewed one (exit 1); --wait
 * follows every started reinstall to its end with live progress; Ctrl-C stops following (tasks
 * go on at OVHcloud; a later run adopts them). Exit 1 when a reinstall failed, or when the plan
 * has invalid specs or API errors (the valid servers are still applied). docs/apply.md.
 */
import path from 'node:path';
import { secretRuleFromEnv } from '../core/secret-rule.js';
import type { Command } from 'commander';
import { runApplyShell, type ApplyShellOptions } from '../apply/apply-shell.js';
import type { ApplyReport } from '../apply/apply-types.js';
import { IntentJournal } from '../apply/intent-journal.js';
import { historyFromRecords } from '../apply/rollout-history.js';
import { acquireStateLock } from '../apply/state-lock.js';
import type { PrinterOutput } from '../apply/progress-printer.js';
import { systemClock, type Clock } from '../core/clock.js';
import { EXIT_FAILURE } from '../core/errors.js';
import type { OvhApi } from '../ovh/ovh-api.js';
import { makePlan } from '../plan/make-plan.js';
import { openFileObservationCache, readPlanInput } from '../plan/observe.js';
import type { Plan } from '../plan/types.js';
import { checkApplyTrust } from './apply-trust.js';
import { openApi } from './context.js';
import { repoRecordHistory } from './git-history-reader.js';
import { exitCodeOf, gitRevision, resolveStateDir, useColor } from './plan-command.js';

interface ApplyFlags {
  repo: string;
  yes?: boolean;
  planHash?: string;
  wait?: boolean;
  stateDir?: string;
  allowedSigners?: string;
}

/** `--state-dir`, else OVH_FLEET_STATE_DIR, else `$XDG_STATE_HOME/ovh-fleet` (DESIGN.md §3). */
export function stateDirOf(flag: string | undefined, env: NodeJS.ProcessEnv): string {
  return resolveStateDir(flag, env);
}

/** Options of one apply run (the command's flags, plus what tests inject). */
export interface ApplyRunOptions {
  repo: string;
  stateDir: string;
  yes: boolean;
  wait: boolean;
  planHash?: string | undefined;
  /**
   * ssh allowed signers file: verify the commits as the daemon does (apply-trust.ts); null or
   * absent: no signature verification (the history check is always made).
   */
  allowedSignersFile?: string | null;
  /** The API; default: built from the environment (openApi). */
  api?: OvhApi;
  clock?: Clock;
  /** The commit of the specs; default `git rev-parse HEAD` in the repository, as `plan` does. */
  revision?: string;
  color?: boolean;
  out?: PrinterOutput;
  printErr?: (s: string) => void;
  signal?: AbortSignal;
  follower?: ApplyShellOptions['follower'];
  post?: ApplyShellOptions['post'];
}

/** What one apply run gave. */
export interface ApplyRunResult {
  exitCode: number;
  plan: Plan;
  report: ApplyReport | null;
}

/** Locks the state directory, plans like `ovh-fleet plan`, and applies; throws FleetError on refusals. */
export async function runApply(options: ApplyRunOptions): Promise<ApplyRunResult> {
  const clock = options.clock ?? systemClock;
  const printErr = options.printErr ?? ((s: string) => process.stderr.write(s));
  const out = options.out ?? {
    write: (s: string) => void process.stdout.write(s),
    isTTY: Boolean(process.stdout.isTTY),
  };
  const secretRule = secretRuleFromEnv(process.env);
  const lock = await acquireStateLock(options.stateDir, { purpose: 'apply' });
  try {
    await checkApplyTrust({
      repo: options.repo,
      stateDir: options.stateDir,
      allowedSignersFile: options.allowedSignersFile ?? null,
    });
    const planApi = options.api ?? (await openApi());
    // The same steps as runPlan (plan-command.ts), so that the hash is the one `plan` printed.
    const cache = await openFileObservationCache(options.stateDir);
    const revision = options.revision ?? (await gitRevision(options.repo));
    const recordHistory = await repoRecordHistory(options.repo);
    const gathered = await readPlanInput({
      repo: options.repo,
      api: planApi,
      cache,
      clock,
      revision,
      ...(recordHistory ? { recordHistory } : {}),
      secrets: secretRule,
    });
    const plan = makePlan(gathered.input);
    try {
      await cache.flush();
    } catch (error) {
      printErr(
        `ovh-fleet apply: warning: the observation cache was not written: ${(error as Error).message}\n`,
      );
    }
    const { input } = gathered;
    // The fleet's request budget (fleet.yaml api.requestsPerMinute) governs the apply: the
    // adapter of the same credentials shares one budget, whose limit this sets.
    const api = options.api ?? (await openApi({ requestsPerMinute: input.policy.api.requestsPerMinute }));
    const invalidNames = new Set(input.invalid.map((i) => i.serviceName));
    const { exitCode, report } = await runApplyShell(
      plan,
      {
        api,
        clock,
        journal: new IntentJournal(options.stateDir, clock),
        specs: new Map(
          input.specs.filter((s) => !invalidNames.has(s.serviceName)).map((s) => [s.serviceName, s]),
        ),
        env: process.env,
        secretRule,
        policy: input.policy,
        history: historyFromRecords(input.applied, plan),
        records: input.applied,
        ...(options.signal ? { signal: options.signal } : {}),
      },
      {
        yes: options.yes,
        wait: options.wait,
        ...(options.planHash ? { planHash: options.planHash } : {}),
        color: options.color ?? false,
        ...(options.follower ? { follower: options.follower } : {}),
        ...(options.post ? { post: options.post } : {}),
      },
      out,
    );
    // Invalid specs and API errors of the plan fail the command too (DESIGN.md §3), after the
    // valid servers were applied.
    const planExit = exitCodeOf(plan, gathered.apiErrors, false);
    return { exitCode: exitCode === 0 && planExit === EXIT_FAILURE ? EXIT_FAILURE : exitCode, plan, report };
  } finally {
    await lock.release();
  }
}

/** `--allowed-signers`, else OVH_FLEET_VERIFY_ALLOWED_SIGNERS_FILE (the daemon's variable), else null. */
export function allowedSignersOf(flag: string | undefined, env: NodeJS.ProcessEnv): string | null {
  const file = flag ?? env.OVH_FLEET_VERIFY_ALLOWED_SIGNERS_FILE;
  return file ? path.resolve(file) : null;
}

/** Registers the command. */
export function register(program: Command): void {
  program
    .command('apply')
    .description('compute the plan once and execute it: post the reinstalls the limits allow')
    .option('--repo <dir>', 'fleet repository', '.')
    .option('--yes', 'really apply (without it the plan is printed and nothing is posted)')
    .option('--plan-hash <hash>', 'refuse unless the plan computed now has this hash')
    .option('--wait', 'follow every started reinstall to its end, with live progress')
    .option(
      '--allowed-signers <file>',
      'verify commit signatures as the daemon does (default $OVH_FLEET_VERIFY_ALLOWED_SIGNERS_FILE)',
    )
    .option(
      '--state-dir <dir>',
      'state directory (intent journal, lock, caches); default $OVH_FLEET_STATE_DIR or $XDG_STATE_HOME/ovh-fleet',
    )
    .action(async (flags: ApplyFlags) => {
      const controller = new AbortController();
      const onSigint = (): void => controller.abort(new Error('interrupted'));
      process.once('SIGINT', onSigint);
      try {
        const result = await runApply({
          repo: flags.repo,
          stateDir: resolveStateDir(flags.stateDir),
          yes: flags.yes ?? false,
          wait: flags.wait ?? false,
          planHash: flags.planHash,
          allowedSignersFile: allowedSignersOf(flags.allowedSigners, process.env),
          color: useColor(process.stdout),
          signal: controller.signal,
        });
        process.exitCode = result.exitCode;
      } finally {
        process.removeListener('SIGINT', onSigint);
      }
    });
}
