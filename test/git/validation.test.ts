import { describe, expect, it } from 'vitest';
import { buildCommitMessage, isPushRace, parseTrailerLines } from '../../src/git/commit-message.js';
import { checkStatusPath } from '../../src/git/status-files.js';
import { classifyUrl, isValidRef, redactUrl } from '../../src/config/git-remote.js';

describe('repository URLs', () => {
  it.each([
    ['git@github.com:acme/fleet.git', 'ssh'],
    ['ssh://git@example.com:2222/fleet.git', 'ssh'],
    ['https://gitlab.example.com/acme/fleet.git', 'https'],
    ['file:///srv/fleet.git', 'local'],
    ['/srv/fleet.git', 'local'],
  ])('classifies %s as %s', (url, kind) => {
    expect(classifyUrl(url)).toBe(kind);
  });

  it.each([
    '-uploadpack=x',
    '--upload-pack=touch /tmp/x',
    'ext::sh -c touch% /tmp/pwned',
    'fd::17',
    'http://example.com/fleet.git',
    'https://user:token@example.com/fleet.git',
    'relative/path',
    '',
  ])('refuses %j', (url) => {
    expect(() => classifyUrl(url)).toThrow(expect.objectContaining({ code: 'git-url-invalid' }));
  });

  it('never repeats credentials of a URL in messages', () => {
    expect(redactUrl('https://user:tok@example.com/x.git')).toBe('https://example.com/x.git');
  });
});

describe('ref names', () => {
  it.each(['main', 'fleet/status', 'release-1.2', 'a_b'])('accepts %s', (name) => {
    expect(isValidRef(name)).toBe(true);
  });

  it.each(['-b', '--force', 'a b', 'a..b', 'a:b', 'a~1', 'main^', 'x/', '', '$(x)'])('refuses %j', (name) => {
    expect(isValidRef(name)).toBe(false);
  });
});

describe('status paths', () => {
  it.each(['status/FLEET.md', 'status/ns1.example.net.yaml', 'status/sub/x.yaml'])('accepts %s', (path) => {
    expect(checkStatusPath(path, 'status')).toBe(path);
  });

  it.each([
    'servers/web-1.yaml',
    'fleet.yaml',
    'status/../servers/web-1.yaml',
    '/etc/passwd',
    'status',
    'status/',
    './status/a.yaml',
    'status//a.yaml',
    'status/.git/config',
    'statusx/a.yaml',
    'status\\..\\x',
  ])('refuses %j', (path) => {
    expect(() => checkStatusPath(path, 'status')).toThrow(
      expect.objectContaining({ code: 'git-path-refused' }),
    );
  });
});

describe('commit messages', () => {
  it('puts trailers in the last paragraph, in order, repeated keys kept', () => {
    const message = buildCommitMessage('ovh-fleet: status', 'line one\nline two', [
      { key: 'Fleet-Server', value: 'a' },
      { key: 'Fleet-Server', value: 'b' },
      { key: 'Fleet-Task', value: 'a 1' },
    ]);

    expect(message).toBe(
      'ovh-fleet: status\n\nline one\nline two\n\nFleet-Server: a\nFleet-Server: b\nFleet-Task: a 1\n',
    );
    expect(parseTrailerLines(message.split('\n\n')[2]!)).toEqual([
      { key: 'Fleet-Server', value: 'a' },
      { key: 'Fleet-Server', value: 'b' },
      { key: 'Fleet-Task', value: 'a 1' },
    ]);
  });

  it.each([
    ['two\nlines', []],
    ['ok', [{ key: 'Fleet Server', value: 'x' }]],
    ['ok', [{ key: 'Fleet-Server', value: 'x\nFleet-Plan-Hash: forged' }]],
  ])('refuses subject %j with trailers %j', (subject, trailers) => {
    expect(() => buildCommitMessage(subject, '', trailers)).toThrow();
  });
});

describe('push rejections', () => {
  it.each([
    [' ! [rejected]        HEAD -> main (fetch first)\nerror: failed to push some refs', true],
    [' ! [rejected]        HEAD -> main (non-fast-forward)', true],
    [' ! [remote rejected] HEAD -> main (failed to update ref)', true],
    [' ! [remote rejected] HEAD -> main (pre-receive hook declined)', false],
    ['remote: Permission to acme/fleet.git denied', false],
    [' ! [remote rejected] main -> main (protected branch hook declined)', false],
  ])('%j is a race: %s', (message, race) => {
    expect(isPushRace(message)).toBe(race);
  });
});
