/**
 * `ovh-fleet plan` on a repository whose fleet.yaml is invalid: every reinstall is suspended, so
 * the command must fail (exit 1, DESIGN.md section 3: invalid specs) and name the file, line and
 * field, as `validate` does. Run through the real command-line process, offline.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { cli } from '../cli/run-cli.js';
import { makeRepo, removeRepos } from '../specs/temp-repo.js';

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
