/**
 * `ovh-fleet apply [--repo DIR] [--yes] [--plan-hash HASH] [--wait] [--state-dir DIR]`: takes the
 * lock of the state directory, computes the plan exactly as `ovh-fleet plan` does (the pipeline's
 * gatherPlanInput with the observation cache of the state directory, makePlan, revision = the
 * repository's HEAD)
 * and executes it (src/apply). Without --yes it prints the plan and refuses (exit 64) when the
 * plan would act; --plan-hash refuses a plan that differs from the reviewed one (exit 1); --wait
 * follows every started reinstall to its end with live progress; Ctrl-C stops following (tasks
 * go on at OVHcloud; a later run adopts them). Exit 1 when a reinstall failed, or when the plan
 * has invalid specs or API errors (the valid servers are still applied). Unless --no-record, it
 * plans from its own clone of the checkout's remote, claims each batch of reinstalls in the shared
 * record of intent before posting, and records the outcomes in git (apply-record.ts). docs/apply.md.
 */
import path from 'node:path';
import type { Command } from 'commander';
import { runApplyShell, type ApplyShellOptions } from '../apply/apply-shell.js';
import type { ApplyReport } from '../apply/apply-types.js';
import { IntentJournal } from '../apply/intent-journal.js';
import { forgetSettledIntents } from '../apply/journal-attempts.js';
import { historyFromRecords } from '../apply/rollout-history.js';
import { acquireStateLock } from '../apply/state-lock.js';
import type { PrinterOutput } from '../apply/progress-printer.js';
import { systemClock, type Clock } from '../core/clock.js';
import { EXIT_FAILURE, FleetError } from '../core/errors.js';
import { secretRuleFromEnv } from '../core/secret-rule.js';
import type { ResolvedSharedIntents } from '../apply/resolve-shared-intents.js';
import { readSharedRecord } from '../pipeline/shared-record.js';
import { GitIntentClaimer } from '../git/intent-record.js';
import { gatherPlanInput, type GatheredPlanInput } from '../pipeline/plan-input.js';
import { openRecording, recordApplyOutcomes, type RecordingSession } from './apply-record.js';
import type { OvhApi } from '../ovh/ovh-api.js';
import { makePlan } from '../plan/make-plan.js';
import { openFileObservationCache } from '../observe/index.js';
import type { Plan } from '../plan/types.js';
import { checkApplyTrust } from './apply-trust.js';
import { keepRecordsWritten, planFromTrustedRecords } from './apply-trusted-records.js';
import { openApi, openFleetApi } from './context.js';
import { repoRecordHistory } from './git-history-reader.js';
import { exitCodeOf, gitRevision, resolveStateDir, useColor } from './shell-options.js';

interface ApplyFlags {
  repo: string;
  yes?: boolean;
  planHash?: string;
  wait?: boolean;
  stateDir?: string;
  allowedSigners?: string;
  record?: boolean;
  remote?: string;
  statusBranch?: string;
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
  /** false (`--no-record`): nothing is recorded in git and no shared intent is read or written. */
  record?: boolean;
  /** Git remote of the checkout to record in (default origin). */
  remote?: string | undefined;
  /** Status branch to record in (default: the checkout's branch), as the daemon's status.branch. */
  statusBranch?: string | undefined;
}

/** What one apply run gave. */
export interface ApplyRunResult {
  exitCode: number;
  plan: Plan;
  report: ApplyReport | null;
}

/** What `--no-record` gives up, printed on every such run. */
export const NO_RECORD_WARNING =
  'ovh-fleet apply: WARNING: --no-record: nothing is recorded in git. The daemon and any other writer will not see these reinstalls and may post them AGAIN (erasing the servers a second time); the status records are not updated. Use it only on a disposable test fleet that nothing else manages.\n';

/** Rounds of planning when the intent commit loses a race with another writer. */
const PLAN_ROUNDS = 3;

/** Locks the state directory, plans like `ovh-fleet plan`, and applies; throws FleetError on refusals. */
export async function runApply(options: ApplyRunOptions): Promise<ApplyRunResult> {
  const clock = options.clock ?? systemClock;
  const printErr = options.printErr ?? ((s: string) => process.stderr.write(s));
  const lock = await acquireStateLock(options.stateDir, { purpose: 'apply' });
  try {
    await checkApplyTrust({
      repo: options.repo,
      stateDir: options.stateDir,
      allowedSignersFile: options.allowedSignersFile ?? null,
    });
    if (options.record === false) {
      printErr(NO_RECORD_WARNING);
      return (await applyOnce(options, clock, printErr, null)).result;
    }
    for (let round = 1; ; round++) {
      const session = await openRecording({
        repo: options.repo,
        stateDir: options.stateDir,
        remote: options.remote,
        statusBranch: options.statusBranch,
        clock,
      });
      const { result, raced } = await applyOnce(options, clock, printErr, session);
      if (!raced || round >= PLAN_ROUNDS) return raced ? { ...result, exitCode: EXIT_FAILURE } : result;
      printErr(
        'ovh-fleet apply: another writer moved the status branch before our intent was recorded; nothing was posted; planning again\n',
      );
    }
  } finally {
    await lock.release();
  }
}

/** One round: plan (from the record clone when recording), apply, record the outcomes. */
async function applyOnce(
  options: ApplyRunOptions,
  clock: Clock,
  printErr: (s: string) => void,
  session: RecordingSession | null,
): Promise<{ result: ApplyRunResult; raced: boolean }> {
  const out = options.out ?? {
    write: (s: string) => void process.stdout.write(s),
    isTTY: Boolean(process.stdout.isTTY),
  };
  const repo = session?.root ?? options.repo;
  // Planning spends the fleet's budget too (fleet.yaml api), read before the plan's own reading.
  const planApi = options.api ?? (await openFleetApi(repo));
  // The same steps as runPlan (plan-command.ts), so that the hash is the one `plan` printed.
  const cache = await openFileObservationCache(options.stateDir);
  const revision = session?.head ?? options.revision ?? (await gitRevision(repo));
  const secretRule = secretRuleFromEnv(process.env);
  const recordHistory = await repoRecordHistory(repo);
  const read = await gatherPlanInput({
    repo,
    api: planApi,
    cache,
    clock,
    revision,
    ...(recordHistory ? { recordHistory } : {}),
    secrets: secretRule,
  });
  // With signatures verified, unsigned status records do not move a decision (apply-trusted-records.ts).
  const trusted = options.allowedSignersFile ? await planFromTrustedRecords(options.stateDir, read) : null;
  for (const name of trusted?.untrusted ?? [])
    printErr(
      `ovh-fleet apply: warning: status/${name}.yaml differs from the record kept in the state directory (status-record-untrusted): the kept record is used\n`,
    );
  const gathered = trusted?.gathered ?? read;
  const shared = session ? await readShared(session, gathered, planApi, clock, printErr) : null;
  const plan = makePlan(shared ? { ...gathered.input, applied: shared.applied } : gathered.input);
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
  const api = options.api ?? (await openApi({ ...input.policy.api, source: 'fleet.yaml' }));
  const invalidNames = new Set(input.invalid.map((i) => i.serviceName));
  const journal = new IntentJournal(options.stateDir, clock);
  const { exitCode, report } = await runApplyShell(
    plan,
    {
      api,
      clock,
      journal,
      specs: new Map(
        input.specs.filter((s) => !invalidNames.has(s.serviceName)).map((s) => [s.serviceName, s]),
      ),
      env: process.env,
      secretRule,
      policy: input.policy,
      history: historyFromRecords(shared?.applied ?? input.applied, plan),
      records: shared?.applied ?? input.applied,
      ...(options.signal ? { signal: options.signal } : {}),
      ...(session && shared
        ? {
            shared: {
              claimer: new GitIntentClaimer(session.git, session.base, session.author, session.prefix),
              writer: session.writer,
              holds: shared.holds,
            },
          }
        : {}),
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
  const outcomes = report?.outcomes ?? [];
  const refused = outcomes.find((o) => o.code === 'intent-push-refused');
  if (refused) throw new FleetError('intent-push-refused', `nothing was posted: ${refused.message}`);
  const raced = outcomes.some((o) => o.code === 'intent-race-lost');
  if (session && shared && options.yes) {
    try {
      const { commit, inGit } = await recordApplyOutcomes(
        session,
        plan,
        gathered,
        shared.applied,
        outcomes.filter((o) => o.code !== 'intent-race-lost'),
        shared.resolved,
        clock.now(),
      );
      if (commit) out.write(`Status recorded in git: ${commit}\n`);
      if (commit && trusted)
        await keepRecordsWritten(
          options.stateDir,
          trusted.kept,
          session.root,
          outcomes.map((o) => o.serviceName).concat(shared.resolved),
        );
      await forgetSettledIntents(journal, inGit).catch((error: unknown) =>
        printErr(
          `ovh-fleet apply: warning: recorded journal entries not forgotten (${(error as Error).message}); tried again next run\n`,
        ),
      );
    } catch (error) {
      printErr(
        `ovh-fleet apply: error: the status was not recorded in git (${(error as Error).message}); the shared intents are, so no writer posts these reinstalls again, and the daemon records their end\n`,
      );
      return { result: { exitCode: EXIT_FAILURE, plan, report }, raced };
    }
  }
  // Invalid specs and API errors of the plan fail the command too (DESIGN.md §3), after the
  // valid servers were applied.
  const planExit = exitCodeOf(plan, gathered.apiErrors, false);
  const code = exitCode === 0 && planExit === EXIT_FAILURE ? EXIT_FAILURE : exitCode;
  return { result: { exitCode: code, plan, report }, raced };
}

/** The shared record at the revision the plan reads: other writers' attempts resolved. */
async function readShared(
  session: RecordingSession,
  gathered: GatheredPlanInput,
  api: OvhApi,
  clock: Clock,
  printErr: (s: string) => void,
): Promise<ResolvedSharedIntents> {
  const { resolved, problems } = await readSharedRecord(
    session.git,
    { base: session.base, prefix: session.prefix },
    { planInput: gathered.input, api, clock, writer: session.writer },
  );
  for (const p of problems)
    printErr(`ovh-fleet apply: warning: ${p.file}: shared intent unreadable: ${p.message}\n`);
  return resolved;
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
      '--no-record',
      'record nothing in git (disposable test fleets only: other writers may post again)',
    )
    .option('--remote <name>', 'git remote of the checkout to record in', 'origin')
    .option(
      '--status-branch <branch>',
      "status branch to record in (the daemon's status.branch); default the checkout's branch",
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
          record: flags.record !== false,
          remote: flags.remote,
          statusBranch: flags.statusBranch,
        });
        process.exitCode = result.exitCode;
      } finally {
        process.removeListener('SIGINT', onSigint);
      }
    });
}
