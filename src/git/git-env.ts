/**
 * The environment of every git child process, built from an allow-list. Nothing else of the
 * daemon's environment (OVH_* credentials, `{env}` secrets, EDITOR, ambient GIT_*) reaches git or
 * ssh. simple-git 4.0.2 rejects guarded keys passed through `.env()` unless they are listed in
 * `allowEnvironment` (and, for the ssh command, `unsafe.allowUnsafeSshCommand`).
 */
import { readFileSync } from 'node:fs';
import { configError } from '../core/errors.js';
import type { GitIdentity } from './git-repo.js';
import { classifyUrl, httpsOrigin, type RemoteAuth } from '../config/git-remote.js';

/** Variables copied from the parent environment when set. */
export const PASSED_VARIABLES = [
  'PATH',
  'HOME',
  'TMPDIR',
  'TZ',
  'SSL_CERT_FILE',
  'SSL_CERT_DIR',
  'http_proxy',
  'https_proxy',
  'no_proxy',
  'HTTP_PROXY',
  'HTTPS_PROXY',
  'NO_PROXY',
] as const;

/** What the adapter hands to simple-git for one call. */
export interface GitChildEnv {
  env: Record<string, string>;
  /** The GIT_* keys of `env`, for simple-git's `allowEnvironment`. */
  allowEnvironment: string[];
  /** True when GIT_SSH_COMMAND is set (simple-git needs `unsafe.allowUnsafeSshCommand`). */
  sshCommand: boolean;
  /** True when the https token travels in GIT_CONFIG_* (simple-git needs `unsafe.allowUnsafeConfigEnvCount`). */
  configEnv: boolean;
}

/** Inputs of {@link buildGitEnv}. */
export interface GitEnvInput {
  url: string;
  auth: RemoteAuth;
  /** Committer identity (and default author). */
  committer: GitIdentity;
  /** Author of the commit about to be made, when different from the committer. */
  author?: GitIdentity;
  /** The parent environment to copy allow-listed variables from (default `process.env`). */
  parent?: NodeJS.ProcessEnv;
}

/** Quotes one word for the POSIX shell git runs GIT_SSH_COMMAND through. */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_./:@=,+-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** The ssh command line: deploy key only, strict host key checking, never a prompt, bounded waits. */
export function sshCommand(auth: RemoteAuth): string {
  const words = ['ssh'];
  if (auth.sshKeyFile !== undefined) words.push('-i', auth.sshKeyFile, '-o', 'IdentitiesOnly=yes');
  if (auth.knownHostsFile !== undefined) words.push('-o', `UserKnownHostsFile=${auth.knownHostsFile}`);
  words.push(
    '-o',
    'StrictHostKeyChecking=yes',
    '-o',
    'BatchMode=yes',
    '-o',
    `ConnectTimeout=${auth.sshConnectTimeoutSeconds ?? 15}`,
    '-o',
    'ServerAliveInterval=15',
    '-o',
    'ServerAliveCountMax=4',
  );
  return words.map(shellQuote).join(' ');
}

/**
 * Builds the child environment. For https the token is read from its file and sent as an
 * `Authorization: Basic` header through `GIT_CONFIG_COUNT`/`GIT_CONFIG_KEY_0`/`GIT_CONFIG_VALUE_0`
 * (`http.<origin>.extraHeader`): it never appears in the remote URL, in `.git/config`, in a
 * process's argument list or in a log line, and only goes to the configured host.
 */
export function buildGitEnv(input: GitEnvInput): GitChildEnv {
  const parent = input.parent ?? process.env;
  const env: Record<string, string> = {};
  for (const key of PASSED_VARIABLES) {
    const value = parent[key];
    if (value !== undefined) env[key] = value;
  }
  const author = input.author ?? input.committer;
  Object.assign(env, {
    LC_ALL: 'C',
    LANG: 'C',
    GIT_TERMINAL_PROMPT: '0',
    // Paths from the repository (spec file names) are never read as pathspec magic or globs.
    GIT_LITERAL_PATHSPECS: '1',
    GIT_AUTHOR_NAME: author.name,
    GIT_AUTHOR_EMAIL: author.email,
    GIT_COMMITTER_NAME: input.committer.name,
    GIT_COMMITTER_EMAIL: input.committer.email,
  });
  const kind = classifyUrl(input.url);
  let ssh = false;
  let configEnv = false;
  if (kind === 'ssh') {
    env.GIT_SSH_COMMAND = sshCommand(input.auth);
    ssh = true;
  }
  if (kind === 'https' && input.auth.httpsTokenFile !== undefined) {
    const token = readToken(input.auth.httpsTokenFile);
    const basic = Buffer.from(`${input.auth.httpsUser ?? 'x-access-token'}:${token}`).toString('base64');
    env.GIT_CONFIG_COUNT = '1';
    env.GIT_CONFIG_KEY_0 = `http.${httpsOrigin(input.url)}.extraHeader`;
    env.GIT_CONFIG_VALUE_0 = `Authorization: Basic ${basic}`;
    configEnv = true;
  }
  return {
    env,
    allowEnvironment: Object.keys(env).filter((k) => k.startsWith('GIT_')),
    sshCommand: ssh,
    configEnv,
  };
}

function readToken(file: string): string {
  let token: string;
  try {
    token = readFileSync(file, 'utf8').trim();
  } catch (cause) {
    throw configError('git-credential-unreadable', `cannot read the https token file ${file}`, {
      file,
      cause: String(cause),
    });
  }
  if (token.length === 0 || /[\r\n]/.test(token)) {
    throw configError(
      'git-credential-unreadable',
      `the https token file ${file} is empty or has several lines`,
      {
        file,
      },
    );
  }
  return token;
}
