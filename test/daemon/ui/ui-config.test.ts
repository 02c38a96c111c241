import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDaemonConfig, readDaemonConfig } from '../../../src/config/daemon-config.js';
import type { FleetError } from '../../../src/core/errors.js';

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

describe('configuration ui.auth', () => {
  it('is open without a ui section', () => {
    expect(parseDaemonConfig(BASE, {}, { file: FILE }).ui).toEqual({ auth: null });
  });

  it('reads a bearer token file and a basic users file, relative to the configuration', () => {
    const bearer = parseDaemonConfig(
      `${BASE}ui:\n  auth:\n    type: bearer\n    tokenFile: ui-token\n`,
      {},
      {
        file: FILE,
      },
    );
    expect(bearer.ui).toEqual({ auth: { type: 'bearer', tokenFile: '/etc/ovh-fleet/ui-token' } });
    const basic = parseDaemonConfig(
      `${BASE}ui:\n  auth: {type: basic, usersFile: /etc/ui-users}\n`,
      {},
      {
        file: FILE,
      },
    );
    expect(basic.ui).toEqual({ auth: { type: 'basic', usersFile: '/etc/ui-users' } });
  });

  it('names the file, line and field of a bad value', () => {
    expect(failure(`${BASE}ui:\n  auth:\n    type: digest\n`).message).toBe(
      `${FILE}:5: ui.auth.type: must be bearer or basic`,
    );
    expect(failure(`${BASE}ui:\n  auth:\n    type: bearer\n    usersFile: x\n`).message).toBe(
      `${FILE}:6: ui.auth.usersFile: unknown key for type bearer (known: type, tokenFile)`,
    );
    expect(failure(`${BASE}ui:\n  auth:\n    type: basic\n`).message).toBe(
      `${FILE}:5: ui.auth.usersFile: must be the path of a file`,
    );
    expect(failure(`${BASE}ui:\n  theme: dark\n`).message).toBe(
      `${FILE}:4: ui.theme: unknown key (known: ui.auth, ui.allowedHosts)`,
    );
    expect(failure(`${BASE}ui: yes\n`).message).toMatch(/daemon\.yaml:3: ui: must be a mapping/);
    expect(failure(`${BASE}ui:\n  auth:\n    type: basic\n`).code).toBe('daemon-config-invalid');
  });

  it('reads the secret files at start and refuses a bad one naming its line', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'ui-config-'));
    const config = path.join(dir, 'daemon.yaml');
    await writeFile(path.join(dir, 'token'), 'a-token-of-enough-length\n');
    await writeFile(config, `${BASE}ui:\n  auth: {type: bearer, tokenFile: token}\n`);
    const loaded = await readDaemonConfig(config, {});
    expect(loaded.secrets.uiAuth).toEqual({ type: 'bearer', token: 'a-token-of-enough-length' });
    expect(JSON.stringify(loaded.config)).not.toContain('a-token-of-enough-length');

    await writeFile(path.join(dir, 'users'), `# operators\nann:sha256:${'ab'.repeat(32)}\nbob:secret\n`);
    await writeFile(config, `${BASE}ui:\n  auth: {type: basic, usersFile: users}\n`);
    await expect(readDaemonConfig(config, {})).rejects.toThrow(
      `${path.join(dir, 'users')}:3: ui.auth.usersFile: each line must be NAME:sha256:HEX (64 hex digits)`,
    );

    await writeFile(path.join(dir, 'token'), 'short\n');
    await writeFile(config, `${BASE}ui:\n  auth: {type: bearer, tokenFile: token}\n`);
    await expect(readDaemonConfig(config, {})).rejects.toThrow(
      /token:1: ui\.auth\.tokenFile: the token must be/,
    );
    await writeFile(config, `${BASE}ui:\n  auth: {type: bearer, tokenFile: missing}\n`);
    await expect(readDaemonConfig(config, {})).rejects.toMatchObject({ code: 'daemon-config-unreadable' });
  });
});
