import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildGitEnv, shellQuote, sshCommand } from '../../src/git/git-env.js';
import { makeTemplate, makeWorld, request } from './helpers.js';

let template: string;
let cleanup: () => void;
beforeAll(() => ({ template, cleanup } = makeTemplate()));
afterAll(() => cleanup());

const BOT = { name: 'ovh-fleet', email: 'bot@example.com' };
const saved = { ...process.env };
afterEach(() => {
  for (const key of ['OVH_APPLICATION_SECRET', 'OVH_CONSUMER_KEY', 'EDITOR', 'GIT_DIR', 'IMAGE_TOKEN']) {
    if (saved[key] === undefined) delete process.env[key];
    else process.env[key] = saved[key];
  }
});

describe('the environment of git children', () => {
  it('keeps OVH_* credentials, secrets, EDITOR and ambient GIT_* away from git hooks', async () => {
    const w = makeWorld(template);
    process.env.OVH_APPLICATION_SECRET = 'very-secret-value';
    process.env.OVH_CONSUMER_KEY = 'consumer-secret';
    process.env.IMAGE_TOKEN = 'image-secret';
    process.env.EDITOR = 'vi';
    process.env.GIT_DIR = '/nonexistent';
    const repo = w.repo();
    await repo.ensureClone();
    const dump = join(w.root, 'hook-env.txt');
    const hook = join(w.clone, '.git', 'hooks', 'post-commit');
    writeFileSync(hook, `#!/bin/sh\nenv > '${dump}'\n`);
    chmodSync(hook, 0o755);

    await repo.commitStatus(request({ 'status/a.yaml': 'a\n' }));

    const env = readFileSync(dump, 'utf8');
    expect(env).not.toContain('very-secret-value');
    expect(env).not.toContain('consumer-secret');
    expect(env).not.toContain('image-secret');
    expect(env).not.toMatch(/^OVH_/m);
    expect(env).not.toMatch(/^EDITOR=/m);
    expect(env).not.toMatch(/^GIT_DIR=\/nonexistent/m);
    expect(env).toMatch(/^LC_ALL=C$/m);
    expect(env).toMatch(/^GIT_TERMINAL_PROMPT=0$/m);
    expect(env).toMatch(/^GIT_COMMITTER_NAME=ovh-fleet$/m);
  });
});

describe('buildGitEnv', () => {
  const parent = {
    PATH: '/usr/bin',
    HOME: '/home/x',
    https_proxy: 'http://proxy:3128',
    OVH_APPLICATION_SECRET: 's',
    GIT_SSL_CAINFO: '/x',
    EDITOR: 'vi',
    RANDOM_THING: 'r',
  };

  it('copies only allow-listed variables and lists every GIT_* key for simple-git', () => {
    const child = buildGitEnv({ url: '/srv/fleet.git', auth: {}, committer: BOT, parent });

    expect(Object.keys(child.env).sort()).toEqual(
      [
        'GIT_AUTHOR_EMAIL',
        'GIT_AUTHOR_NAME',
        'GIT_COMMITTER_EMAIL',
        'GIT_COMMITTER_NAME',
        'GIT_LITERAL_PATHSPECS',
        'GIT_TERMINAL_PROMPT',
        'HOME',
        'LANG',
        'LC_ALL',
        'PATH',
        'https_proxy',
      ].sort(),
    );
    expect(child.allowEnvironment.sort()).toEqual(
      Object.keys(child.env)
        .filter((k) => k.startsWith('GIT_'))
        .sort(),
    );
    expect(child).toMatchObject({ sshCommand: false, configEnv: false });
  });

  it('sets a strict, prompt-free ssh command for ssh remotes', () => {
    const auth = { sshKeyFile: '/etc/ovh fleet/key', knownHostsFile: '/etc/ovh-fleet/known_hosts' };

    const child = buildGitEnv({ url: 'git@github.com:acme/fleet.git', auth, committer: BOT, parent });

    expect(child.sshCommand).toBe(true);
    expect(child.allowEnvironment).toContain('GIT_SSH_COMMAND');
    expect(child.env.GIT_SSH_COMMAND).toBe(sshCommand(auth));
    expect(child.env.GIT_SSH_COMMAND).toBe(
      "ssh -i '/etc/ovh fleet/key' -o IdentitiesOnly=yes -o UserKnownHostsFile=/etc/ovh-fleet/known_hosts " +
        '-o StrictHostKeyChecking=yes -o BatchMode=yes -o ConnectTimeout=15 -o ServerAliveInterval=15 -o ServerAliveCountMax=4',
    );
  });

  it('sends an https token as a header scoped to the host, never in the URL', () => {
    const w = makeWorld(template);
    const tokenFile = join(w.root, 'token');
    writeFileSync(tokenFile, 'ghp_secret\n');

    const child = buildGitEnv({
      url: 'https://git.example.com/acme/fleet.git',
      auth: { httpsTokenFile: tokenFile },
      committer: BOT,
      parent,
    });

    expect(child.configEnv).toBe(true);
    expect(child.env.GIT_CONFIG_COUNT).toBe('1');
    expect(child.env.GIT_CONFIG_KEY_0).toBe('http.https://git.example.com/.extraHeader');
    expect(child.env.GIT_CONFIG_VALUE_0).toBe(
      `Authorization: Basic ${Buffer.from('x-access-token:ghp_secret').toString('base64')}`,
    );
  });

  it('refuses an unreadable token file', () => {
    expect(() =>
      buildGitEnv({
        url: 'https://git.example.com/f.git',
        auth: { httpsTokenFile: '/nonexistent/t' },
        committer: BOT,
        parent,
      }),
    ).toThrow(expect.objectContaining({ code: 'git-credential-unreadable' }));
  });

  it.each([
    ['plain', 'plain'],
    ["it's", `'it'\\''s'`],
    ['a b', "'a b'"],
    ['$(x)', "'$(x)'"],
  ])('shell-quotes %j as %s', (word, quoted) => {
    expect(shellQuote(word)).toBe(quoted);
  });
});
