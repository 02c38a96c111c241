/**
 * Every command of the CLI, one module each. A command module exports `register(program)`, which
 * adds its subcommand; the action receives parsed options and returns nothing (it sets
 * process.exitCode for non-zero results) or throws a FleetError. Modules are loaded lazily: a run
 * of one command loads only that command's module (start-up time matters for CI jobs and hooks);
 * help and unknown commands load them all.
 */
import type { Command } from 'commander';

interface CommandModule {
  register(program: Command): void;
}

/** In the order `ovh-fleet --help` lists them. */
const COMMANDS: ReadonlyArray<{ name: string; load: () => Promise<CommandModule> }> = [
  { name: 'validate', load: () => import('./validate-command.js') },
  { name: 'plan', load: () => import('./plan-command.js') },
  { name: 'apply', load: () => import('./apply-command.js') },
  { name: 'daemon', load: () => import('./daemon-command.js') },
  { name: 'status', load: () => import('./status-command.js') },
  { name: 'history', load: () => import('./history-command.js') },
  { name: 'ack-rewrite', load: () => import('./ack-rewrite-command.js') },
  { name: 'templates', load: () => import('./templates-command.js') },
  { name: 'schemas', load: () => import('./schemas-command.js') },
  { name: 'import', load: () => import('./import-command.js') },
  { name: 'sim', load: () => import('./sim-command.js') },
  { name: 'demo', load: () => import('./demo-command.js') },
];

/** Registers the command named in `argv` (the first word that is not an option), or all of them. */
export async function registerCommands(program: Command, argv: readonly string[]): Promise<void> {
  const named = argv.find((arg) => !arg.startsWith('-'));
  if (named === undefined && (argv.includes('--version') || argv.includes('-V'))) return;
  const only = COMMANDS.filter((c) => c.name === named);
  for (const command of only.length > 0 ? only : COMMANDS) (await command.load()).register(program);
}
