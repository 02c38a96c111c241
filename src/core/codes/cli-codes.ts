import type { CodeTable } from './registry.js';

/** Codes of errors that end a command: usage, configuration, credentials, internal bugs. */
export const CLI_CODES = {
  usage: {
    summary: 'The command line is not valid (unknown command or option, missing or bad argument).',
    action: 'Run `ovh-fleet --help` or `ovh-fleet COMMAND --help` and correct the call.',
    exitCode: 64,
    next: 'operator',
  },
  'config-invalid': {
    summary: 'A configuration value (file, environment variable or option) is not valid.',
    action: 'Correct the value named in the message; docs/configuration.md lists every option.',
    exitCode: 64,
    next: 'operator',
  },
  'credentials-missing': {
    summary: 'No usable OVHcloud credential set was found, or a set is incomplete.',
    action:
      'Set OVH_APPLICATION_KEY, OVH_APPLICATION_SECRET and OVH_CONSUMER_KEY (or OVH_CLIENT_ID and OVH_CLIENT_SECRET), in the environment or in $CREDENTIALS_DIRECTORY.',
    exitCode: 64,
    next: 'operator',
  },
  'credentials-conflict': {
    summary:
      'Both an application key set and an OAuth2 client were given; OVHcloud accepts one or the other.',
    action: 'Keep one credential set and remove the other.',
    exitCode: 64,
    next: 'operator',
  },
  'endpoint-invalid': {
    summary: 'OVH_ENDPOINT is neither a known endpoint name nor an https URL.',
    action:
      'Use ovh-eu, ovh-ca, ovh-us, kimsufi-eu, kimsufi-ca, soyoustart-eu, soyoustart-ca or https://HOST[:PORT]/1.0.',
    exitCode: 64,
    next: 'operator',
  },
  'ca-file-unreadable': {
    summary: 'The file named by OVH_CA_FILE cannot be read or holds no PEM certificate.',
    action:
      'Point OVH_CA_FILE at a readable PEM certificate (the simulator writes cert.pem in its --tls-dir).',
    exitCode: 64,
    next: 'operator',
  },
  internal: {
    summary: 'An unexpected error: a bug in ovh-fleet.',
    action: 'Run again with --debug to see the stack trace and report it.',
    exitCode: 1,
    next: 'retry',
  },
} as const satisfies CodeTable;
