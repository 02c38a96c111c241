/**
 * The body of `ovh-fleet apply` once the plan is made: print it, refuse without --yes, apply,
 * show progress, print one result line per server, and give the exit code. The command module
 * only reads the repository, builds the adapters and calls this.
 */
import { EXIT_FAILURE, EXIT_OK, FleetError } from '../core/errors.js';
import type { Plan } from '../plan/types.js';
import { renderPlanText } from '../plan/render/render-text.js';
import { applyPlan } from './apply-plan.js';
import type { ApplyDeps, ApplyOptions, ApplyReport } from './apply-types.js';
import { createProgressPrinter, type PrinterOutput } from './progress-printer.js';

/** Flags of the command that matter here. */
export interface ApplyShellOptions {
  yes: boolean;
  wait: boolean;
  planHash?: string;
  color: boolean;
  follower?: ApplyOptions['follower'];
  post?: ApplyOptions['post'];
}

/** Prints, confirms, applies; returns the exit code (0, 1) or throws a FleetError (64 without --yes). */
export async function runApplyShell(
  plan: Plan,
  deps: ApplyDeps,
  options: ApplyShellOptions,
  out: PrinterOutput,
): Promise<{ exitCode: number; report: ApplyReport | null }> {
  out.write(renderPlanText(plan, { color: options.color }));
  out.write('\n');
  const acting = plan.summary.reinstall + plan.summary.follow + (options.wait ? plan.summary.deferred : 0);
  if (acting === 0) {
    out.write('Nothing to apply.\n');
    return { exitCode: EXIT_OK, report: null };
  }
  if (!options.yes) {
    throw new FleetError(
      'apply-confirmation-required',
      `the plan ${plan.planHash} would act on ${acting} server(s); nothing was applied. Run again with --yes --plan-hash ${plan.planHash}`,
    );
  }
  const printer = createProgressPrinter(out, () => deps.clock.now());
  const report = await applyPlan(
    plan,
    { ...deps, onEvent: (e) => (printer(e), deps.onEvent?.(e)) },
    {
      wait: options.wait,
      ...(options.planHash ? { planHash: options.planHash } : {}),
      ...(options.follower ? { follower: options.follower } : {}),
      ...(options.post ? { post: options.post } : {}),
    },
  );
  const counts = new Map<string, number>();
  for (const o of report.outcomes) counts.set(o.result, (counts.get(o.result) ?? 0) + 1);
  out.write(
    `\nApply of ${plan.planHash}: ${[...counts].map(([r, n]) => `${n} ${r}`).join(', ') || 'nothing done'}.\n`,
  );
  if (report.circuitOpen)
    out.write(
      `Circuit breaker open: ${report.failures} failures counted; no new reinstall starts until they are fixed.\n`,
    );
  const failed = report.outcomes.some((o) => o.result === 'failed') || report.journalProblems.length > 0;
  return { exitCode: failed ? EXIT_FAILURE : EXIT_OK, report };
}
