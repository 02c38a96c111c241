/**
 * `ovh-fleet apply [--repo DIR] [--yes] [--plan-hash HASH] [--wait] [--state-dir DIR]`: computes
 * the plan once and executes it (src/apply). Without --yes it prints the plan and refuses (exit
 * 64) when the plan would act; --plan-hash refuses a plan that differs from the reviewed one
 * (exit 1); --wait follows every started reinstall to its end with live progress; Ctrl-C stops
 * following (tasks go on at OVHcloud; a later run adopts them). Exit 1 when a reinstall failed.
 */
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { runApplyShell } from '../apply/apply-shell.js';
import { historyFromRecords, observeForApply, readStatusRecords } from '../apply/apply-inputs.js';
import { IntentJournal } from '../apply/intent-journal.js';
import { systemClock } from '../core/clock.js';
import { makePlan } from '../plan/make-plan.js';
import { readFleet } from '../specs/read-fleet.js';
import { createFileValidator } from '../validate/file-validator.js';
import { loadSchemas } from '../validate/schema-files.js';
import { openApi } from './context.js';

interface ApplyFlags {
  repo: string;
  yes?: boolean;
  planHash?: string;
  wait?: boolean;
  stateDir?: string;
}

/** `--state-dir`, else OVH_FLEET_STATE_DIR, else `$XDG_STATE_HOME/ovh-fleet` (DESIGN.md §3). */
export function stateDirOf(flag: string | undefined, env: NodeJS.ProcessEnv): string {
  if (flag) return resolve(flag);
  if (env.OVH_FLEET_STATE_DIR) return resolve(env.OVH_FLEET_STATE_DIR);
  return join(env.XDG_STATE_HOME || join(homedir(), '.local', 'state'), 'ovh-fleet');
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
      '--state-dir <dir>',
      'state directory (intent journal); default $OVH_FLEET_STATE_DIR or $XDG_STATE_HOME/ovh-fleet',
    )
    .action(async (flags: ApplyFlags) => {
      process.exitCode = await runApply(flags);
    });
}

async function runApply(flags: ApplyFlags): Promise<number> {
  const clock = systemClock;
  const fleet = await readFleet(flags.repo, {
    validate: createFileValidator(loadSchemas(flags.repo).schemas),
  });
  const api = await openApi();
  const { records, diagnostics } = await readStatusRecords(flags.repo);
  const { observed, catalog } = await observeForApply(
    api,
    fleet.specs.map((s) => s.serviceName),
  );
  const invalid = fleet.invalid.map((i) => ({
    ...i,
    diagnostics: fleet.diagnostics.filter((d) => d.file === i.file),
  }));
  const plan = makePlan({
    specs: fleet.specs,
    invalid,
    policy: fleet.policy,
    observed,
    applied: records,
    catalog,
    now: clock.now(),
    revision: 'working-tree',
    diagnostics: [...fleet.diagnostics, ...diagnostics],
  });
  const controller = new AbortController();
  const onSigint = (): void => controller.abort(new Error('interrupted'));
  process.once('SIGINT', onSigint);
  try {
    const { exitCode } = await runApplyShell(
      plan,
      {
        api,
        clock,
        journal: new IntentJournal(stateDirOf(flags.stateDir, process.env), clock),
        specs: new Map(fleet.specs.map((s) => [s.serviceName, s])),
        env: process.env,
        policy: fleet.policy,
        history: historyFromRecords(records, plan),
        signal: controller.signal,
      },
      {
        yes: flags.yes ?? false,
        wait: flags.wait ?? false,
        ...(flags.planHash ? { planHash: flags.planHash } : {}),
        color: Boolean(process.stdout.isTTY) && !process.env.NO_COLOR,
      },
      { write: (s) => process.stdout.write(s), isTTY: Boolean(process.stdout.isTTY) },
    );
    return exitCode;
  } finally {
    process.removeListener('SIGINT', onSigint);
  }
}
