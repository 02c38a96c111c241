/**
 * JSON-lines logging (pino) with secrets redacted at the logger: credentials, signatures,
 * authorization headers, webhook secrets and resolved `{env}` values never reach a log line.
 * Log a fixed message with a metadata object; never interpolate values into the message.
 */
import { pino, type Logger, type DestinationStream } from 'pino';

export type { Logger } from 'pino';

export const REDACTED_PATHS = [
  'appSecret',
  'consumerKey',
  'clientSecret',
  'applicationSecret',
  'secret',
  'password',
  'token',
  'authorization',
  '*.appSecret',
  '*.consumerKey',
  '*.clientSecret',
  '*.applicationSecret',
  '*.secret',
  '*.password',
  '*.token',
  '*.authorization',
  'headers.authorization',
  'headers["x-ovh-signature"]',
  'headers["x-ovh-consumer"]',
  'headers["x-hub-signature-256"]',
  'headers["x-gitlab-token"]',
  'body.customizations.httpHeaders',
  // Any customization may come from an {env} secret (sshKey, hostname...): never log their values.
  'body.customizations',
  '*.customizations.httpHeaders',
];

export function createLogger(
  options: { level?: string; name?: string } = {},
  destination?: DestinationStream,
): Logger {
  return pino(
    {
      level: options.level ?? 'info',
      base: { svc: options.name ?? 'ovh-fleet' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    },
    destination ?? pino.destination({ dest: 2, sync: true }),
  );
}

/** A logger that writes nothing, for commands run without logging and for tests. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
