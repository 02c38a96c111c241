/**
 * How the shipped systemd unit starts the daemon, read from `systemd/ovh-fleet.service`: the
 * flags given to node before the script, and the memory variables of its environment. The RSS
 * bench starts the daemon the same way, so that its figure is the one operators get.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Node's flags and the `MALLOC_*` variables the unit sets. */
export interface DaemonLaunch {
  nodeFlags: string[];
  env: Record<string, string>;
}

/** Parses a unit's `ExecStart=` (node … dist/cli/main.js daemon …) and `Environment=` lines. */
export function daemonLaunchOf(unit: string): DaemonLaunch {
  const exec = /^ExecStart=(.*)$/m.exec(unit)?.[1]?.trim().split(/\s+/) ?? [];
  const script = exec.findIndex((arg) => arg.endsWith('dist/cli/main.js'));
  if (script < 1 || exec[script + 1] !== 'daemon') {
    throw new Error('the unit has no ExecStart=… node … dist/cli/main.js daemon …');
  }
  const env: Record<string, string> = {};
  for (const line of unit.matchAll(/^Environment=(.*)$/gm)) {
    for (const pair of (line[1] ?? '').trim().split(/\s+/)) {
      const m = /^(MALLOC_[A-Z_]+)=(.*)$/.exec(pair);
      if (m) env[m[1]!] = m[2]!;
    }
  }
  return { nodeFlags: exec.slice(1, script), env };
}

/** The launch of the unit in this checkout (the benches run from the repository root). */
export function shippedDaemonLaunch(root = process.cwd()): DaemonLaunch {
  return daemonLaunchOf(readFileSync(join(root, 'systemd', 'ovh-fleet.service'), 'utf8'));
}
