/**
 * Runs one git command in the clone through simple-git 4.0.2 with the allow-listed environment,
 * the inactivity timeout and the shutdown signal, and turns its errors into FleetErrors.
 */
import { GitError, GitPluginError, simpleGit } from 'simple-git';
import { FleetError } from '../core/errors.js';
import { buildGitEnv } from './git-env.js';
import type { GitIdentity } from './git-repo.js';
import { redactUrl, type RemoteAuth } from '../config/git-remote.js';

/** Settings shared by every git call of one clone. */
export interface GitRunnerOptions {
  /** Absolute path of the clone's working tree. */
  dir: string;
  url: string;
  auth: RemoteAuth;
  committer: GitIdentity;
  /** Inactivity timeout of one git command in ms (simple-git `timeout.block`). */
  timeoutMs: number;
  /** Aborts the running git command (shutdown). */
  signal: AbortSignal | undefined;
}

/** Per-call extras: the author of a commit, `-c key=value` settings. */
export interface RunExtras {
  author?: GitIdentity;
  config?: string[];
}

/** Runs `git ARGS` in the clone and returns its standard output. */
export async function runGit(
  options: GitRunnerOptions,
  args: string[],
  extras: RunExtras = {},
): Promise<string> {
  const child = buildGitEnv({
    url: options.url,
    auth: options.auth,
    committer: options.committer,
    ...(extras.author ? { author: extras.author } : {}),
  });
  const git = simpleGit({
    baseDir: options.dir,
    maxConcurrentProcesses: 1,
    timeout: { block: options.timeoutMs },
    ...(options.signal ? { abort: options.signal } : {}),
    allowEnvironment: child.allowEnvironment,
    unsafe: { allowUnsafeSshCommand: child.sshCommand, allowUnsafeConfigEnvCount: child.configEnv },
    config: extras.config ?? [],
  }).env(child.env);
  try {
    return await git.raw(args);
  } catch (error) {
    throw translateGitError(error, args, options.url);
  }
}

/** Turns a simple-git rejection into a FleetError with a stable code. */
export function translateGitError(error: unknown, args: readonly string[], url: string): FleetError {
  const command = `git ${args[0] ?? ''}`;
  if (error instanceof FleetError) return error;
  if (error instanceof GitPluginError && error.plugin === 'timeout') {
    return new FleetError('git-timeout', `${command} printed nothing for too long and was stopped`, {
      cause: error,
      details: { command },
    });
  }
  if (error instanceof GitPluginError && error.plugin === 'abort') {
    return new FleetError('git-aborted', `${command} was stopped: shutting down`, { cause: error });
  }
  const text = error instanceof Error ? error.message : String(error);
  const message = scrub(text, url);
  return new FleetError('git-command-failed', `${command} failed: ${message.trim()}`, {
    cause: error instanceof GitError ? undefined : error,
    details: { command, gitMessage: message },
  });
}

/** Removes anything that looks like a credential (URL user info, Authorization values) from git's text. */
export function scrub(text: string, url: string): string {
  return text
    .split(url)
    .join(redactUrl(url))
    .replace(/(https?:\/\/)[^/@\s]*@/g, '$1')
    .replace(/(Authorization:\s*\w+\s+)\S+/gi, '$1[redacted]');
}
