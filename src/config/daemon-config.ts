/**
 * The daemon's configuration (DESIGN.md §5.1, docs/configuration.md): a YAML file whose every key
 * can be overridden by an environment variable, plus the systemd credentials `deploy-key` and
 * `webhook-secret`. `parseDaemonConfig` is pure (text, environment, which credential files exist);
 * `readDaemonConfig` is the thin shell that reads the files. Unknown keys and bad values are
 * configuration errors (exit 64) naming the key and, for the file, its line.
 */
import { readdir, readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';
import cron from 'node-cron';
import { isMap, isScalar, parseDocument, type Document, type YAMLMap } from 'yaml';
import { configError, type FleetError } from '../core/errors.js';
import { DEFAULT_SECRETS_ALLOW, parseSecretRule } from '../core/secret-rule.js';
import { checkYamlText } from '../core/yaml-guard.js';
import { classifyUrl, isValidRef } from './git-remote.js';
import { NO_NOTIFICATIONS, parseNotifyConfig, withForgeToken, type NotifyConfig } from './notify-config.js';
import { parseCommandAllowList } from './probe-commands.js';
import {
  OPEN_UI,
  parseTokenFile,
  parseUiConfig,
  parseUsersFile,
  type UiAuthSecret,
  type UiConfig,
} from './ui-config.js';

/** The daemon's settings once parsed; every path is absolute. */
export interface DaemonConfig {
  repository: {
    /** ssh, https, file:// URL or local path of the fleet repository. */
    url: string;
    branch: string;
    /** Sub-folder (repository-relative, forward slashes, `.` = root) holding fleet.yaml and servers/. */
    path: string;
    sshKeyFile: string | null;
    knownHostsFile: string | null;
    /** https: a file holding an access token. */
    httpsTokenFile: string | null;
    /** https: user sent with the token (default x-access-token). */
    httpsUser: string | null;
  };
  /** Status commits go to `branch` (null: the spec branch). */
  status: { branch: string | null };
  /** Committer identity of status commits. */
  commit: { name: string; email: string };
  /** node-cron expression of full cycles. */
  schedule: string;
  /** Address of /healthz /readyz /metrics /api/status /hooks/git. */
  listen: { host: string; port: number };
  webhook: { secretFile: string | null };
  verify: { allowedSignersFile: string | null };
  /** `allow`: the allow-list of `{env}` secrets, as written (core/secret-rule.ts parses it). */
  secrets: { allow: string };
  /** `allowCommands`: the command probes this host may run, as written (probe-commands.ts parses it); '' none. */
  probes: { allowCommands: string };
  stateDir: string;
  logLevel: LogLevel;
  /** After an ambiguous reinstall request, how long OVHcloud's task list may lag (src/apply/our-task.ts). */
  taskListSettleSeconds: number;
  /** Where events go (notify-config.ts, docs/notifications.md); file only, no environment variable. */
  notifications: NotifyConfig;
  /** The dashboard (ui-config.ts, docs/dashboard.md); file only. Absent: open. */
  ui?: UiConfig;
}

/** pino levels accepted by `logLevel`. */
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** Secrets resolved by the reader; never logged, never part of DaemonConfig. */
export interface DaemonSecrets {
  /** The webhook's shared secret (GitHub HMAC key / GitLab token); null: webhook disabled. */
  webhookSecret: string | null;
  /** What the dashboard checks requests against (configuration `ui.auth`); null or absent: open. */
  uiAuth?: UiAuthSecret | null;
}

type Kind =
  | 'string'
  | 'path'
  | 'ref'
  | 'cron'
  | 'listen'
  | 'level'
  | 'url'
  | 'subdir'
  | 'email'
  | 'seconds'
  | 'allow-list'
  | 'command-list';

/** One configuration key: its dotted name, environment variable, kind and default. */
export interface ConfigKey {
  key: string;
  env: string;
  kind: Kind;
  /** undefined: required; null: unset by default. */
  default: string | null | undefined;
  /** Sentence for docs/configuration.md. */
  doc: string;
}

/** Every key, in the order docs/configuration.md lists them. The variable is OVH_FLEET_ + the key in upper snake case. */
export const CONFIG_KEYS: readonly ConfigKey[] = [
  key(
    'repository.url',
    'url',
    undefined,
    'ssh, https, file:// URL or absolute local path of the fleet repository',
  ),
  key('repository.branch', 'ref', 'main', 'the spec branch the daemon follows'),
  key(
    'repository.path',
    'subdir',
    '.',
    'sub-folder that holds fleet.yaml, servers/ and status/ (a sub-folder that is a symbolic link in the repository fails every cycle with `symlink-refused`: nothing is read or applied; test: test/security/daemon-links.test.ts)',
  ),
  key(
    'repository.sshKeyFile',
    'path',
    null,
    'ssh deploy key; default: the credential `deploy-key` if present',
  ),
  key('repository.knownHostsFile', 'path', null, 'known_hosts for ssh (host keys checked strictly)'),
  key('repository.httpsTokenFile', 'path', null, 'https: file holding an access token'),
  key('repository.httpsUser', 'string', null, 'https: user sent with the token (default x-access-token)'),
  key('status.branch', 'ref', null, 'branch of status commits; default the spec branch'),
  key('commit.name', 'string', 'ovh-fleet', 'committer name of status commits'),
  key('commit.email', 'email', 'ovh-fleet@localhost', 'committer email of status commits'),
  key('schedule', 'cron', '*/2 * * * *', 'node-cron expression of full cycles (UTC)'),
  key('listen', 'listen', '127.0.0.1:9464', 'HOST:PORT of /healthz /readyz /metrics /api/status /hooks/git'),
  key(
    'webhook.secretFile',
    'path',
    null,
    'file holding the webhook secret; default: the credential `webhook-secret`; none: webhook answers 401',
  ),
  key('verify.allowedSignersFile', 'path', null, 'ssh allowed_signers file; set to require signed commits'),
  key(
    'secrets.allow',
    'allow-list',
    DEFAULT_SECRETS_ALLOW,
    "variables `{env: NAME}` may name: names and PREFIX* entries, comma-separated; credentials, OVH_* and the process's own variables never (docs/security.md)",
  ),
  key(
    'probes.allowCommands',
    'command-list',
    '',
    'command probes of fleet.yaml `verify` this host may run: repository paths, comma-separated, each optionally pinned as PATH@sha256:HEX; empty: none (docs/verification.md#command-probes)',
  ),
  key('stateDir', 'path', '', 'clone, intent journal and daemon state; default $XDG_STATE_HOME/ovh-fleet'),
  key('logLevel', 'level', 'info', 'fatal, error, warn, info, debug, trace or silent'),
  key(
    'taskListSettleSeconds',
    'seconds',
    '600',
    "after an ambiguous reinstall request, seconds (OVHcloud's clock) before a task list that shows no task for it is believed; lower it only for a task list known not to lag",
  ),
];

function key(name: string, kind: Kind, def: string | null | undefined, doc: string): ConfigKey {
  const env = `OVH_FLEET_${name
    .replace(/\./g, '_')
    .replace(/([a-z])([A-Z])/g, '$1_$2')
    .toUpperCase()}`;
  return { key: name, env, kind, default: def, doc };
}

/** Options of {@link parseDaemonConfig}. */
export interface ParseOptions {
  /** Name of the file, for messages; relative paths in it are resolved against its folder. */
  file?: string;
  /** Names of the files present in $CREDENTIALS_DIRECTORY (`deploy-key`, `webhook-secret`). */
  credentialFiles?: ReadonlySet<string>;
}

/** Parses the configuration text with its environment overrides. Throws FleetError (exit 64). */
export function parseDaemonConfig(
  text: string,
  env: Readonly<Record<string, string | undefined>>,
  options: ParseOptions = {},
): DaemonConfig {
  const file = options.file ?? 'configuration';
  const baseDir = options.file ? path.dirname(path.resolve(options.file)) : process.cwd();
  const sections: FileSections = {};
  const fromFile = readYaml(text, file, baseDir, sections);
  const values = new Map<string, string | null>();
  for (const k of CONFIG_KEYS) {
    const fromEnv = env[k.env];
    if (fromEnv !== undefined && fromEnv !== '') {
      values.set(k.key, check(k, fromEnv, `environment variable ${k.env}`, process.cwd()));
      continue;
    }
    const found = fromFile.get(k.key);
    if (found !== undefined) {
      values.set(
        k.key,
        found.value === null ? null : check(k, found.value, `${file}:${found.line}: ${k.key}`, baseDir),
      );
      continue;
    }
    if (k.default === undefined) {
      throw invalid(`${k.key} is required (in ${file} or ${k.env})`, k.key);
    }
    values.set(k.key, k.default);
  }
  const get = (name: string): string | null => values.get(name) ?? null;
  const credentials = env.CREDENTIALS_DIRECTORY || null;
  const credential = (name: string): string | null =>
    credentials && options.credentialFiles?.has(name) ? path.join(credentials, name) : null;
  const [host, port] = splitListen(get('listen') as string);
  return {
    repository: {
      url: get('repository.url') as string,
      branch: get('repository.branch') as string,
      path: get('repository.path') as string,
      sshKeyFile: get('repository.sshKeyFile') ?? credential('deploy-key'),
      knownHostsFile: get('repository.knownHostsFile'),
      httpsTokenFile: get('repository.httpsTokenFile'),
      httpsUser: get('repository.httpsUser'),
    },
    status: { branch: get('status.branch') },
    commit: { name: get('commit.name') as string, email: get('commit.email') as string },
    schedule: get('schedule') as string,
    listen: { host, port },
    webhook: { secretFile: get('webhook.secretFile') ?? credential('webhook-secret') },
    verify: { allowedSignersFile: get('verify.allowedSignersFile') },
    secrets: { allow: get('secrets.allow') as string },
    probes: { allowCommands: get('probes.allowCommands') ?? '' },
    stateDir: get('stateDir') || defaultStateDir(env),
    logLevel: get('logLevel') as LogLevel,
    taskListSettleSeconds: Number(get('taskListSettleSeconds')),
    notifications: withForgeToken(sections.notifications ?? NO_NOTIFICATIONS, credential('forge-token')),
    ui: sections.ui ?? OPEN_UI,
  };
}

/** DESIGN.md §3: `$XDG_STATE_HOME/ovh-fleet`, XDG's default `~/.local/state`. */
function defaultStateDir(env: Readonly<Record<string, string | undefined>>): string {
  return path.join(env.XDG_STATE_HOME || path.join(env.HOME || homedir(), '.local', 'state'), 'ovh-fleet');
}

interface FoundValue {
  value: string | null;
  line: number;
}

/** The structured sections of the file, parsed by their own modules. */
interface FileSections {
  notifications?: NotifyConfig;
  ui?: UiConfig;
}

/** The file's leaves as dotted keys; unknown keys, wrong shapes and YAML errors throw. */
function readYaml(
  text: string,
  file: string,
  baseDir: string,
  sections: FileSections,
): Map<string, FoundValue> {
  const hazard = checkYamlText(text);
  if (hazard) throw invalid(`${file}:${hazard.line}:${hazard.column}: ${hazard.message}`, null);
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true });
  const lineOf = lineCounter(text);
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    throw invalid(`${file}:${lineOf(e.pos[0])}: not valid YAML: ${e.message.split('\n')[0]}`, null);
  }
  const out = new Map<string, FoundValue>();
  if (doc.contents === null || (isScalar(doc.contents) && doc.contents.value === null)) return out;
  if (!isMap(doc.contents)) throw invalid(`${file}:1: the configuration must be a mapping`, null);
  const notifications = doc.contents.items.find((p) => isScalar(p.key) && p.key.value === 'notifications');
  if (notifications) {
    sections.notifications = parseNotifyConfig(notifications.value, { file, baseDir, lineOf });
    doc.contents.items = doc.contents.items.filter((p) => p !== notifications);
  }
  const ui = doc.contents.items.find((p) => isScalar(p.key) && p.key.value === 'ui');
  if (ui) {
    sections.ui = parseUiConfig(ui.value, { file, baseDir, lineOf });
    doc.contents.items = doc.contents.items.filter((p) => p !== ui);
  }
  walk(doc, doc.contents, '', file, lineOf, out);
  return out;
}

const GROUPS = new Set(CONFIG_KEYS.filter((k) => k.key.includes('.')).map((k) => k.key.split('.')[0]!));
const LEAVES = new Set(CONFIG_KEYS.map((k) => k.key));

function walk(
  doc: Document,
  map: YAMLMap,
  prefix: string,
  file: string,
  lineOf: (offset: number) => number,
  out: Map<string, FoundValue>,
): void {
  for (const pair of map.items) {
    const keyNode = pair.key;
    const name = isScalar(keyNode) ? String(keyNode.value) : '?';
    const line = lineOf(isScalar(keyNode) ? (keyNode.range?.[0] ?? 0) : 0);
    const dotted = prefix === '' ? name : `${prefix}.${name}`;
    const value = pair.value;
    if (prefix === '' && GROUPS.has(name)) {
      if (value === null || (isScalar(value) && value.value === null)) continue;
      if (!isMap(value)) throw invalid(`${file}:${line}: ${dotted} must be a mapping`, dotted);
      walk(doc, value, dotted, file, lineOf, out);
      continue;
    }
    if (!LEAVES.has(dotted)) {
      const known = CONFIG_KEYS.map((k) => k.key).filter((k) =>
        k.startsWith(prefix === '' ? '' : `${prefix}.`),
      );
      throw invalid(`${file}:${line}: unknown key ${dotted} (known: ${known.join(', ')})`, dotted);
    }
    if (value === null || (isScalar(value) && value.value === null)) {
      out.set(dotted, { value: null, line });
      continue;
    }
    if (!isScalar(value) || !['string', 'number'].includes(typeof value.value)) {
      throw invalid(`${file}:${line}: ${dotted} must be a string`, dotted);
    }
    out.set(dotted, { value: String(value.value), line });
  }
}

function lineCounter(text: string): (offset: number) => number {
  return (offset) => text.slice(0, offset).split('\n').length;
}

/** Checks one value; returns it normalised (paths absolute). */
function check(k: ConfigKey, raw: string, where: string, baseDir: string): string {
  const value = raw.trim();
  const bad = (why: string): never => {
    throw invalid(`${where}: ${why}`, k.key);
  };
  if (value === '' || /[\r\n\0]/.test(value)) bad('must be a non-empty single line');
  switch (k.kind) {
    case 'url':
      try {
        classifyUrl(value);
      } catch (error) {
        bad(error instanceof Error ? error.message : String(error));
      }
      return value;
    case 'ref':
      if (!isValidRef(value)) bad(`"${value}" is not a valid branch name`);
      return value;
    case 'subdir': {
      const normal = path.posix.normalize(value.replace(/\\/g, '/')).replace(/\/+$/, '') || '.';
      if (path.posix.isAbsolute(normal) || normal === '..' || normal.startsWith('../'))
        bad('must be a folder inside the repository');
      return normal;
    }
    case 'path':
      return path.resolve(baseDir, value);
    case 'cron':
      if (!cron.validate(value)) bad(`"${value}" is not a valid node-cron expression`);
      return value;
    case 'listen':
      splitListen(value, bad);
      return value;
    case 'level':
      if (!(LOG_LEVELS as readonly string[]).includes(value)) bad(`must be one of ${LOG_LEVELS.join(', ')}`);
      return value;
    case 'allow-list': {
      const rule = parseSecretRule(value);
      if (typeof rule === 'string') bad(rule);
      return value;
    }
    case 'command-list': {
      const list = parseCommandAllowList(value);
      if (typeof list === 'string') bad(list);
      return value;
    }
    case 'email':
      if (!/^[^\s<>@]+@[^\s<>@]+$/.test(value)) bad(`"${value}" is not an email address`);
      return value;
    case 'seconds':
      if (!/^\d{1,5}$/.test(value) || Number(value) > 86_400)
        bad('must be a whole number of seconds, 0 to 86400');
      return value;
    default:
      if (/[<>]/.test(value)) bad('must not contain < or >');
      return value;
  }
}

/** `HOST:PORT` or `[IPv6]:PORT` -> host and port. */
export function splitListen(value: string, bad: (why: string) => never = failListen): [string, number] {
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([A-Za-z0-9.-]+)):(\d{1,5})$/.exec(value);
  if (!match) return bad(`"${value}" is not HOST:PORT`);
  const port = Number(match[3]);
  if (port > 65535) return bad(`port ${port} is out of range`);
  return [match[1] ?? match[2]!, port];
}

function failListen(why: string): never {
  throw invalid(`listen: ${why}`, 'listen');
}

function invalid(message: string, keyName: string | null): FleetError {
  return configError('daemon-config-invalid', message, keyName ? { key: keyName } : undefined);
}

/** The configuration and its secrets, read from disk. */
export interface LoadedDaemonConfig {
  config: DaemonConfig;
  secrets: DaemonSecrets;
}

/**
 * Reads the configuration file (or none: environment only), the credential directory's listing
 * and the webhook secret file. Throws FleetError (exit 64).
 */
export async function readDaemonConfig(
  file: string | undefined,
  env: Readonly<Record<string, string | undefined>> = process.env,
): Promise<LoadedDaemonConfig> {
  let text = '';
  if (file !== undefined) {
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      throw unreadable(`configuration file ${file}`, error);
    }
  }
  const credentialFiles = new Set<string>();
  if (env.CREDENTIALS_DIRECTORY) {
    try {
      for (const name of await readdir(env.CREDENTIALS_DIRECTORY)) credentialFiles.add(name);
    } catch (error) {
      throw unreadable('$CREDENTIALS_DIRECTORY', error);
    }
  }
  const config = parseDaemonConfig(text, env, { ...(file ? { file } : {}), credentialFiles });
  let webhookSecret: string | null = null;
  if (config.webhook.secretFile !== null) {
    try {
      webhookSecret = (await readFile(config.webhook.secretFile, 'utf8')).replace(/(\r?\n)+$/, '');
    } catch (error) {
      throw unreadable(`webhook secret file ${config.webhook.secretFile}`, error);
    }
    if (webhookSecret === '') {
      throw configError(
        'daemon-config-invalid',
        `webhook secret file ${config.webhook.secretFile} is empty`,
        {
          key: 'webhook.secretFile',
        },
      );
    }
  }
  return { config, secrets: { webhookSecret, uiAuth: await readUiAuth(config.ui ?? OPEN_UI) } };
}

/** Reads the file `ui.auth` names. Throws FleetError (exit 64). */
async function readUiAuth(ui: UiConfig): Promise<UiAuthSecret | null> {
  const auth = ui.auth;
  if (auth === null) return null;
  const file = auth.type === 'bearer' ? auth.tokenFile : auth.usersFile;
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw unreadable(`dashboard ${auth.type === 'bearer' ? 'token' : 'users'} file ${file}`, error);
  }
  return auth.type === 'bearer'
    ? { type: 'bearer', token: parseTokenFile(text, file) }
    : { type: 'basic', users: parseUsersFile(text, file) };
}

function unreadable(what: string, error: unknown): FleetError {
  const code = (error as NodeJS.ErrnoException).code ?? 'error';
  return configError('daemon-config-unreadable', `${what} cannot be read (${code})`);
}
