/**
 * Commit statuses on GitHub through the real `@octokit/rest`, against a local server that checks
 * every request against GitHub's published REST description (@octokit/openapi): the Statuses API
 * for a personal or fine-grained token, the Checks API (one run per server and commit, completed
 * in place, with a summary) for a GitHub App's token.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GithubCommitStatus } from '../../src/forge/github-commit-status.js';
import { ForgeError } from '../../src/forge/forge-error.js';
import { tokenReader } from '../../src/forge/forge-token.js';
import { GithubApiFake } from '../support/github-api-fake.js';

const SHA = 'a'.repeat(40);
let github: GithubApiFake;
const dir = mkdtempSync(join(tmpdir(), 'forge-gh-'));
const tokenFile = join(dir, 'token');
beforeAll(async () => {
  github = await GithubApiFake.start();
});
afterAll(() => github.close());

function client(token: string, checks?: boolean): GithubCommitStatus {
  writeFileSync(tokenFile, `${token}\n`);
  return new GithubCommitStatus({
    apiUrl: github.url,
    owner: 'acme',
    repo: 'fleet',
    token: tokenReader(tokenFile),
    ...(checks === undefined ? {} : { checks }),
  });
}

describe('GitHub commit statuses', () => {
  it('sets pending then success with the Statuses API, every request conforming to the description', async () => {
    const gh = client('github_pat_example');
    const base = {
      sha: SHA,
      context: 'ovh-fleet/ns1.example.net',
      targetUrl: 'https://git.example/status/ns1.yaml',
    };
    await gh.set({ ...base, state: 'pending', description: 'reinstalling' });
    await gh.set({ ...base, state: 'success', description: 'ready' });
    expect(github.violations).toEqual([]);
    expect(
      github.statuses.filter((s) => s.sha === SHA).map((s) => [s.context, s.state, s.target_url]),
    ).toEqual([
      ['ovh-fleet/ns1.example.net', 'pending', base.targetUrl],
      ['ovh-fleet/ns1.example.net', 'success', base.targetUrl],
    ]);
  });

  it("uses the Checks API for a GitHub App's token: one run per context, completed in place with a summary", async () => {
    const gh = client('ghs_installation');
    const sha = 'b'.repeat(40);
    await gh.set({
      sha,
      context: 'ovh-fleet/ns2',
      state: 'pending',
      description: 'reinstalling',
      summary: '## plan entry',
    });
    await gh.set({
      sha,
      context: 'ovh-fleet/ns2',
      state: 'error',
      description: 'failed: task-error',
      summary: '## plan entry',
    });
    expect(github.violations).toEqual([]);
    const runs = github.checkRuns.filter((r) => r.head_sha === sha);
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ name: 'ovh-fleet/ns2', status: 'completed', conclusion: 'failure' });
    expect(runs[0]!.output).toEqual({ title: 'failed: task-error', summary: '## plan entry' });
  });

  it('the fake does catch a request that breaks the description', async () => {
    const res = await fetch(`${github.url}/repos/acme/fleet/statuses/${SHA}`, {
      method: 'POST',
      headers: { authorization: 'token x', 'content-type': 'application/json' },
      body: JSON.stringify({ state: 'running' }),
    });
    expect(res.status).toBe(422);
    expect(github.violations.pop()).toMatch(/repos\/create-commit-status: body/);
  });

  it('a refusal or an outage is a ForgeError with the status and never the token', async () => {
    const gh = client('github_pat_SECRET_VALUE', false);
    github.failWith = 502;
    const failed = await gh
      .set({ sha: SHA, context: 'ovh-fleet/x', state: 'pending', description: 'd' })
      .catch((e: unknown) => e);
    github.failWith = null;
    expect(failed).toBeInstanceOf(ForgeError);
    expect((failed as ForgeError).httpStatus).toBe(502);
    expect((failed as ForgeError).retryable).toBe(true);
    expect(String((failed as Error).message)).not.toContain('SECRET_VALUE');
  });

  it('reads the token at every call, so a rotated token needs no restart', async () => {
    writeFileSync(tokenFile, 'first');
    const gh = new GithubCommitStatus({
      apiUrl: github.url,
      owner: 'acme',
      repo: 'fleet',
      token: tokenReader(tokenFile),
      checks: false,
    });
    await gh.set({ sha: SHA, context: 'ovh-fleet/r', state: 'pending', description: 'p' });
    writeFileSync(tokenFile, '');
    await expect(
      gh.set({ sha: SHA, context: 'ovh-fleet/r', state: 'success', description: 's' }),
    ).rejects.toThrow(/holds no single token/);
  });
});
