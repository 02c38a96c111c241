/**
 * Every command of the CLI, one module each. A command module exports `register(program)` which
 * adds its subcommand; the action receives parsed options and returns nothing (it sets
 * process.exitCode for non-zero results) or throws a FleetError.
 */
import type { Command } from 'commander';
import { register as registerAckRewrite } from './ack-rewrite-command.js';
import { register as registerApply } from './apply-command.js';
import { register as registerDemo } from './demo-command.js';
import { register as registerDaemon } from './daemon-command.js';
import { register as registerHistory } from './history-command.js';
import { register as registerImport } from './import-command.js';
import { register as registerPlan } from './plan-command.js';
import { register as registerSchemas } from './schemas-command.js';
import { register as registerSim } from './sim-command.js';
import { register as registerStatus } from './status-command.js';
import { register as registerTemplates } from './templates-command.js';
import { register as registerValidate } from './validate-command.js';

type Register = (program: Command) => void;

/** In the order `ovh-fleet --help` lists them. */
const COMMANDS: Register[] = [
  registerValidate,
  registerPlan,
  registerApply,
  registerDaemon,
  registerStatus,
  registerHistory,
  registerAckRewrite,
  registerTemplates,
  registerSchemas,
  registerImport,
  registerSim,
  registerDemo,
];

export function registerCommands(program: Command): void {
  for (const register of COMMANDS) register(program);
}
