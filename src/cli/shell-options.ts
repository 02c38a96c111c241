/**
 * What the `validate`, `plan` and `apply` commands resolve alike from their flags and
 * environment: the state directory, colour, the commit of the specs, and the exit code of a plan
 * (DESIGN.md §3). One copy, so `apply` plans and exits exactly as `plan` does.
 */
import { execFile } from 'node:child_process';
import { homedir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { EXIT_FAILURE, EXIT_OK, EXIT_PLAN_HAS_CHANGES } from '../core/errors.js';
import type { Plan } from '../plan/types.js';

/** The fleet policy file: an error in it suspends every reinstall. */
const FLEET_FILE = 'fleet.yaml';

/**
 * DESIGN.md §3: errors first (invalid servers, an invalid fleet.yaml, which suspends every
 * reinstall, API errors), then reinstalls with --detailed-exitcode.
 */
export function exitCodeOf(plan: Plan, apiErrors: number, detailed: boolean): number {
  const fleetInvalid = plan.diagnostics.some((d) => d.file === FLEET_FILE && d.severity === 'error');
  if (plan.summary.invalid > 0 || fleetInvalid || apiErrors > 0) return EXIT_FAILURE;
  if (detailed && plan.summary.reinstall > 0) return EXIT_PLAN_HAS_CHANGES;
  return EXIT_OK;
}

/** The repository's HEAD commit, or `unknown` when it is not a git repository. */
export async function gitRevision(repo: string): Promise<string> {
  try {
    const { stdout } = await promisify(execFile)('git', ['rev-parse', 'HEAD'], { cwd: repo });
    return stdout.trim() || 'unknown';
  } catch {
    return 'unknown';
  }
}

/** `--state-dir`, else OVH_FLEET_STATE_DIR, else `$XDG_STATE_HOME/ovh-fleet` (XDG default `~/.local/state`). */
export function resolveStateDir(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  if (flag) return path.resolve(flag);
  if (env.OVH_FLEET_STATE_DIR) return path.resolve(env.OVH_FLEET_STATE_DIR);
  const base = env.XDG_STATE_HOME || path.join(homedir(), '.local', 'state');
  return path.join(base, 'ovh-fleet');
}

/** Colour only on a terminal, and never when NO_COLOR is set (https://no-color.org). */
export function useColor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  return stream.isTTY === true && !env.NO_COLOR;
}
