/**
 * The value of an allowed `{env: NAME}` secret, read now (apply time): the file
 * `$CREDENTIALS_DIRECTORY/NAME` (systemd `LoadCredential=NAME:...`; the file wins over the
 * variable, trailing newlines are trimmed, like the OVHcloud credentials in src/config), else the
 * environment variable NAME. Only names the rule allows are ever looked up: a reserved name
 * (credentials, OVH_*, PATH, ...) is not read from either place. Messages name, never show.
 */
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import path from 'node:path';
import { secretVerdict, type SecretRule } from '../core/secret-rule.js';

export { secretRuleFromEnv } from '../core/secret-rule.js';

/** The environment secrets are read from: `process.env` in the CLI, a plain object in tests. */
export type SecretEnv = Readonly<Record<string, string | undefined>>;

/** Largest credential file read for a secret (a customization is at most 32 KiB). */
export const MAX_SECRET_FILE_BYTES = 64 * 1024;

/** What looking a secret up gave. */
export type SecretLookup =
  | { kind: 'value'; value: string }
  | { kind: 'missing' }
  | { kind: 'not-allowed' }
  | { kind: 'unreadable'; detail: string };

/** Looks up one secret under `rule`: never reads a name the rule does not allow. */
export function lookupSecret(name: string, env: SecretEnv, rule: SecretRule): SecretLookup {
  if (secretVerdict(rule, name) !== 'allowed') return { kind: 'not-allowed' };
  const directory = env.CREDENTIALS_DIRECTORY;
  if (directory !== undefined && directory !== '') {
    const fromFile = readCredentialFile(path.join(directory, name));
    if (fromFile.kind !== 'missing') return fromFile;
  }
  const value = env[name];
  return value === undefined || value === '' ? { kind: 'missing' } : { kind: 'value', value };
}

function readCredentialFile(file: string): SecretLookup {
  let fd: number;
  try {
    // O_NONBLOCK: a FIFO put there does not hang the executor (fstat refuses it below).
    fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { kind: 'missing' };
    return { kind: 'unreadable', detail: `cannot be read (${code ?? 'error'})` };
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) return { kind: 'unreadable', detail: 'is not a regular file' };
    if (stat.size > MAX_SECRET_FILE_BYTES) {
      return { kind: 'unreadable', detail: `is larger than ${MAX_SECRET_FILE_BYTES} bytes` };
    }
    const buffer = Buffer.alloc(stat.size);
    let read = 0;
    while (read < buffer.length) {
      const n = readSync(fd, buffer, read, buffer.length - read, read);
      if (n === 0) break;
      read += n;
    }
    const value = buffer
      .subarray(0, read)
      .toString('utf8')
      .replace(/(\r?\n)+$/, '');
    return value === '' ? { kind: 'missing' } : { kind: 'value', value };
  } catch (error) {
    return {
      kind: 'unreadable',
      detail: `cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
    };
  } finally {
    closeSync(fd);
  }
}
