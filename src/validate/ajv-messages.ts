/**
 * Every text of the diagnostics made from ajv's errors, in one place: the wording of the format
 * rules, of JSON types, and one function per message (ajv-drafts.ts picks which one applies).
 * Tests in test/validate/ check these messages byte for byte.
 */

/** Human wording of each format rule, keyed by the `$defs` name that holds it. */
export const RULES: Readonly<Record<string, string>> = {
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

const JSON_TYPE_NAMES: Readonly<Record<string, string>> = {
  boolean: 'a boolean (true or false, without quotes)',
  number: 'a number',
  integer: 'an integer',
  string: 'a string',
  object: 'a map',
  array: 'a list',
  null: 'null',
};

/** A value as a message names it: `the string "x"`, `a map`, `number 3`. */
export function describeValue(value: unknown): string {
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

/** ajv's `type` parameter (`"string,null"` or a list) in words. */
function typeNames(type: string | string[]): string {
  return String(type)
    .split(',')
    .map((t) => JSON_TYPE_NAMES[t] ?? t)
    .join(' or ');
}

/** What a value of `path` that breaks its `pattern` or `format` should have looked like. */
function formatHint(path: string): string {
  if (path === '/serviceName') return 'is not a valid service name (e.g. ns5001234.ip-51-75-1.eu)';
  if (path.endsWith('/cron')) return 'is not a cron expression of 5 or 6 fields';
  if (path.endsWith('/duration')) return 'is not a duration such as 4h, 30m or 1h30m';
  if (path.includes('/massReinstall/')) return 'is not a plan hash (sha256: and 64 hex digits)';
  if (path === '/suspend/until') return 'is not an ISO 8601 date-time';
  return 'does not have the expected format';
}

/** Why the storage field at `path` is refused by template `os`. */
function unsupported(path: string, os: string | undefined): string {
  const t = os ?? 'this template';
  if (path.endsWith('/extras/lv')) return `LVM is not available on ${t} (the template is not lvmReady)`;
  if (path.endsWith('/extras/zp')) return `ZFS extras need zfs among the file systems of ${t}`;
  return `${t} does not support custom partitioning (noPartitioning)`;
}

/** The messages, each a function of what it names; `at` is the field's display path. */
export const MESSAGES = {
  reference: (at: string): string => `${at}: ${RULES.reference}`,
  formatRule: (at: string, data: unknown, rule: string): string => `${at}: ${quote(data)} ${RULES[rule]}`,
  required: (where: string, mandatoryInputOf: string | undefined): string =>
    `${where}: required field is missing${mandatoryInputOf ? ` (a mandatory input of ${mandatoryInputOf} without default)` : ''}`,
  unknownField: (where: string, extra: string, inputOf: string | undefined, hint: string): string =>
    `${where}: ${inputOf ? `"${extra}" is not an input of ${inputOf}` : `unknown field "${extra}"`}${hint}`,
  knownFields: (known: string[]): string => `; known fields: ${known.sort().join(', ')}`,
  unsupported: (at: string, path: string, os: string | undefined): string =>
    `${at}: ${unsupported(path, os)}`,
  type: (at: string, expected: string | string[], data: unknown): string =>
    `${at}: expected ${typeNames(expected)}, got ${describeValue(data)}`,
  unknownTemplate: (data: unknown, hint: string): string =>
    `operatingSystem: ${quote(data)} is not in the catalog${hint}`,
  notAllowed: (at: string, data: unknown, allowed: readonly unknown[], hint: string): string =>
    `${at}: ${quote(data)} is not allowed (one of ${allowed.map((v) => JSON.stringify(v)).join(', ')})${hint}`,
  mustBe: (at: string, allowed: unknown, data: unknown): string =>
    `${at}: must be ${JSON.stringify(allowed)}, got ${describeValue(data)}`,
  invalidName: (where: string, name: string): string => `${where}: "${name}" is not a valid name here`,
  range: (at: string, ajvMessage: string | undefined, oneDiskGroup: boolean): string =>
    `${at}: ${ajvMessage ?? 'out of range'}${oneDiskGroup ? ' (OVHcloud supports one disk group per reinstall)' : ''}`,
  rootMissing: (at: string, root: string): string => `${at}: the root mount point ${root} is missing`,
  pattern: (at: string, data: unknown, path: string): string => `${at}: ${quote(data)} ${formatHint(path)}`,
  notAllowedHere: (at: string, data: unknown): string => `${at}: ${describeValue(data)} is not allowed here`,
  invalid: (at: string, ajvMessage: string | undefined): string => `${at}: ${ajvMessage ?? 'is not valid'}`,
} as const;
