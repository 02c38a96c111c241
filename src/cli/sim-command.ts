/**
 * `ovh-fleet sim`: runs the OVHcloud API simulator until SIGINT/SIGTERM. The first line on
 * standard output is exactly `ovh-fleet sim: listening on https://127.0.0.1:PORT/1.0`; the next
 * lines give the credentials to use and the path of cert.pem.
 */
import type { Command } from 'commander';
import { configError } from '../core/errors.js';
import {
  DEFAULT_CREDENTIALS,
  DEFAULT_FAULTS,
  DEFAULT_REQUEST_LOG_CAPACITY,
  parseFaultSpec,
  startSimulator,
} from '../sim/index.js';

interface SimOptions {
  port: string;
  host: string;
  tlsDir?: string;
  servers: string;
  seed: string;
  speed: string;
  state?: string;
  faults?: string;
  appKey?: string;
  appSecret?: string;
  consumerKey?: string;
  readOnlyConsumerKey?: string;
}

function integer(name: string, text: string, min: number): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < min)
    throw configError('usage', `--${name} must be an integer >= ${min}, got "${text}"`);
  return value;
}

const HELP = `
Defaults of the credentials (fake, for the simulator only):
  --app-key ${DEFAULT_CREDENTIALS.appKey}
  --app-secret ${DEFAULT_CREDENTIALS.appSecret}
  --consumer-key ${DEFAULT_CREDENTIALS.consumerKey}
  --read-only-consumer-key ${DEFAULT_CREDENTIALS.readOnlyConsumerKey}   (GET only)

Signatures: $1$ + SHA1(AS+CK+METHOD+URL+BODY+TS), URL with or without the port.
X-Ovh-Timestamp must be within +-${DEFAULT_FAULTS.timestampToleranceSec} s of the simulator clock (GET /auth/time),
else 400 QUERY_TIME_OUT "Query out of time" (set timestampToleranceSec=0 in --faults to disable).

--faults takes JSON or key=value pairs separated by commas, e.g.
  --faults rateLimitPerMinute=60,errorRate=0.1,latencyMs=50,latencyJitterMs=20
  --faults '{"dropRate":0.05,"ambiguousWrites":true,"taskFailureRate":0.2}'
Keys: rateLimitPerMinute (per consumer key, 429 + Retry-After), errorRate (share of 500/503),
latencyMs, latencyJitterMs (real ms), dropRate (share of connections destroyed without answer),
taskFailureRate (share of reinstall tasks ending in customerError/ovhError), ambiguousWrites
(true: a 5xx/drop on POST .../reinstall strikes after the task was created), timestampToleranceSec,
taskListLagMs (GET .../task leaves out tasks younger than this, sim ms), lostReinstallAnswers
(share of POST .../reinstall whose task is created but whose answer is dropped).
Expanded listing (X-Pagination-Mode: CachedObjectList-Pages): expandedCacheMs (staleness of the
cached object list without Pragma: no-cache, default ${DEFAULT_FAULTS.expandedCacheMs}), expandedPageSizeLimit (default
${DEFAULT_FAULTS.expandedPageSizeLimit}), expandedAnswer (faithful, ids, missing-object, extra-object, malformed-object,
wrong-total, shifting-list).

Tasks: a reinstall takes 11 min 05 s / --speed (init 1%, todo until 5%, then 21 install steps);
finished tasks are purged 72 h (sim time) after they end. The request log keeps the last
${DEFAULT_REQUEST_LOG_CAPACITY} requests.
Control endpoints (no auth): GET|DELETE /_sim/requests, GET|POST /_sim/faults,
GET|POST /_sim/clock {"advanceMs": n}, GET /_sim/account, GET|POST /_sim/servers/{serviceName},
POST /_sim/servers/{serviceName}/tasks, GET /_sim/probe-target?target=IP&port=N, GET /_sim/probe-map.

Probes: every server answers on loopback, at 127.1.0.0 + its position + 1, on two ports shared by
all servers (printed at start): SSH banner, and HTTP/HTTPS GET / on the http port (TCP 80 and 443).
Down while a reinstall runs. Probe faults (in --faults, POST /_sim/faults, or per server in
POST /_sim/servers/{serviceName}): probeFault (none, never-comes-back, late, ssh-up-http-down,
flapping), probeLateSec (default ${DEFAULT_FAULTS.probeLateSec}), probeFlapSec (default ${DEFAULT_FAULTS.probeFlapSec}), in seconds of the simulator clock.
See docs/simulator.md, "Probing simulated servers".
`;

/** Adds the `sim` command. */
export function register(program: Command): void {
  program
    .command('sim')
    .description('Run the OVHcloud API simulator over HTTPS on loopback (until SIGINT/SIGTERM).')
    .option('--port <n>', 'port to listen on (0 = any free port)', '0')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--tls-dir <dir>', 'where cert.pem and key.pem are written (default: a new temp dir)')
    .option('--servers <n>', 'number of servers of a new account', '12')
    .option('--seed <n>', 'seed of the account, task failures and faults', '1')
    .option('--speed <x>', 'time scale of reinstall tasks (1 = ~11 min, 600 = ~1 s)', '1')
    .option('--state <file>', 'load the state from FILE if present, save it there (account, tasks, clock)')
    .option('--faults <spec>', 'faults to inject: JSON or key=value,key=value (see below)')
    .option('--app-key <key>', 'application key to accept')
    .option('--app-secret <secret>', 'application secret to accept')
    .option('--consumer-key <key>', 'consumer key granted every call')
    .option('--read-only-consumer-key <key>', 'consumer key granted GET calls only')
    .addHelpText('after', HELP)
    .action(async (opts: SimOptions) => {
      const speed = Number(opts.speed);
      if (!(speed > 0)) throw configError('usage', `--speed must be a number > 0, got "${opts.speed}"`);
      const sim = await startSimulator({
        port: integer('port', opts.port, 0),
        host: opts.host,
        ...(opts.tlsDir ? { tlsDir: opts.tlsDir } : {}),
        servers: integer('servers', opts.servers, 0),
        seed: integer('seed', opts.seed, 0),
        speed,
        ...(opts.state ? { statePath: opts.state } : {}),
        faults: parseFaultSpec(opts.faults ?? ''),
        credentials: {
          ...(opts.appKey ? { appKey: opts.appKey } : {}),
          ...(opts.appSecret ? { appSecret: opts.appSecret } : {}),
          ...(opts.consumerKey ? { consumerKey: opts.consumerKey } : {}),
          ...(opts.readOnlyConsumerKey ? { readOnlyConsumerKey: opts.readOnlyConsumerKey } : {}),
        },
      });
      // Handlers go in before the first line: a supervisor may signal as soon as it reads it.
      const stopped = new Promise<void>((resolve) => {
        const stop = (): void => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          resolve();
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
      const c = sim.credentials;
      process.stdout.write(
        [
          `ovh-fleet sim: listening on ${sim.url}`,
          `OVH_ENDPOINT=${sim.url}`,
          `OVH_APPLICATION_KEY=${c.appKey}`,
          `OVH_APPLICATION_SECRET=${c.appSecret}`,
          `OVH_CONSUMER_KEY=${c.consumerKey}`,
          `# read-only consumer key (GET only): ${c.readOnlyConsumerKey}`,
          `OVH_CA_FILE=${sim.certPath}`,
          `# probes: ssh port ${sim.probePorts.ssh}, http port ${sim.probePorts.http} on 127.1.0.1 and up; GET /_sim/probe-target?target=IP&port=N`,
          '',
        ].join('\n'),
      );
      await stopped;
      await sim.close();
      process.stdout.write('ovh-fleet sim: stopped\n');
    });
}
