/**
 * The `notifications` section of the daemon configuration: sinks with filters, defaults, and
 * errors that name the file, the line and the field.
 */
import { describe, expect, it } from 'vitest';
import { parseDaemonConfig } from '../../src/config/daemon-config.js';
import { NO_NOTIFICATIONS } from '../../src/config/notify-config.js';
import type { FleetError } from '../../src/core/errors.js';

const BASE = 'repository:\n  url: /srv/fleet.git\n';
const FILE = '/etc/ovh-fleet/daemon.yaml';

function failure(text: string): FleetError {
  try {
    parseDaemonConfig(text, {}, { file: FILE });
  } catch (error) {
    return error as FleetError;
  }
  throw new Error('expected a configuration error');
}

describe('notifications in the daemon configuration', () => {
  it('has no sinks by default', () => {
    expect(parseDaemonConfig(BASE, {}).notifications).toEqual(NO_NOTIFICATIONS);
  });

  it('reads sinks with their filters, files relative to the configuration file', () => {
    const text = `${BASE}notifications:
  maxAttempts: 5
  sinks:
    - name: ops
      type: webhook
      url: https://hooks.example.com/ovh-fleet
      hmacKeyFile: keys/hmac
      filters:
        severity: [error]
        reason: [reinstall-task-error, rollout-halted]
        labels: { role: web }
    - name: chat
      type: slack
      urlFile: /run/credentials/ovh-fleet/slack-url
logLevel: warn
`;

    const config = parseDaemonConfig(text, {}, { file: FILE });

    expect(config.logLevel).toBe('warn');
    expect(config.notifications).toEqual({
      ...NO_NOTIFICATIONS,
      maxAttempts: 5,
      sinks: [
        {
          name: 'ops',
          type: 'webhook',
          url: 'https://hooks.example.com/ovh-fleet',
          hmacKeyFile: '/etc/ovh-fleet/keys/hmac',
          filters: {
            severities: ['error'],
            reasons: ['reinstall-task-error', 'rollout-halted'],
            labels: { role: 'web' },
          },
        },
        {
          name: 'chat',
          type: 'slack',
          urlFile: '/run/credentials/ovh-fleet/slack-url',
          filters: { severities: null, reasons: null, labels: null },
        },
      ],
    });
  });

  it.each([
    [
      'an unknown sink type',
      '    - name: a\n      type: teams\n',
      /daemon\.yaml:6: notifications\.sinks\[0\]\.type: must be webhook, slack or commit-status/,
    ],
    [
      'a missing url',
      '    - name: a\n      type: webhook\n',
      /daemon\.yaml:5: notifications\.sinks\[0\]\.url: is required/,
    ],
    [
      'plain http to another machine',
      '    - name: a\n      type: webhook\n      url: http://hooks.example.com/x\n',
      /daemon\.yaml:7: notifications\.sinks\[0\]\.url: must be https/,
    ],
    [
      'a password in the url',
      '    - name: a\n      type: webhook\n      url: https://u:p@hooks.example.com/x\n',
      /daemon\.yaml:7: notifications\.sinks\[0\]\.url: must not carry a user or password/,
    ],
    [
      'a bad severity',
      '    - name: a\n      type: slack\n      urlFile: /x\n      filters:\n        severity: [warning]\n',
      /daemon\.yaml:9: notifications\.sinks\[0\]\.filters\.severity: must be info or error/,
    ],
    [
      'an unknown filter',
      '    - name: a\n      type: slack\n      urlFile: /x\n      filters:\n        phase: [ready]\n',
      /daemon\.yaml:9: notifications\.sinks\[0\]\.filters\.phase: unknown key/,
    ],
    [
      'a Slack URL written in the configuration',
      '    - name: a\n      type: slack\n      url: https://hooks.slack.com/services/x\n',
      /daemon\.yaml:7: notifications\.sinks\[0\]\.url: unknown key/,
    ],
    [
      'two sinks of one name',
      '    - name: a\n      type: slack\n      urlFile: /x\n    - name: a\n      type: slack\n      urlFile: /y\n',
      /daemon\.yaml:8: notifications\.sinks\[1\]\.name: "a" is used twice/,
    ],
  ])('refuses %s, naming file, line and field', (_what, sinks, message) => {
    const error = failure(`${BASE}notifications:\n  sinks:\n${sinks}`);

    expect(error.code).toBe('daemon-config-invalid');
    expect(error.message).toMatch(message);
  });

  it('refuses a bad maxAttempts and an unknown key of the section', () => {
    expect(failure(`${BASE}notifications:\n  maxAttempts: 0\n`).message).toMatch(
      /daemon\.yaml:4: notifications\.maxAttempts: must be a whole number, 1 to 1000/,
    );
    expect(failure(`${BASE}notifications:\n  retries: 3\n`).message).toMatch(
      /daemon\.yaml:4: notifications\.retries: unknown key/,
    );
  });
});
