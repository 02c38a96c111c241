/**
 * Commit statuses on GitLab through the real `@gitbeaker/rest`, against a local server that checks
 * GitLab's documented fields: running while a server reinstalls, then success or failed with the
 * reason in the description; setting the state a status already has is not an error.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ForgeError } from '../../src/forge/forge-error.js';
import { tokenReader } from '../../src/forge/forge-token.js';
import { GitlabCommitStatus } from '../../src/forge/gitlab-commit-status.js';
import { GitlabApiFake } from '../support/gitlab-api-fake.js';

const SHA = 'c'.repeat(40);
let gitlab: GitlabApiFake;
const dir = mkdtempSync(join(tmpdir(), 'forge-gl-'));
const tokenFile = join(dir, 'token');
beforeAll(async () => {
  gitlab = await GitlabApiFake.start();
  writeFileSync(tokenFile, 'glpat-example\n');
});
afterAll(() => gitlab.close());

const client = (): GitlabCommitStatus =>
  new GitlabCommitStatus({
    apiUrl: gitlab.url,
    projectPath: 'ops/infra/fleet',
    token: tokenReader(tokenFile),
  });

describe('GitLab commit statuses', () => {
  it('running then failed with the reason, on the nested project, with documented fields only', async () => {
    const gl = client();
    const base = {
      sha: SHA,
      context: 'ovh-fleet/ns1',
      targetUrl: 'https://gitlab.example/ops/infra/fleet/-/blob/main/status/ns1.yaml',
    };
    await gl.set({ ...base, state: 'pending', description: 'reinstalling' });
    await gl.set({ ...base, state: 'pending', description: 'verifying' });
    await gl.set({ ...base, state: 'failure', description: 'unhealthy: verification-deadline' });
    expect(gitlab.violations).toEqual([]);
    expect(gitlab.statuses.map((s) => [s.project, s.name, s.state, s.description])).toEqual([
      ['ops/infra/fleet', 'ovh-fleet/ns1', 'running', 'reinstalling'],
      ['ops/infra/fleet', 'ovh-fleet/ns1', 'failed', 'unhealthy: verification-deadline'],
    ]);
    expect(gitlab.tokens.every((t) => t === 'glpat-example')).toBe(true);
  });

  it('an outage is a retryable ForgeError', async () => {
    gitlab.failWith = 503;
    const failed = await client()
      .set({ sha: SHA, context: 'ovh-fleet/ns9', state: 'success', description: 'ready' })
      .catch((e: unknown) => e);
    gitlab.failWith = null;
    expect(failed).toBeInstanceOf(ForgeError);
    expect((failed as ForgeError).httpStatus).toBe(503);
    expect((failed as ForgeError).retryable).toBe(true);
  });
});
