/**
 * `ovh-fleet demo [--speed X] [--keep-running]`: the whole loop on the embedded defaults (see
 * src/demo/run-demo.ts). Needs no OVHcloud account and no network: the simulator runs on loopback.
 */
import type { Command } from 'commander';
import { configError } from '../core/errors.js';
import { runDemo, type DemoCommands } from '../demo/run-demo.js';
import { historyText } from './history-command.js';
import { simulatorProbes } from './sim-probes.js';
import { runPlan } from './plan-command.js';
import { statusText } from './status-command.js';

/** The commands the demo shows, as the command line runs them. */
export const demoCommands: DemoCommands = {
  plan: runPlan,
  history: (serviceName, repo) => historyText(serviceName, repo),
  status: statusText,
};

export function register(program: Command): void {
  program
    .command('demo')
    .description(
      'run the whole loop on the embedded defaults: simulator, example fleet, daemon, a merged pull request',
    )
    .option('--speed <x>', 'simulator time scale (60: a reinstall takes about 11 s)', '60')
    .option('--keep-running', 'leave the simulator and the daemon running at the end, to try your own change')
    .action(async (opts: { speed: string; keepRunning?: boolean }) => {
      const speed = Number(opts.speed);
      if (!Number.isFinite(speed) || speed < 1 || speed > 10_000) {
        throw configError('usage', `--speed must be a number from 1 to 10000, not ${opts.speed}`);
      }
      await runDemo({
        speed,
        keepRunning: opts.keepRunning ?? false,
        print: (line) => process.stdout.write(`${line}\n`),
        commands: demoCommands,
        probes: simulatorProbes,
      });
    });
}
