/**
 * `ovh-fleet plan` on a repository whose fleet.yaml is invalid: every reinstall is suspended, so
 * the command must fail (exit 1, DESIGN.md section 3: invalid specs) and name the file, line and
 * field, as `validate` does. Run through the real command-line process, offline.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { makeRepo, removeRepos } from '../specs/temp-repo.js';

const run = promisify(execFile);
const MAIN = new URL('../../dist/cli/main.js', import.meta.url).pathname;

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [MAIN, ...args], {
      env: { PATH: process.env.PATH },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

const SPEC =
  'apiVersion: ovh-fleet/v1\nkind: Server\nserviceName: ns1.ip-1-2-3.eu\noperatingSystem: debian12_64\n';

afterAll(() => removeRepos());

describe('ovh-fleet plan with an invalid fleet.yaml', () => {
  it('exits 1 and prints the diagnostic with file, line and field (maxFailures: 0)', async () => {
    const repo = makeRepo({
      'fleet.yaml': 'apiVersion: ovh-fleet/v1\nkind: Fleet\nrollout:\n  maxFailures: 0\n',
      'servers/a.yaml': SPEC,
    });

    const result = await cli(['plan', '--offline', '--repo', repo]);

    expect(result.code).toBe(1);
    expect(result.stdout).toContain('fleet.yaml:4:16');
    expect(result.stdout).toContain('rollout.maxFailures');
    expect(`${result.stdout}${result.stderr}`).not.toMatch(/\n\s+at /);
  });

  it('exits 0 with the same repository once fleet.yaml is valid', async () => {
    const repo = makeRepo({
      'fleet.yaml': 'apiVersion: ovh-fleet/v1\nkind: Fleet\nrollout:\n  maxFailures: 1\n',
      'servers/a.yaml': SPEC,
    });

    expect((await cli(['plan', '--offline', '--repo', repo])).code).toBe(0);
  });
});
