#!/usr/bin/env node
/**
 * The CLI entry: the only error boundary and composition root of the command line. Commands are
 * registered from ./commands.ts; any error that reaches here becomes one line with a stable code
 * (the stack only with --debug) and the exit code the registry gives it.
 */
import { Command, CommanderError } from 'commander';
import { FleetError, EXIT_USAGE, EXIT_FAILURE } from '../core/errors.js';
import { OvhApiError } from '../ovh/errors.js';
import { registerCommands } from './commands.js';
import { VERSION } from './version.js';

export async function main(argv: string[]): Promise<number> {
  const program = new Command('ovh-fleet')
    .description(
      'Keep a fleet of OVHcloud dedicated servers on the operating systems a git repository declares.',
    )
    .version(VERSION, '-V, --version')
    .option('--debug', 'print stack traces of unexpected errors')
    .showHelpAfterError('(run ovh-fleet --help for usage)')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s), writeOut: (s) => process.stdout.write(s) });
  await registerCommands(program, argv);

  try {
    await program.parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    return reportError(error, argv.includes('--debug'));
  }
}

function reportError(error: unknown, debug: boolean): number {
  if (error instanceof CommanderError) {
    // help and version exit through here with code 0; commander already printed the message.
    if (error.exitCode === 0) return 0;
    return EXIT_USAGE;
  }
  if (error instanceof FleetError) {
    process.stderr.write(`ovh-fleet: error ${error.code}: ${error.message}\n`);
    if (debug && error.stack) process.stderr.write(`${error.stack}\n`);
    return error.exitCode;
  }
  if (error instanceof OvhApiError) {
    const status = error.status === undefined ? '' : ` (HTTP ${error.status})`;
    process.stderr.write(
      `ovh-fleet: error ${error.code}: ${error.method} ${error.path}${status}: ${error.message}\n`,
    );
    return EXIT_FAILURE;
  }
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`ovh-fleet: error internal: ${message}\n`);
  if (debug && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
  else process.stderr.write('ovh-fleet: this is a bug; run again with --debug and report it\n');
  return EXIT_FAILURE;
}

// `ovh-fleet plan | head`: a closed pipe ends the output, not the process with a stack trace.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`ovh-fleet: error internal: ${String(error)}\n`);
    process.exitCode = EXIT_FAILURE;
  },
);
