import type { CodeTable } from './registry.js';

/** Codes of errors raised by the daemon (src/daemon) and its configuration (src/config/daemon-config.ts). */
export const DAEMON_CODES = {
  'daemon-config-invalid': {
    summary:
      'The daemon configuration (file or OVH_FLEET_* variable) has an unknown key or a bad value; the message names the key and where it was set.',
    action:
      'Correct the key named in the message; docs/configuration.md lists every key, its variable and default.',
    exitCode: 64,
    next: 'operator',
  },
  'daemon-config-unreadable': {
    summary:
      'The daemon configuration file, or a file it names (webhook secret, deploy key), cannot be read.',
    action: 'Check the path and the permissions of the file named in the message.',
    exitCode: 64,
    next: 'operator',
  },
  'daemon-listen-failed': {
    summary: 'The daemon could not listen on the configured address (in use, or not allowed).',
    action: 'Choose a free address with `listen` (OVH_FLEET_LISTEN), or stop the other process.',
    exitCode: 64,
    next: 'operator',
  },
  'daemon-cycle-failed': {
    summary:
      'A reconcile cycle stopped before its end (git, API or internal error); nothing after the failed step ran.',
    action:
      'Read the error logged with the cycle id; the daemon retries it with backoff (15 s doubling, up to the schedule interval). /readyz turns false after 3 missed intervals.',
    exitCode: 1,
    next: 'retry',
  },
  'ack-rewrite-invalid': {
    summary: 'The revision given to `ovh-fleet ack-rewrite` is not a commit of the configured branch.',
    action: 'Give the full commit id of the new branch head (the one /api/status and the logs name).',
    exitCode: 64,
    next: 'operator',
  },
} as const satisfies CodeTable;
