/**
 * Remote repository addresses and names coming from configuration: classified and checked before
 * git ever sees them, so that no configured string can be read by git as an option or as an
 * exotic transport (`ext::`, `fd::`).
 */
import { isAbsolute } from 'node:path';
import { configError } from '../core/errors.js';

/** How the clone reaches its remote. */
export type RemoteKind = 'ssh' | 'https' | 'local';

/** Credentials and trust for the remote, as configured. Paths are absolute. */
export interface RemoteAuth {
  /** ssh: the deploy key (private key file). */
  sshKeyFile?: string;
  /** ssh: the known_hosts file; host keys are checked strictly against it. */
  knownHostsFile?: string;
  /** ssh: seconds before ssh gives up connecting (default 15). */
  sshConnectTimeoutSeconds?: number;
  /** https: a file holding the access token (read at every git call, so rotation needs no restart). */
  httpsTokenFile?: string;
  /** https: the user name sent with the token (default `x-access-token`, GitHub's; GitLab accepts `oauth2`). */
  httpsUser?: string;
}

const REF = /^[A-Za-z0-9._/-]+$/;

/** True when `name` is safe to hand to git as a branch or revision name. */
export function isValidRef(name: string): boolean {
  return REF.test(name) && !name.startsWith('-') && !name.includes('..') && !name.endsWith('/');
}

/** Throws `git-ref-invalid` unless {@link isValidRef}; returns the name. */
export function checkRef(name: string, what = 'branch'): string {
  if (!isValidRef(name)) {
    throw configError('git-ref-invalid', `${what} name ${JSON.stringify(name)} is not allowed`, { name });
  }
  return name;
}

/** True when `rev` is a full or abbreviated commit id. */
export function isCommitId(rev: string): boolean {
  return /^[0-9a-f]{4,64}$/.test(rev);
}

/** Throws `git-ref-invalid` unless `rev` is a commit id, `HEAD` or a valid ref name; returns it. */
export function checkRev(rev: string): string {
  if (rev === 'HEAD' || isCommitId(rev)) return rev;
  return checkRef(rev, 'revision');
}

/**
 * Classifies a repository URL: `ssh://…` or scp-like `user@host:path` → ssh; `https://…` → https;
 * `file://…` or an absolute path → local. Anything else (including `http://`, `ext::`, relative
 * paths and strings starting with `-`) is a `git-url-invalid` configuration error.
 */
export function classifyUrl(url: string): RemoteKind {
  const bad = (why: string): never => {
    throw configError('git-url-invalid', `repository URL is not usable: ${why}`, { url: redactUrl(url) });
  };
  if (url.length === 0 || url.startsWith('-')) return bad('empty or starts with "-"');
  if (/[\s\0]/.test(url)) return bad('contains white space');
  if (url.startsWith('https://')) {
    if (/^https:\/\/[^/]*@/.test(url))
      return bad('credentials must not be written in the URL; use a token file');
    return 'https';
  }
  if (url.startsWith('ssh://')) return 'ssh';
  if (url.startsWith('file://')) return 'local';
  if (/^[A-Za-z0-9._-]+@[A-Za-z0-9.-]+:[^/]/.test(url) && !url.includes('::')) return 'ssh';
  if (isAbsolute(url)) return 'local';
  return bad('use ssh://, user@host:path, https://, file:// or an absolute path');
}

/** The URL with any user information removed, for messages and logs. */
export function redactUrl(url: string): string {
  return url.replace(/^(https?:\/\/)[^/@]*@/, '$1');
}

/** `https://host[:port]/` of an https URL: the scope of the `http.<url>.extraHeader` carrying the token. */
export function httpsOrigin(url: string): string {
  const u = new URL(url);
  return `${u.protocol}//${u.host}/`;
}
