/**
 * `{file: PATH}` and `{env: NAME}` references inside customizations: shape, confinement to the
 * repository, size and encoding of referenced files, validity of environment variable names.
 */
import { createHash } from 'node:crypto';
import type { ErrorCode } from '../core/codes/registry.js';
import { ENV_NAME, secretRefusal, secretVerdict, type SecretRule } from '../core/secret-rule.js';
import type { EnvRef, FileRef } from './types.js';
import type { RepoFiles } from './repo-files.js';
import { MAX_REF_BYTES } from './repo-files.js';

export { ENV_NAME };

/**
 * Customizations OVHcloud receives base64-encoded (4/3 larger): their files are limited to 24 KiB
 * so that the encoded text stays within {@link MAX_REF_BYTES}.
 */
export const BASE64_FIELDS: ReadonlySet<string> = new Set(['postInstallationScript', 'configDriveUserData']);
export const MAX_BASE64_REF_BYTES = (MAX_REF_BYTES / 4) * 3;

/**
 * What resolving references needs: the repository, the secrets allow-list, a way to report, the
 * paths read so far.
 */
export interface RefContext {
  repo: RepoFiles;
  secrets: SecretRule;
  report: (code: ErrorCode, pointer: string, message: string, which?: 'key' | 'value') => void;
  references: string[];
}

const PROBLEM_CODES = {
  outside: 'ref-outside-repo',
  forbidden: 'ref-forbidden-path',
  link: 'symlink-refused',
  missing: 'ref-missing',
  'not-file': 'ref-not-file',
  'too-large': 'ref-too-large',
  unreadable: 'file-unreadable',
} as const satisfies Record<string, ErrorCode>;

/**
 * Resolves one reference object (it has a `file` or an `env` key). `field` names it in messages
 * (`customizations.postInstallationScript`); `input` is the customization or header name.
 */
export function resolveRef(
  value: Record<string, unknown>,
  pointer: string,
  field: string,
  input: string,
  ctx: RefContext,
): FileRef | EnvRef | undefined {
  const keys = Object.keys(value);
  if (keys.length !== 1) {
    ctx.report(
      'ref-invalid',
      pointer,
      `${field}: a reference is exactly {file: PATH} or {env: NAME}, found keys ${keys.join(', ')}`,
    );
    return undefined;
  }
  if ('env' in value) {
    const name = value.env;
    if (typeof name !== 'string' || !ENV_NAME.test(name)) {
      ctx.report(
        'env-name-invalid',
        `${pointer}/env`,
        `${field}: ${JSON.stringify(name)} is not a valid environment variable name`,
      );
      return undefined;
    }
    const verdict = secretVerdict(ctx.secrets, name);
    if (verdict !== 'allowed') {
      ctx.report(
        'env-not-allowed',
        `${pointer}/env`,
        `${field}: ${secretRefusal(ctx.secrets, name, verdict)}`,
      );
      return undefined;
    }
    return { kind: 'env', name };
  }
  const ref = value.file;
  if (typeof ref !== 'string' || ref.trim() === '') {
    ctx.report('ref-invalid', `${pointer}/file`, `${field}: file must be a non-empty path`);
    return undefined;
  }
  const read = ctx.repo.readRef(ref);
  ctx.references.push(read.path);
  if (!read.ok) {
    ctx.report(PROBLEM_CODES[read.problem], `${pointer}/file`, `${field}: ${read.detail}`);
    return undefined;
  }
  const limit = BASE64_FIELDS.has(input) ? MAX_BASE64_REF_BYTES : MAX_REF_BYTES;
  if (read.bytes.byteLength > limit) {
    ctx.report(
      'ref-too-large',
      `${pointer}/file`,
      `${field}: file ${read.path} is ${read.bytes.byteLength} bytes, more than the limit of ${limit} for a field sent base64-encoded`,
    );
    return undefined;
  }
  const text = decoded(read.bytes);
  if (text === undefined) {
    ctx.report('ref-not-utf8', `${pointer}/file`, `${field}: file ${read.path} is not valid UTF-8 text`);
    return undefined;
  }
  return { kind: 'file', path: ref, content: text.content, sha256: text.sha256 };
}

/**
 * Many specs reference the same few files, read once per RepoFiles (same bytes object): their
 * text and sha256 are computed once per bytes object too.
 */
const DECODED = new WeakMap<Uint8Array, { content: string; sha256: string } | null>();

function decoded(bytes: Uint8Array): { content: string; sha256: string } | undefined {
  let text = DECODED.get(bytes);
  if (text === undefined) {
    try {
      const content = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
      text = { content, sha256: createHash('sha256').update(bytes).digest('hex') };
    } catch {
      text = null;
    }
    DECODED.set(bytes, text);
  }
  return text ?? undefined;
}
