/**
 * Finding: with a local remote (a mirror: a path or file:// URL) the configuration names the forge
 * with `provider` and `repository` (src/forge/forge-repo.ts: "with `provider` it also serves a
 * local remote"). Without `apiUrl`, the API base becomes `https://localhost/api/v3` (GitHub) or
 * `https://localhost` (GitLab): every status request, with the forge token in its Authorization
 * header, goes to whatever listens on port 443 of the daemon host, and the status links point to
 * https://localhost. The repository named is on github.com / gitlab.com (the defaults for a URL on
 * those hosts); nothing says "localhost".
 */
import { describe, expect, it } from 'vitest';
import { forgeRepoFromUrl } from '../../src/forge/forge-repo.js';

describe('review4: a local mirror with provider and repository, no apiUrl', () => {
  it.each(['/srv/git/fleet.git', 'file:///srv/git/fleet.git'])(
    'GitHub: %s does not send statuses (and the token) to https://localhost',
    (url) => {
      const repo = forgeRepoFromUrl(url, { provider: 'github', repository: 'acme/fleet' });
      expect({ apiUrl: repo.apiUrl, webUrl: repo.webUrl }).toEqual({
        apiUrl: 'https://api.github.com',
        webUrl: 'https://github.com/acme/fleet',
      });
    },
  );

  it('GitLab: a local mirror does not send statuses to https://localhost', () => {
    const repo = forgeRepoFromUrl('/srv/git/fleet.git', { provider: 'gitlab', repository: 'ops/fleet' });
    expect(repo.apiUrl).not.toMatch(/localhost/);
  });
});
