/**
 * `ovh-fleet daemon [--config FILE]`: the long-running reconciler (DESIGN.md §5). Reads the
 * configuration (file + OVH_FLEET_* variables + $CREDENTIALS_DIRECTORY; exit 64 on any mistake),
 * builds the OVHcloud adapter, starts the daemon and runs until SIGTERM or SIGINT, then stops in
 * order and exits 0.
 */
import type { Command } from 'commander';
import { loadCredentials } from '../config/credentials.js';
import { readDaemonConfig } from '../config/daemon-config.js';
import { createLogger } from '../core/logger.js';
import { startDaemon } from '../daemon/daemon.js';
import { createOvhApi, processBudgets, processRequestCounts } from '../ovh/create-ovh-api.js';
import { probesFor } from './sim-probes.js';

interface DaemonFlags {
  config?: string;
}

/** Adds the `daemon` command. */
export function register(program: Command): void {
  program
    .command('daemon')
    .description(
      'run the reconciler: pull, plan, apply and record status in git, on a schedule and on webhooks',
    )
    .option('--config <file>', 'daemon configuration (YAML); every key can be set by an OVH_FLEET_* variable')
    .action(async (flags: DaemonFlags) => {
      await runDaemon(flags.config);
    });
}

async function runDaemon(file: string | undefined): Promise<void> {
  // Signals that arrive while the daemon starts (clone, first listen) stop it as soon as it runs.
  let signalled: NodeJS.Signals | null = null;
  const early = (signal: NodeJS.Signals): void => {
    signalled = signal;
  };
  process.on('SIGTERM', early);
  process.on('SIGINT', early);
  const { config, secrets } = await readDaemonConfig(file, process.env);
  const logger = createLogger({ level: config.logLevel, name: 'ovh-fleet' });
  logger.info(
    {
      optimizeForSize: process.execArgv.includes('--optimize-for-size'),
      mallocArenaMax: process.env.MALLOC_ARENA_MAX ?? null,
    },
    'memory settings (docs/operations.md#memory)',
  );
  const credentials = await loadCredentials(process.env);
  const api = createOvhApi(credentials, { logger: logger.child({ component: 'ovh' }) });
  // Health checks: the simulator's loopback listeners when the endpoint is the simulator.
  const probes = await probesFor(credentials.endpoint, credentials.caPem, (message) =>
    logger.warn({ component: 'verify' }, message),
  );
  const daemon = await startDaemon(config, {
    api,
    probes,
    logger,
    secrets,
    env: process.env,
    // fleet.yaml api.requestsPerMinute is the whole budget of this credential (DESIGN.md §1.2).
    setRequestsPerMinute: (rpm) => void processBudgets.setLimit(credentials.budgetKey, rpm),
    // fleet.yaml api.steadyStateShare is the background priority's share (src/ovh/request-budget.ts).
    setApiPolicy: (policy) => void processBudgets.configure(credentials.budgetKey, policy),
    budgetStats: () => processBudgets.get(credentials.budgetKey)?.stats() ?? null,
    budgetRemaining: () => {
      const stats = processBudgets.stats();
      return stats.length === 0 ? null : Math.min(...stats.map((s) => s.stats.remaining));
    },
    apiRequestCounts: () => processRequestCounts.snapshot(),
  });
  await new Promise<void>((resolve) => {
    const onSignal = (signal: NodeJS.Signals): void => {
      logger.info({ signal }, 'signal received');
      process.removeListener('SIGTERM', onSignal);
      process.removeListener('SIGINT', onSignal);
      void daemon.stop().then(resolve);
    };
    process.removeListener('SIGTERM', early);
    process.removeListener('SIGINT', early);
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
    if (signalled !== null) onSignal(signalled);
  });
  // Everything is stopped: the process ends when its event loop drains. Should a handle outlive
  // the stop (a keep-alive socket, a library's timer), it must not hold the exit that systemd or
  // an operator waits for: say what was left, and exit 0 anyway.
  setTimeout(() => {
    logger.warn({ resources: process.getActiveResourcesInfo() }, 'handles still open after stop; exiting');
    process.exit(0);
  }, 5_000).unref();
}
