/**
 * Commit statuses on GitLab through `@gitbeaker/rest`: `POST /projects/:id/statuses/:sha` with
 * `name` (the context), `state`, `description` and `target_url`. GitLab's states: `running` while a
 * server reinstalls or verifies, `success`, and `failed` for both failure and error (GitLab has no
 * error state; the description carries the reason code). Setting the state a status already has is
 * a success, not an error (GitLab refuses the transition).
 */
import { Gitlab } from '@gitbeaker/rest';
import type { CommitState, CommitStatus, CommitStatusPort } from './commit-status.js';
import { forgeError, forgeMessageOf, httpStatusOf } from './forge-error.js';

/** How a GitLab project is reached. */
export interface GitlabTarget {
  /** The instance's base URL, e.g. `https://gitlab.com`. */
  apiUrl: string;
  /** `group/subgroup/project`, or the numeric project id. */
  projectPath: string;
  /** Reads the token at each call (forge-token.ts). */
  token: () => string;
  /** Milliseconds before a request is given up (default 10 s). */
  timeoutMs?: number;
}

const STATE: Record<CommitState, 'running' | 'success' | 'failed'> = {
  pending: 'running',
  success: 'success',
  failure: 'failed',
  error: 'failed',
};

/** The commit-status API of one project. */
export class GitlabCommitStatus implements CommitStatusPort {
  constructor(private readonly target: GitlabTarget) {}

  async set(s: CommitStatus): Promise<void> {
    const api = new Gitlab({
      host: this.target.apiUrl,
      token: this.target.token(),
      queryTimeout: this.target.timeoutMs ?? 10_000,
    });
    try {
      await api.Commits.editStatus(this.target.projectPath, s.sha, STATE[s.state], {
        name: s.context,
        description: s.description,
        ...(s.targetUrl ? { targetUrl: s.targetUrl } : {}),
      });
    } catch (e) {
      // Setting the state a status already has is refused ("Cannot transition status via :run
      // from :running"): the commit already shows what we meant to say.
      if (httpStatusOf(e) === 400 && /cannot transition status/i.test(forgeMessageOf(e))) return;
      throw forgeError('GitLab', e);
    }
  }
}
