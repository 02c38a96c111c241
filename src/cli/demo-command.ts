/**
 * `ovh-fleet demo [--speed X] [--exit]`: the whole loop on the embedded defaults (see
 * src/demo/run-demo.ts). Needs no OVHcloud account and no network: the simulator runs on loopback.
 * It prints the dashboard's URL and keeps running after its change until Ctrl-C (SIGINT or
 * SIGTERM stop the daemon and the simulator, exit 0); `--exit` stops right after the change, for
 * scripts and CI. `--keep-running`, the default now, is still accepted (deprecated).
 */
import { Option, type Command } from 'commander';
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
    .option(
      '--exit',
      "stop right after the demo's change (for scripts and CI) instead of running until Ctrl-C",
    )
    .addOption(
      new Option('--keep-running', 'deprecated: keeping running until Ctrl-C is the default now').conflicts(
        'exit',
      ),
    )
    .action(async (opts: { speed: string; exit?: boolean; keepRunning?: boolean }) => {
      const speed = Number(opts.speed);
      if (!Number.isFinite(speed) || speed < 1 || speed > 10_000) {
        throw configError('usage', `--speed must be a number from 1 to 10000, not ${opts.speed}`);
      }
      const print = (line: string): void => {
        process.stdout.write(`${line}\n`);
      };
      const stop = new AbortController();
      const onSignal = (signal: NodeJS.Signals): void => {
        // A second Ctrl-C finds no listener: Node's default ends the process at once.
        process.removeListener('SIGINT', onSignal);
        process.removeListener('SIGTERM', onSignal);
        print(`\n${signal}: stopping the daemon and the simulator`);
        stop.abort();
      };
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
      try {
        await runDemo({
          speed,
          keepRunning: opts.exit !== true,
          stop: stop.signal,
          print,
          commands: demoCommands,
          probes: simulatorProbes,
        });
      } finally {
        process.removeListener('SIGINT', onSignal);
        process.removeListener('SIGTERM', onSignal);
      }
      if (stop.signal.aborted) print('Demo stopped: the daemon and the simulator are stopped.');
    });
}
