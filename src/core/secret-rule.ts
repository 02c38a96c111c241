/**
 * Which variables an `{env: NAME}` reference may name (DESIGN.md §2 "References"). A name is
 * readable only when the operator's allow-list matches it (default `FLEET_SECRET_*`; the
 * variable `OVH_FLEET_SECRETS_ALLOW`, or the daemon's `secrets.allow`, replaces it) AND it is not
 * reserved. Reserved names are the process's own: OVHcloud credentials and every `OVH_*` setting,
 * systemd's and Node's variables, PATH, HOME and their kind. No allow-list entry makes a reserved
 * name readable. Pure: the same rule for `validate`, `plan`, `apply` and the daemon.
 */
import { configError } from './errors.js';

/** A POSIX environment variable name. */
export const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The environment variable (and daemon key `secrets.allow`) that sets the allow-list. */
export const SECRETS_ALLOW_VARIABLE = 'OVH_FLEET_SECRETS_ALLOW';

/** The allow-list when none is set: every name starting with `FLEET_SECRET_`. */
export const DEFAULT_SECRETS_ALLOW = 'FLEET_SECRET_*';

/** Prefixes of reserved names (compared without regard to case). */
const RESERVED_PREFIXES: readonly string[] = [
  'OVH_', // OVHcloud credentials (OVH_CONSUMER_KEY, ...) and ovh-fleet's settings (OVH_FLEET_*)
  'NODE_',
  'NPM_',
  'LD_',
  'DYLD_',
  'GIT_',
  'SSH_',
  'GPG_',
  'XDG_',
  'LC_',
  'MALLOC_',
  'UV_',
  'LISTEN_',
  'WATCHDOG_',
  'SYSTEMD_',
  'DBUS_',
  'OPENSSL_',
  'SSL_',
  'CURL_',
  'AWS_',
  'KUBERNETES_',
];

/** Reserved names (compared without regard to case). */
const RESERVED_NAMES: ReadonlySet<string> = new Set([
  'PATH',
  'HOME',
  'USER',
  'LOGNAME',
  'SHELL',
  'PWD',
  'OLDPWD',
  'TMPDIR',
  'TMP',
  'TEMP',
  'LANG',
  'LANGUAGE',
  'TZ',
  'TERM',
  'HOSTNAME',
  'IFS',
  'ENV',
  'BASH_ENV',
  'SHLVL',
  'MAIL',
  'EDITOR',
  'VISUAL',
  'PAGER',
  'NO_COLOR',
  'FORCE_COLOR',
  'HTTP_PROXY',
  'HTTPS_PROXY',
  'NO_PROXY',
  'ALL_PROXY',
  'CREDENTIALS_DIRECTORY',
  'RUNTIME_DIRECTORY',
  'STATE_DIRECTORY',
  'CACHE_DIRECTORY',
  'LOGS_DIRECTORY',
  'CONFIGURATION_DIRECTORY',
  'INVOCATION_ID',
  'JOURNAL_STREAM',
  'NOTIFY_SOCKET',
  'MAINPID',
]);

/** The parsed allow-list: exact names and `PREFIX*` prefixes. */
export interface SecretRule {
  readonly names: ReadonlySet<string>;
  readonly prefixes: readonly string[];
  /** The allow-list as the operator wrote it (for messages). */
  readonly text: string;
}

/** Whether `name` is one of the process's own variables, never readable by a spec. */
export function isReservedName(name: string): boolean {
  const upper = name.toUpperCase();
  return RESERVED_NAMES.has(upper) || RESERVED_PREFIXES.some((p) => upper.startsWith(p));
}

/** Parses an allow-list (entries separated by commas or spaces); a string is the reason it is refused. */
export function parseSecretRule(text: string): SecretRule | string {
  const names = new Set<string>();
  const prefixes: string[] = [];
  const entries = text.split(/[\s,]+/).filter((e) => e !== '');
  if (entries.length === 0) return 'the allow-list is empty (write names or PREFIX* entries)';
  for (const entry of entries) {
    const prefix = entry.endsWith('*') ? entry.slice(0, -1) : undefined;
    const name = prefix ?? entry;
    if (!ENV_NAME.test(name)) {
      return `"${entry}" is neither a variable name nor PREFIX* (letters, digits, underscores)`;
    }
    if (prefix === undefined && isReservedName(name)) {
      return `${name} is one of ovh-fleet's own or the system's variables and can never be read by a spec`;
    }
    if (prefix !== undefined) prefixes.push(prefix);
    else names.add(name);
  }
  return { names, prefixes, text: entries.join(',') };
}

/** The default rule (`FLEET_SECRET_*`). */
export const DEFAULT_SECRET_RULE = parseSecretRule(DEFAULT_SECRETS_ALLOW) as SecretRule;

/** What the rule says of a name. */
export type SecretVerdict = 'allowed' | 'reserved' | 'not-allowed' | 'invalid';

/** Decides whether a spec may read `name`. Reserved wins over any allow-list entry. */
export function secretVerdict(rule: SecretRule, name: string): SecretVerdict {
  if (!ENV_NAME.test(name)) return 'invalid';
  if (isReservedName(name)) return 'reserved';
  if (rule.names.has(name) || rule.prefixes.some((p) => name.startsWith(p))) return 'allowed';
  return 'not-allowed';
}

/** A sentence saying why `name` cannot be read (never a value). */
export function secretRefusal(rule: SecretRule, name: string, verdict: SecretVerdict): string {
  if (verdict === 'reserved') {
    return `${name} is one of ovh-fleet's own or the system's variables (credentials, OVH_*, PATH, ...): a spec can never read it`;
  }
  return `${name} is not in the allow-list of secrets (${rule.text}); name the secret to match it, or add it to ${SECRETS_ALLOW_VARIABLE}`;
}

/**
 * The allow-list of `env` (OVH_FLEET_SECRETS_ALLOW; default FLEET_SECRET_*). Throws FleetError
 * config-invalid (exit 64) when the variable is set but not a usable allow-list.
 */
export function secretRuleFromEnv(env: Readonly<Record<string, string | undefined>>): SecretRule {
  const text = env[SECRETS_ALLOW_VARIABLE];
  if (text === undefined || text.trim() === '') return DEFAULT_SECRET_RULE;
  const rule = parseSecretRule(text);
  if (typeof rule === 'string') throw configError('config-invalid', `${SECRETS_ALLOW_VARIABLE}: ${rule}`);
  return rule;
}
