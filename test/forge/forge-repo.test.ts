/**
 * The forge and repository named by the remote URL the daemon clones: GitHub's OWNER/REPO, GitLab's
 * nested project paths, self-hosted instances by configuration, and a clear reason otherwise.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { forgeRepoFromUrl, ForgeRepoError } from '../../src/forge/forge-repo.js';

describe('forgeRepoFromUrl', () => {
  it.each([
    [
      'https://github.com/acme/fleet.git',
      {
        provider: 'github',
        apiUrl: 'https://api.github.com',
        owner: 'acme',
        repo: 'fleet',
        webUrl: 'https://github.com/acme/fleet',
      },
    ],
    [
      'git@github.com:acme/fleet.git',
      {
        provider: 'github',
        apiUrl: 'https://api.github.com',
        owner: 'acme',
        repo: 'fleet',
        webUrl: 'https://github.com/acme/fleet',
      },
    ],
    [
      'ssh://git@github.com/acme/fleet',
      {
        provider: 'github',
        apiUrl: 'https://api.github.com',
        owner: 'acme',
        repo: 'fleet',
        webUrl: 'https://github.com/acme/fleet',
      },
    ],
    [
      'https://gitlab.com/ops/infra/fleet.git',
      {
        provider: 'gitlab',
        apiUrl: 'https://gitlab.com',
        projectPath: 'ops/infra/fleet',
        webUrl: 'https://gitlab.com/ops/infra/fleet',
      },
    ],
    [
      'git@gitlab.com:ops/fleet.git',
      {
        provider: 'gitlab',
        apiUrl: 'https://gitlab.com',
        projectPath: 'ops/fleet',
        webUrl: 'https://gitlab.com/ops/fleet',
      },
    ],
  ])('%s', (url, expected) => {
    expect(forgeRepoFromUrl(url)).toEqual(expected);
  });

  it('a self-hosted forge needs its provider; GitHub Enterprise gets /api/v3 unless apiUrl is set', () => {
    expect(() => forgeRepoFromUrl('ssh://git@git.example.com:2222/ops/fleet.git')).toThrow(/set provider/);
    expect(forgeRepoFromUrl('ssh://git@git.example.com:2222/ops/fleet.git', { provider: 'gitlab' })).toEqual({
      provider: 'gitlab',
      apiUrl: 'https://git.example.com',
      projectPath: 'ops/fleet',
      webUrl: 'https://git.example.com/ops/fleet',
    });
    expect(forgeRepoFromUrl('https://ghe.example.com/acme/fleet', { provider: 'github' })).toMatchObject({
      apiUrl: 'https://ghe.example.com/api/v3',
    });
    expect(
      forgeRepoFromUrl('https://ghe.example.com/acme/fleet', {
        provider: 'github',
        apiUrl: 'http://127.0.0.1:9',
      }),
    ).toMatchObject({ apiUrl: 'http://127.0.0.1:9', owner: 'acme', repo: 'fleet' });
  });

  it('the configured repository replaces the path, and with a provider serves a local remote', () => {
    expect(
      forgeRepoFromUrl('https://github.com/acme/mirror.git', { repository: 'acme/fleet' }),
    ).toMatchObject({
      owner: 'acme',
      repo: 'fleet',
    });
    expect(
      forgeRepoFromUrl('/srv/git/fleet.git', {
        provider: 'github',
        repository: 'acme/fleet',
        apiUrl: 'http://127.0.0.1:9',
      }),
    ).toEqual({
      provider: 'github',
      apiUrl: 'http://127.0.0.1:9',
      owner: 'acme',
      repo: 'fleet',
      webUrl: 'https://127.0.0.1:9/acme/fleet',
    });
    expect(() => forgeRepoFromUrl('/srv/git/fleet.git', { repository: 'acme/fleet' })).toThrow(
      ForgeRepoError,
    );
  });

  it('refuses paths that name no repository, and local remotes', () => {
    expect(() => forgeRepoFromUrl('https://github.com/acme')).toThrow(/OWNER\/REPO/);
    expect(() => forgeRepoFromUrl('https://github.com/a/b/c')).toThrow(/OWNER\/REPO/);
    expect(() => forgeRepoFromUrl('https://gitlab.com/fleet')).toThrow(/GROUP/);
    expect(() => forgeRepoFromUrl('https://github.com/a/../b')).toThrow(/not a repository path/);
    expect(() => forgeRepoFromUrl('/srv/git/fleet.git')).toThrow(ForgeRepoError);
  });

  it('any string gives a repository or a ForgeRepoError, never another failure', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string(), fc.webUrl(), fc.constantFrom('git@github.com:', 'ssh://x@y/')),
        (url) => {
          try {
            const repo = forgeRepoFromUrl(url, { provider: 'gitlab' });
            expect(repo.provider).toBe('gitlab');
          } catch (e) {
            expect(e).toBeInstanceOf(ForgeRepoError);
          }
        },
      ),
    );
  });
});
