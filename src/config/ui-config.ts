/**
 * The `ui` section of the daemon configuration (docs/dashboard.md): optional authentication of
 * the dashboard (`/`, `/ui/*`, `/api/status`, `/api/events`) and the Host names it answers
 * (`ui.allowedHosts`, the defence against DNS rebinding: src/daemon/ui/ui-host.ts). Parsed from the YAML node with its
 * lines, so that a bad value names the file, the line and the field (`daemon-config-invalid`).
 * File only, like `notifications`. Secrets are named by file path here and read by
 * readDaemonConfig (src/daemon/ui/ui-auth.ts checks them), never kept in the configuration.
 */
import path from 'node:path';
import { isMap, isScalar, isSeq, type Node } from 'yaml';
import { configError, type FleetError } from '../core/errors.js';
import { trimEndOf } from '../core/trim-end.js';

/** How the dashboard is protected; null: open (it listens on 127.0.0.1 by default). */
export type UiAuthConfig =
  | { type: 'bearer'; /** Absolute path of a file holding the token. */ tokenFile: string }
  | { type: 'basic'; /** Absolute path of a file of `NAME:sha256:HEX` lines. */ usersFile: string };

/** The `ui` section once parsed. */
export interface UiConfig {
  auth: UiAuthConfig | null;
  /**
   * The Host names (no port, lower case) the dashboard answers besides `localhost` and IP
   * addresses; absent: any Host when `auth` is set, else only those and the listener's host.
   */
  allowedHosts?: readonly string[];
}

/** No `ui` section: the dashboard is open (bound to 127.0.0.1 by default). */
export const OPEN_UI: UiConfig = { auth: null };

/** Where the section sits, for messages and relative paths. */
export interface UiSource {
  file: string;
  baseDir: string;
  lineOf: (offset: number) => number;
}

const AUTH_KEYS = { bearer: ['type', 'tokenFile'], basic: ['type', 'usersFile'] } as const;

/** Parses the `ui` node. Throws FleetError (`daemon-config-invalid`) naming file, line and field. */
export function parseUiConfig(node: unknown, source: UiSource): UiConfig {
  const at = (n: unknown): number => source.lineOf(rangeOf(n));
  const bad = (n: unknown, field: string, why: string): never => {
    throw invalid(`${source.file}:${at(n)}: ${field}: ${why}`, field);
  };
  if (isNull(node)) return OPEN_UI;
  if (!isMap(node)) return bad(node, 'ui', 'must be a mapping');
  let auth: UiAuthConfig | null = null;
  let allowedHosts: string[] | undefined;
  for (const pair of node.items) {
    const name = isScalar(pair.key) ? String(pair.key.value) : '?';
    if (name !== 'auth' && name !== 'allowedHosts')
      bad(pair.key, `ui.${name}`, 'unknown key (known: ui.auth, ui.allowedHosts)');
    if (isNull(pair.value)) continue;
    if (name === 'allowedHosts') allowedHosts = parseAllowedHosts(pair.value, pair.key, bad);
    else auth = parseAuth(pair.value, pair.key, bad, source.baseDir);
  }
  return allowedHosts === undefined ? { auth } : { auth, allowedHosts };
}

/** A DNS name (letters, digits, hyphens, dots; a final dot allowed): what a Host header names. */
const HOST_NAME =
  /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*\.?$/;

function parseAllowedHosts(
  node: unknown,
  keyNode: unknown,
  bad: (n: unknown, field: string, why: string) => never,
): string[] {
  if (!isSeq(node)) return bad(keyNode, 'ui.allowedHosts', 'must be a list of host names');
  return node.items.map((item, i) => {
    const value = isScalar(item) && typeof item.value === 'string' ? item.value.trim().toLowerCase() : '';
    if (!HOST_NAME.test(value))
      bad(
        item,
        `ui.allowedHosts[${i}]`,
        'must be a host name without port or scheme (e.g. fleet.example.com)',
      );
    return value.replace(/\.$/, '');
  });
}

function parseAuth(
  node: unknown,
  keyNode: unknown,
  bad: (n: unknown, field: string, why: string) => never,
  baseDir: string,
): UiAuthConfig {
  if (!isMap(node)) return bad(keyNode, 'ui.auth', 'must be a mapping with type and tokenFile or usersFile');
  const fields = new Map<string, { key: unknown; value: unknown }>();
  for (const pair of node.items) {
    const name = isScalar(pair.key) ? String(pair.key.value) : '?';
    fields.set(name, { key: pair.key, value: pair.value });
  }
  const type = fields.get('type');
  const typeValue = type && isScalar(type.value) ? type.value.value : undefined;
  if (typeValue !== 'bearer' && typeValue !== 'basic')
    return bad(type?.value ?? keyNode, 'ui.auth.type', 'must be bearer or basic');
  const known: readonly string[] = AUTH_KEYS[typeValue];
  for (const [name, f] of fields)
    if (!known.includes(name))
      bad(f.key, `ui.auth.${name}`, `unknown key for type ${typeValue} (known: ${known.join(', ')})`);
  const fileKey = typeValue === 'bearer' ? 'tokenFile' : 'usersFile';
  const file = fields.get(fileKey);
  const value = file && isScalar(file.value) ? file.value.value : undefined;
  if (typeof value !== 'string' || value.trim() === '' || /[\r\n\0]/.test(value))
    return bad(file?.value ?? type!.key, `ui.auth.${fileKey}`, 'must be the path of a file');
  const resolved = path.resolve(baseDir, value.trim());
  return typeValue === 'bearer'
    ? { type: 'bearer', tokenFile: resolved }
    : { type: 'basic', usersFile: resolved };
}

function isNull(node: unknown): boolean {
  return node === null || node === undefined || (isScalar(node) && node.value === null);
}

function rangeOf(node: unknown): number {
  return (node as Node | null)?.range?.[0] ?? 0;
}

function invalid(message: string, keyName: string): FleetError {
  return configError('daemon-config-invalid', message, { key: keyName });
}

/**
 * What the dashboard checks requests against, read from the files `ui.auth` names: the bearer
 * token, or the SHA-256 digest of each user's password. Never logged, never in DaemonConfig.
 */
export type UiAuthSecret =
  { type: 'bearer'; token: string } | { type: 'basic'; users: ReadonlyMap<string, Buffer> };

/**
 * Parses a users file: one `NAME:sha256:HEX` per line (HEX: 64 hex digits, the SHA-256 of the
 * password), blank lines and `#` comments allowed. Throws FleetError naming the file and line.
 */
export function parseUsersFile(text: string, file: string): ReadonlyMap<string, Buffer> {
  const users = new Map<string, Buffer>();
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const match = /^([A-Za-z0-9._@-]{1,64}):sha256:([0-9a-fA-F]{64})$/.exec(line);
    if (!match)
      throw invalid(
        `${file}:${i + 1}: ui.auth.usersFile: each line must be NAME:sha256:HEX (64 hex digits)`,
        'ui.auth.usersFile',
      );
    if (users.has(match[1]!))
      throw invalid(
        `${file}:${i + 1}: ui.auth.usersFile: user ${match[1]} is listed twice`,
        'ui.auth.usersFile',
      );
    users.set(match[1]!, Buffer.from(match[2]!, 'hex'));
  });
  if (users.size === 0)
    throw invalid(`${file}:1: ui.auth.usersFile: the file lists no user`, 'ui.auth.usersFile');
  return users;
}

/** Checks a bearer token file's content (trailing new lines removed). Throws when empty or too short. */
export function parseTokenFile(text: string, file: string): string {
  const token = trimEndOf(text, '\r\n');
  if (token.length < 16 || /[\s]/.test(token))
    throw invalid(
      `${file}:1: ui.auth.tokenFile: the token must be one line of at least 16 characters without spaces`,
      'ui.auth.tokenFile',
    );
  return token;
}
