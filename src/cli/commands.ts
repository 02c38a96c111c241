/**
 * Every command of the CLI, one module each. A command module exports `register(program)` which
 * adds its subcommand; the action receives parsed options and returns nothing (it sets
 * process.exitCode for non-zero results) or throws a FleetError.
 */
import type { Command } from 'commander';
import { register as registerSim } from './sim-command.js';

type Register = (program: Command) => void;

const COMMANDS: Register[] = [registerSim];

export function registerCommands(program: Command): void {
  for (const register of COMMANDS) register(program);
}
