import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { daemonLaunchOf } from '../../src/bench/daemon-launch.js';

const unitPath = new URL('../../systemd/ovh-fleet.service', import.meta.url).pathname;
const unit = readFileSync(unitPath, 'utf8');

function values(key: string): string[] {
  return [...unit.matchAll(new RegExp(`^${key}=(.*)$`, 'gm'))].map((m) => m[1] ?? '');
}

describe('systemd/ovh-fleet.service', () => {
  it.each([
    ['Type', 'exec'],
    ['DynamicUser', 'yes'],
    ['StateDirectory', 'ovh-fleet'],
    ['Restart', 'on-failure'],
    ['KillMode', 'mixed'],
    ['NoNewPrivileges', 'yes'],
    ['ProtectSystem', 'strict'],
    ['MemoryDenyWriteExecute', 'no'],
  ])('sets %s=%s', (key, value) => {
    expect(values(key)).toEqual([value]);
  });

  it('passes OVHcloud credentials with LoadCredential=, never in the environment', () => {
    const credentials = values('LoadCredential').map((v) => v.split(':')[0]);

    expect(credentials).toEqual(expect.arrayContaining(['ovh-application-secret', 'ovh-consumer-key']));
    expect(values('Environment').join(' ')).not.toMatch(/OVH_(APPLICATION|CONSUMER|CLIENT)/);
    expect(unit).not.toMatch(/^EnvironmentFile=/m);
  });

  it('starts the daemon command', () => {
    expect(values('ExecStart')[0]).toMatch(/dist\/cli\/main\.js daemon --config /);
  });

  it('passes systemd-analyze verify without any output', () => {
    const result = spawnSync('systemd-analyze', ['verify', unitPath], { encoding: 'utf8' });

    expect(result.status).toBe(0);
    expect(result.stdout + result.stderr).toBe('');
  });

  it('starts node with the memory settings the RSS bench measures (docs/operations.md#memory)', () => {
    expect(daemonLaunchOf(unit)).toEqual({
      nodeFlags: ['--optimize-for-size', '--enable-source-maps'],
      env: { MALLOC_ARENA_MAX: '2' },
    });
  });
});
