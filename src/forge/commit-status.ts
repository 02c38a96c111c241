/**
 * The port through which the daemon marks a spec commit with a server's progress: one status per
 * server (context `ovh-fleet/<serviceName>`) on the commit that asked for its reinstall. The
 * forges' own words are mapped by each adapter (github-commit-status.ts, gitlab-commit-status.ts).
 */

/** Where a server stands, in forge-neutral words. */
export type CommitState = 'pending' | 'success' | 'failure' | 'error';

/** One status to set on one commit. */
export interface CommitStatus {
  /** The full commit id. */
  sha: string;
  /** `ovh-fleet/<serviceName>`. */
  context: string;
  state: CommitState;
  /** One line: the phase and the reason code. Cut to {@link DESCRIPTION_LIMIT} characters. */
  description: string;
  /** The status record's (or dashboard's) URL, when one is configured. */
  targetUrl?: string;
  /** Markdown shown by GitHub's Checks API (the server's plan entry); statuses ignore it. */
  summary?: string;
}

/** The forge side: sets (creates or replaces) the status of a context on a commit. */
export interface CommitStatusPort {
  set(status: CommitStatus): Promise<void>;
}

/** GitHub refuses longer status descriptions; GitLab shows the first line only. */
export const DESCRIPTION_LIMIT = 140;

/** The description cut to the forges' limit, on one line. */
export function shortDescription(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length <= DESCRIPTION_LIMIT ? line : `${line.slice(0, DESCRIPTION_LIMIT - 1)}…`;
}

/** The context of a server's status. */
export function statusContext(serviceName: string): string {
  return `ovh-fleet/${serviceName}`;
}
