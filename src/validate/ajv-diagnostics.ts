/**
 * Turns ajv's errors into diagnostics a person understands, at the YAML position of the field.
 * ajv (allErrors) reports cascades: `if`/`then` wrappers, every branch of an `anyOf`, several
 * keywords of one format rule. These collapse into one diagnostic per real problem.
 */
import type { ErrorObject } from 'ajv';
import type { ErrorCode } from '../core/codes/registry.js';
import type { Diagnostic } from '../core/diagnostic.js';
import type { ParsedFile } from '../specs/types.js';
import { suggestion } from './did-you-mean.js';

/** Human wording of each format rule, keyed by the `$defs` name that holds it. */
const RULES: Record<string, string> = {
  'value-hostname':
    'is not a valid hostname (RFC 1035: labels of at most 63 letters, digits or hyphens, each starting with a letter and ending with a letter or digit, at most 253 characters in all)',
  'value-sshPubKey':
    'is not a valid SSH public key (expected "TYPE BASE64 [comment]" with TYPE ssh-ed25519, ssh-rsa, ecdsa-sha2-nistp256/384/521 or sk-…)',
  'value-email': 'is not a valid e-mail address',
  'value-ip': 'is not a valid IPv4 or IPv6 address',
  'value-url': 'is not a valid absolute URL (scheme://…)',
  'value-uuid': 'is not a valid UUID',
  'value-date': 'is not a valid date (YYYY-MM-DD)',
  'value-time': 'is not a valid time (HH:MM or HH:MM:SS)',
  'value-hexstring': 'is not a hexadecimal string (pairs of 0-9, a-f)',
  'mount-point-unix':
    "is not a valid Unix mount point (starts with '/', at most 256 letters, digits, '.', '_', '-', '/', no trailing '/', no '.' or '..' segment; or swap)",
  'mount-point-windows':
    'is not a valid Windows mount point (a drive such as c:, at most 5 lowercase characters)',
  'lv-extras': 'is not a valid LVM logical volume name (1 to 16 letters or digits)',
  'zp-extras':
    "is not a valid zpool name (starts with a letter; letters, digits, '_', ':', '.'; at most 239)",
  reference: 'must be exactly one of {file: PATH} or {env: NAME} (NAME: letters, digits, underscores)',
};

const JSON_TYPE_NAMES: Record<string, string> = {
  boolean: 'a boolean (true or false, without quotes)',
  number: 'a number',
  integer: 'an integer',
  string: 'a string',
  object: 'a map',
  array: 'a list',
  null: 'null',
};

/** `/storage/0/partitioning` → `storage[0].partitioning`. */
export function displayPath(pointer: string): string {
  if (pointer === '') return '(document)';
  let out = '';
  for (const raw of pointer.slice(1).split('/')) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    out += /^[0-9]+$/.test(seg) ? `[${seg}]` : out === '' ? seg : `.${seg}`;
  }
  return out;
}

function childPointer(parent: string, key: string): string {
  return `${parent}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a map';
  if (typeof value === 'string')
    return `the string ${JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value)}`;
  return `${typeof value} ${String(value)}`;
}

function quote(value: unknown): string {
  const s = typeof value === 'string' ? value : JSON.stringify(value);
  return JSON.stringify(s !== undefined && s.length > 80 ? `${s.slice(0, 77)}...` : s);
}

/** The `$defs` entry an error's schemaPath lies in, when it is one of the named rules. */
function ruleOf(schemaPath: string): string | undefined {
  const m = /^#\/\$defs\/([^/]+)\//.exec(schemaPath);
  return m && RULES[m[1]!] !== undefined ? m[1] : undefined;
}

interface Draft {
  pointer: string;
  which: 'key' | 'value';
  code: ErrorCode;
  message: string;
}

/** What the file says about its template, for messages ("is not an input of debian12_64"). */
function templateOf(data: unknown): string | undefined {
  const os = (data as { operatingSystem?: unknown } | null)?.operatingSystem;
  return typeof os === 'string' ? os : undefined;
}

function draftFor(error: ErrorObject, data: unknown): Draft | undefined {
  const path = error.instancePath;
  const at = displayPath(path);
  const os = templateOf(data);
  const rule = ruleOf(error.schemaPath);
  if (rule === 'reference' && error.keyword !== 'type')
    return { pointer: path, which: 'value', code: 'schema-reference', message: `${at}: ${RULES[rule]}` };
  if (rule && error.keyword !== 'type')
    return {
      pointer: path,
      which: 'value',
      code: 'schema-format',
      message: `${at}: ${quote(error.data)} ${RULES[rule]}`,
    };
  switch (error.keyword) {
    case 'required': {
      const missing = (error.params as { missingProperty: string }).missingProperty;
      const where = displayPath(childPointer(path, missing));
      const input = path === '/customizations' && os ? ` (a mandatory input of ${os} without default)` : '';
      return {
        pointer: path,
        which: 'value',
        code: 'schema-required',
        message: `${where}: required field is missing${input}`,
      };
    }
    case 'additionalProperties': {
      const extra = (error.params as { additionalProperty: string }).additionalProperty;
      const known = Object.keys(
        (error.parentSchema as { properties?: object } | undefined)?.properties ?? {},
      );
      const pointer = childPointer(path, extra);
      const what =
        path === '/customizations' && os ? `"${extra}" is not an input of ${os}` : `unknown field "${extra}"`;
      const hint =
        suggestion(extra, known) || (known.length > 0 ? `; known fields: ${known.sort().join(', ')}` : '');
      return {
        pointer,
        which: 'key',
        code: 'schema-unknown-field',
        message: `${displayPath(pointer)}: ${what}${hint}`,
      };
    }
    case 'false schema':
      return {
        pointer: path,
        which: 'key',
        code: 'storage-unsupported',
        message: `${at}: ${unsupported(path, os)}`,
      };
    case 'type': {
      const expected = String((error.params as { type: string | string[] }).type)
        .split(',')
        .map((t) => JSON_TYPE_NAMES[t] ?? t)
        .join(' or ');
      return {
        pointer: path,
        which: 'value',
        code: 'schema-type',
        message: `${at}: expected ${expected}, got ${describe(error.data)}`,
      };
    }
    case 'enum': {
      const allowed = (error.params as { allowedValues: unknown[] }).allowedValues;
      const names = allowed.filter((v): v is string => typeof v === 'string');
      if (path === '/operatingSystem') {
        return {
          pointer: path,
          which: 'value',
          code: 'os-unknown-template',
          message: `operatingSystem: ${quote(error.data)} is not in the catalog${typeof error.data === 'string' ? suggestion(error.data, names) : ''}`,
        };
      }
      const hint = typeof error.data === 'string' ? suggestion(error.data, names) : '';
      return {
        pointer: path,
        which: 'value',
        code: 'schema-enum',
        message: `${at}: ${quote(error.data)} is not allowed (one of ${allowed.map((v) => JSON.stringify(v)).join(', ')})${hint}`,
      };
    }
    case 'const':
      return {
        pointer: path,
        which: 'value',
        code: 'schema-enum',
        message: `${at}: must be ${JSON.stringify((error.params as { allowedValue: unknown }).allowedValue)}, got ${describe(error.data)}`,
      };
    case 'propertyNames': {
      const name = (error.params as { propertyName: string }).propertyName;
      const pointer = childPointer(path, name);
      return {
        pointer,
        which: 'key',
        code: 'schema-format',
        message: `${displayPath(pointer)}: "${name}" is not a valid name here`,
      };
    }
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
    case 'minItems':
    case 'maxItems':
    case 'minLength':
    case 'maxLength':
    case 'minProperties':
    case 'maxProperties': {
      const extra =
        path === '/storage' && error.keyword === 'maxItems'
          ? ' (OVHcloud supports one disk group per reinstall)'
          : '';
      return {
        pointer: path,
        which: 'value',
        code: 'schema-range',
        message: `${at}: ${error.message ?? 'out of range'}${extra}`,
      };
    }
    case 'contains': {
      const root = /\/layout$/.test(path) ? rootOf(error.parentSchema) : undefined;
      if (root !== undefined)
        return {
          pointer: path,
          which: 'value',
          code: 'storage-mount-point',
          message: `${at}: the root mount point ${root} is missing`,
        };
      return {
        pointer: path,
        which: 'value',
        code: 'schema-invalid',
        message: `${at}: ${error.message ?? 'is not valid'}`,
      };
    }
    case 'pattern':
    case 'format':
      return {
        pointer: path,
        which: 'value',
        code: 'schema-format',
        message: `${at}: ${quote(error.data)} ${formatHint(path)}`,
      };
    default:
      return {
        pointer: path,
        which: 'value',
        code: 'schema-invalid',
        message: `${at}: ${error.message ?? 'is not valid'}`,
      };
  }
}

function formatHint(path: string): string {
  if (path === '/serviceName') return 'is not a valid service name (e.g. ns5001234.ip-51-75-1.eu)';
  if (path.endsWith('/cron')) return 'is not a cron expression of 5 or 6 fields';
  if (path.endsWith('/duration')) return 'is not a duration such as 4h, 30m or 1h30m';
  if (path.includes('/massReinstall/')) return 'is not a plan hash (sha256: and 64 hex digits)';
  if (path === '/suspend/until') return 'is not an ISO 8601 date-time';
  return 'does not have the expected format';
}

function rootOf(parentSchema: unknown): string | undefined {
  const c = (parentSchema as { contains?: { properties?: { mountPoint?: { const?: unknown } } } } | undefined)
    ?.contains;
  const root = c?.properties?.mountPoint?.const;
  return typeof root === 'string' ? root : undefined;
}

function unsupported(path: string, os: string | undefined): string {
  const t = os ?? 'this template';
  if (path.endsWith('/extras/lv')) return `LVM is not available on ${t} (the template is not lvmReady)`;
  if (path.endsWith('/extras/zp')) return `ZFS extras need zfs among the file systems of ${t}`;
  return `${t} does not support custom partitioning (noPartitioning)`;
}

/**
 * Maps ajv's errors for one file to diagnostics: cascades collapsed, one diagnostic per field and
 * problem, positioned through `parsed.positionOf`.
 */
export function diagnosticsFromAjv(errors: readonly ErrorObject[], parsed: ParsedFile): Diagnostic[] {
  const anyOfPaths = errors
    .filter((e) => e.keyword === 'anyOf' && !ruleOf(e.schemaPath))
    .map((e) => e.instancePath);
  // A wrong type makes every other complaint about the same value noise.
  // (Not a type error of one anyOf branch: another branch may accept the value's type.)
  const typePaths = new Set(
    errors
      .filter((e) => e.keyword === 'type' && !e.schemaPath.includes('/anyOf/'))
      .map((e) => e.instancePath),
  );
  const seen = new Set<string>();
  const out: Diagnostic[] = [];
  for (const error of errors) {
    if (error.keyword === 'if') continue; // the branch's own errors say what is wrong
    if (error.keyword !== 'type' && typePaths.has(error.instancePath)) continue;
    // Reported by the propertyNames / contains error itself, not per candidate.
    if (error.schemaPath.includes('/propertyNames/') || error.schemaPath.includes('/contains/')) continue;
    // Inside a generic anyOf (e.g. suspend.until: date-time or null) only the anyOf itself speaks.
    if (
      error.keyword !== 'anyOf' &&
      !ruleOf(error.schemaPath) &&
      anyOfPaths.includes(error.instancePath) &&
      error.schemaPath.includes('/anyOf/')
    )
      continue;
    const draft =
      error.keyword === 'anyOf' && !ruleOf(error.schemaPath)
        ? ({
            pointer: error.instancePath,
            which: 'value',
            code: 'schema-type',
            message: `${displayPath(error.instancePath)}: ${describe(error.data)} is not allowed here`,
          } as Draft)
        : draftFor(error, parsed.data);
    if (!draft) continue;
    // One diagnostic per rule and field: a hostname that breaks both maxLength and pattern is one problem.
    const key = `${draft.pointer}\u0000${ruleOf(error.schemaPath) ?? `${draft.code}\u0000${draft.message}`}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const pos = parsed.positionOf(draft.pointer, draft.which);
    out.push({
      file: parsed.file,
      line: pos.line,
      column: pos.column,
      severity: 'error',
      code: draft.code,
      message: draft.message,
    });
  }
  return out;
}
