import { describe, expect, it } from 'vitest';
import { CONFIG_KEYS, parseDaemonConfig } from '../../src/config/daemon-config.js';
import { FleetError } from '../../src/core/errors.js';

const BASE = 'repository:\n  url: /srv/fleet.git\n';

function failure(text: string, env: Record<string, string> = {}): FleetError {
  try {
    parseDaemonConfig(text, env, { file: '/etc/ovh-fleet/daemon.yaml' });
  } catch (error) {
    return error as FleetError;
  }
  throw new Error('expected a configuration error');
}

describe('parseDaemonConfig', () => {
  it('fills the documented defaults', () => {
    const config = parseDaemonConfig(BASE, { HOME: '/home/ops' });

    expect(config).toMatchObject({
      repository: { url: '/srv/fleet.git', branch: 'main', path: '.', sshKeyFile: null },
      status: { branch: null },
      schedule: '*/2 * * * *',
      listen: { host: '127.0.0.1', port: 9464 },
      webhook: { secretFile: null },
      verify: { allowedSignersFile: null },
      stateDir: '/home/ops/.local/state/ovh-fleet',
      logLevel: 'info',
      taskListSettleSeconds: 600,
    });
  });

  it('takes taskListSettleSeconds as whole seconds and refuses anything else, naming the line', () => {
    expect(parseDaemonConfig(`${BASE}taskListSettleSeconds: 30\n`, {}).taskListSettleSeconds).toBe(30);
    for (const bad of ['-1', '1.5', 'ten', '90000']) {
      expect(failure(`${BASE}taskListSettleSeconds: ${bad}\n`).message).toMatch(
        /daemon\.yaml:3: taskListSettleSeconds: must be a whole number of seconds/,
      );
    }
  });

  it('lets every key be overridden by its environment variable', () => {
    const env = {
      OVH_FLEET_REPOSITORY_BRANCH: 'prod',
      OVH_FLEET_STATUS_BRANCH: 'fleet/status',
      OVH_FLEET_SCHEDULE: '*/5 * * * *',
      OVH_FLEET_LISTEN: '[::1]:9000',
      OVH_FLEET_STATE_DIR: '/var/lib/ovh-fleet',
      OVH_FLEET_LOG_LEVEL: 'debug',
      OVH_FLEET_VERIFY_ALLOWED_SIGNERS_FILE: '/etc/ovh-fleet/allowed_signers',
    };

    const config = parseDaemonConfig(`${BASE}  branch: main\nlogLevel: warn\n`, env);

    expect(config).toMatchObject({
      repository: { branch: 'prod' },
      status: { branch: 'fleet/status' },
      schedule: '*/5 * * * *',
      listen: { host: '::1', port: 9000 },
      stateDir: '/var/lib/ovh-fleet',
      logLevel: 'debug',
      verify: { allowedSignersFile: '/etc/ovh-fleet/allowed_signers' },
    });
    expect(CONFIG_KEYS.map((k) => k.env)).toContain('OVH_FLEET_REPOSITORY_SSH_KEY_FILE');
  });

  it('takes deploy-key and webhook-secret from $CREDENTIALS_DIRECTORY when the keys are unset', () => {
    const config = parseDaemonConfig(
      BASE,
      { CREDENTIALS_DIRECTORY: '/run/credentials/ovh-fleet.service' },
      {
        credentialFiles: new Set(['deploy-key', 'webhook-secret']),
      },
    );

    expect(config.repository.sshKeyFile).toBe('/run/credentials/ovh-fleet.service/deploy-key');
    expect(config.webhook.secretFile).toBe('/run/credentials/ovh-fleet.service/webhook-secret');
  });

  it.each([
    ['an unknown key', `${BASE}sheduel: x\n`, {}, /daemon.yaml:3: unknown key sheduel/],
    ['an unknown nested key', `${BASE}  brnch: main\n`, {}, /daemon.yaml:3: unknown key repository.brnch/],
    [
      'a bad cron',
      `${BASE}schedule: "61 * * * *"\n`,
      {},
      /daemon.yaml:3: schedule: .* not a valid node-cron/,
    ],
    ['a bad listen', `${BASE}listen: localhost\n`, {}, /listen: "localhost" is not HOST:PORT/],
    ['a bad level', `${BASE}logLevel: loud\n`, {}, /logLevel: must be one of/],
    ['a bad branch', `${BASE}  branch: "-x"\n`, {}, /repository.branch: "-x" is not a valid branch name/],
    [
      'a path leaving the repository',
      `${BASE}  path: ../x\n`,
      {},
      /repository.path: must be a folder inside/,
    ],
    ['a missing url', 'schedule: "* * * * *"\n', {}, /repository.url is required/],
    [
      'a bad variable',
      BASE,
      { OVH_FLEET_LISTEN: '1.2.3.4:99999' },
      /OVH_FLEET_LISTEN: port 99999 is out of range/,
    ],
    ['invalid YAML', 'repository: [\n', {}, /daemon.yaml:\d+: not valid YAML/],
  ])('refuses %s with exit 64, naming the key', (_what, text, env, message) => {
    const error = failure(text, env);

    expect(error).toBeInstanceOf(FleetError);
    expect(error.code).toBe('daemon-config-invalid');
    expect(error.exitCode).toBe(64);
    expect(error.message).toMatch(message);
  });
});

describe('secrets.allow', () => {
  it('defaults to FLEET_SECRET_*, and takes names and prefixes from the file or OVH_FLEET_SECRETS_ALLOW', () => {
    expect(parseDaemonConfig(BASE, {}).secrets).toEqual({ allow: 'FLEET_SECRET_*' });
    expect(parseDaemonConfig(`${BASE}secrets:\n  allow: IMAGE_TOKEN, APP_*\n`, {}).secrets).toEqual({
      allow: 'IMAGE_TOKEN, APP_*',
    });
    expect(parseDaemonConfig(BASE, { OVH_FLEET_SECRETS_ALLOW: 'X' }).secrets).toEqual({ allow: 'X' });
  });

  it.each(['OVH_CONSUMER_KEY', 'IMAGE_TOKEN,PATH', 'a-b', 'NODE_OPTIONS'])(
    'refuses %s with daemon-config-invalid, naming the entry',
    (allow) => {
      const error = failure(`${BASE}secrets:\n  allow: "${allow}"\n`);

      expect(error.code).toBe('daemon-config-invalid');
      expect(error.message).toMatch(/secrets\.allow/);
    },
  );
});
