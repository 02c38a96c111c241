/**
 * Commit statuses on GitHub through `@octokit/rest`: the Statuses API
 * (`POST /repos/{owner}/{repo}/statuses/{sha}`), or, when the token is a GitHub App's installation
 * token (`ghs_…`, or `checks: true` in the configuration), the Checks API: one check run per
 * server and commit, named by the context, created in progress and completed in place, with the
 * server's plan entry as its summary.
 */
import { Octokit } from '@octokit/rest';
import type { CommitState, CommitStatus, CommitStatusPort } from './commit-status.js';
import { forgeError } from './forge-error.js';

/** How a GitHub repository is reached. */
export interface GithubTarget {
  apiUrl: string;
  owner: string;
  repo: string;
  /** Reads the token at each call (forge-token.ts). */
  token: () => string;
  /** `true`: Checks API; `false`: Statuses API; absent: Checks API for an App token (`ghs_`). */
  checks?: boolean;
  /** Milliseconds before a request is given up (default 10 s). */
  timeoutMs?: number;
}

const CONCLUSION: Record<Exclude<CommitState, 'pending'>, 'success' | 'failure'> = {
  success: 'success',
  failure: 'failure',
  error: 'failure',
};

/** Octokit logs each request to the console; its failures reach us as rejections instead. */
const QUIET = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

/** The Statuses or Checks API of one repository. */
export class GithubCommitStatus implements CommitStatusPort {
  constructor(private readonly target: GithubTarget) {}

  async set(status: CommitStatus): Promise<void> {
    const token = this.target.token();
    const octokit = new Octokit({
      auth: token,
      baseUrl: this.target.apiUrl,
      userAgent: 'ovh-fleet',
      log: QUIET,
    });
    const useChecks = this.target.checks ?? token.startsWith('ghs_');
    try {
      if (useChecks) await this.setCheckRun(octokit, status);
      else await this.setStatus(octokit, status);
    } catch (e) {
      throw forgeError('GitHub', e);
    }
  }

  private request(): { signal: AbortSignal } {
    return { signal: AbortSignal.timeout(this.target.timeoutMs ?? 10_000) };
  }

  private async setStatus(octokit: Octokit, s: CommitStatus): Promise<void> {
    const { owner, repo } = this.target;
    await octokit.rest.repos.createCommitStatus({
      owner,
      repo,
      sha: s.sha,
      state: s.state,
      context: s.context,
      description: s.description,
      ...(s.targetUrl ? { target_url: s.targetUrl } : {}),
      request: this.request(),
    });
  }

  /** Updates the latest check run of this context on the commit, or creates one. */
  private async setCheckRun(octokit: Octokit, s: CommitStatus): Promise<void> {
    const { owner, repo } = this.target;
    const found = await octokit.rest.checks.listForRef({
      owner,
      repo,
      ref: s.sha,
      check_name: s.context,
      filter: 'latest',
      per_page: 1,
      request: this.request(),
    });
    const progress =
      s.state === 'pending'
        ? { status: 'in_progress' as const }
        : { status: 'completed' as const, conclusion: CONCLUSION[s.state] };
    const body = {
      owner,
      repo,
      ...progress,
      ...(s.targetUrl ? { details_url: s.targetUrl } : {}),
      output: { title: s.description, summary: s.summary ?? s.description },
      request: this.request(),
    };
    const existing = found.data.check_runs[0];
    if (existing) await octokit.rest.checks.update({ ...body, check_run_id: existing.id });
    else await octokit.rest.checks.create({ ...body, name: s.context, head_sha: s.sha });
  }
}
