/**
 * Which forge hosts the fleet repository, and the repository's name there, derived from the
 * remote URL the daemon clones (`https://github.com/acme/fleet.git`, `git@gitlab.com:ops/infra/fleet.git`,
 * `ssh://git@git.example.com:2222/ops/fleet`). The provider is recognised for github.com and
 * gitlab.com; any other host needs `provider` (and, for GitHub Enterprise or a self-managed GitLab,
 * `apiUrl`) in the configuration. `repository` in the configuration replaces the URL's path; with
 * `provider` it also serves a local remote (a mirror), whose URL names no forge.
 */

import { trimEndOf } from '../core/trim-end.js';

/** The forges that get commit statuses. */
export type ForgeProvider = 'github' | 'gitlab';

/** A repository on a forge, as its API names it. */
export type ForgeRepo = (
  | { provider: 'github'; apiUrl: string; owner: string; repo: string }
  | { provider: 'gitlab'; apiUrl: string; projectPath: string }
) & {
  /** The repository's page on the forge's web UI, e.g. `https://github.com/acme/fleet`. */
  webUrl: string;
};

/** What the configuration may say instead of (or on top of) the URL. */
export interface ForgeOverride {
  provider?: ForgeProvider;
  /** The API's base URL: `https://github.example.com/api/v3`, `https://gitlab.example.com`. */
  apiUrl?: string;
  /** The repository's path on the forge (`OWNER/REPO`, `GROUP/.../PROJECT`) instead of the URL's. */
  repository?: string;
}

/** Why a remote URL names no forge repository. */
export class ForgeRepoError extends Error {}

/** Host and path of a remote URL: https, ssh:// or scp-like `user@host:path`. */
function hostAndPath(url: string): { host: string; path: string } {
  const full = /^(?:https|ssh):\/\/(?:[^@/]*@)?([^/:]+)(?::\d+)?\/(.+)$/.exec(url);
  if (full) return { host: full[1]!.toLowerCase(), path: full[2]! };
  const scp = /^[A-Za-z0-9._-]+@([A-Za-z0-9.-]+):(?!\/)(.+)$/.exec(url);
  if (scp) return { host: scp[1]!.toLowerCase(), path: scp[2]! };
  throw new ForgeRepoError('the remote URL is not an https, ssh:// or user@host:path URL');
}

/** The repository named by `url` on its forge. Throws {@link ForgeRepoError} with a reason. */
export function forgeRepoFromUrl(url: string, override: ForgeOverride = {}): ForgeRepo {
  let parsed: { host: string; path: string } | null = null;
  try {
    parsed = hostAndPath(url);
  } catch (e) {
    // A local remote (a mirror, a test) names no forge: provider and repository must be given.
    if (!(override.repository && override.provider)) throw e;
  }
  // A mirror's forge is the provider's public one unless apiUrl names another (its host then).
  const publicHost = override.provider === 'gitlab' ? 'gitlab.com' : 'github.com';
  const host = parsed?.host ?? (override.apiUrl ? new URL(override.apiUrl).host : publicHost);
  const path = parsed?.path ?? '';
  const segments = trimEndOf(override.repository ?? path, '/')
    .replace(/\.git$/, '')
    .split('/');
  if (segments.some((s) => s === '' || s === '.' || s === '..')) {
    throw new ForgeRepoError(`the remote URL's path "${path}" is not a repository path`);
  }
  const provider =
    override.provider ?? (host === 'github.com' ? 'github' : host === 'gitlab.com' ? 'gitlab' : undefined);
  if (provider === undefined) {
    throw new ForgeRepoError(`the forge of host "${host}" is not known: set provider (github or gitlab)`);
  }
  if (provider === 'github') {
    if (segments.length !== 2) {
      throw new ForgeRepoError(`a GitHub repository path is OWNER/REPO, not "${segments.join('/')}"`);
    }
    const apiUrl =
      override.apiUrl ?? (host === 'github.com' ? 'https://api.github.com' : `https://${host}/api/v3`);
    const webUrl = `https://${host}/${segments.join('/')}`;
    return { provider, apiUrl, owner: segments[0]!, repo: segments[1]!, webUrl };
  }
  if (segments.length < 2) {
    throw new ForgeRepoError(`a GitLab project path is GROUP[/SUBGROUP...]/PROJECT, not "${segments[0]}"`);
  }
  const projectPath = segments.join('/');
  return {
    provider,
    apiUrl: override.apiUrl ?? `https://${host}`,
    projectPath,
    webUrl: `https://${host}/${projectPath}`,
  };
}
