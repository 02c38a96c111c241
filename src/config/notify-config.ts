/**
 * The `notifications` section of the daemon configuration (docs/notifications.md): where events
 * go (sinks), which events each sink gets (filters by severity, reason and server label), and how
 * hard delivery tries. Parsed from the YAML node with its lines, so that a bad value names the
 * file, the line and the field (`daemon-config-invalid`). The section lives in the file only: a
 * list of sinks has no sensible environment-variable form. Secrets (the HMAC key, the Slack URL)
 * are named by file path here and read by the notifier at start, never kept in the configuration.
 */
import path from 'node:path';
import { isMap, isScalar, isSeq, type Node, type YAMLMap } from 'yaml';
import { configError, type FleetError } from '../core/errors.js';

/** Severity of an event: `error` for failed, unhealthy and halts, `info` otherwise. */
export type NotifySeverity = 'info' | 'error';

/** Which events a sink gets; an absent list lets everything through. */
export interface SinkFilters {
  severities: NotifySeverity[] | null;
  reasons: string[] | null;
  /** Every label listed must be on the server's spec with this value (server events only). */
  labels: Record<string, string> | null;
}

/** A generic JSON webhook, signed Flux-style when an HMAC key file is given. */
export interface WebhookSinkConfig {
  name: string;
  type: 'webhook';
  /** https, or http to a loopback address. */
  url: string;
  /** File holding the HMAC-SHA256 key of `X-Signature`; null: unsigned. */
  hmacKeyFile: string | null;
  filters: SinkFilters;
}

/** A Slack incoming webhook; its URL is a secret, read from a file. */
export interface SlackSinkConfig {
  name: string;
  type: 'slack';
  urlFile: string;
  filters: SinkFilters;
}

/**
 * Commit statuses on the forge hosting the fleet repository (docs/notifications.md, "Commit
 * statuses"). Provider and repository default to what the repository URL names.
 */
export interface CommitStatusSinkConfig {
  name: string;
  type: 'commit-status';
  /** github or gitlab; null: from the repository URL's host (github.com, gitlab.com). */
  provider: 'github' | 'gitlab' | null;
  /** OWNER/REPO (GitHub) or GROUP/.../PROJECT (GitLab); null: from the repository URL. */
  repository: string | null;
  /** The API's base URL; null: the provider's public one, or `https://HOST/api/v3` for GitHub Enterprise. */
  apiUrl: string | null;
  /** File holding the access token; null: `forge-token` in $CREDENTIALS_DIRECTORY (filled in by the daemon configuration). */
  tokenFile: string | null;
  /** GitHub: true for the Checks API, false for the Statuses API; null: Checks for an App token (`ghs_`). */
  checks: boolean | null;
  /** The status's link; `{serviceName}`, `{specCommit}` and `{branch}` are replaced. Null: the status record on the forge's web UI. */
  targetUrl: string | null;
  filters: SinkFilters;
  /** `FILE:LINE` of the sink in the configuration, for the problems found when it starts. */
  position: string;
}

/** One sink. */
export type SinkConfig = WebhookSinkConfig | SlackSinkConfig | CommitStatusSinkConfig;

/** The `notifications` section once parsed. */
export interface NotifyConfig {
  sinks: SinkConfig[];
  /** Failed attempts after which a notification goes to the dead letters. */
  maxAttempts: number;
  /** Timeout of one request, in seconds. */
  timeoutSeconds: number;
  /** First retry delay; doubled at each failure up to `maxBackoffSeconds`. */
  backoffSeconds: number;
  maxBackoffSeconds: number;
}

/** No sinks: nothing is sent, nothing is written. */
export const NO_NOTIFICATIONS: NotifyConfig = {
  sinks: [],
  // About six hours of attempts before a notification is given up (docs/notifications.md).
  maxAttempts: 20,
  timeoutSeconds: 10,
  backoffSeconds: 5,
  maxBackoffSeconds: 1800,
};

const SECTION_KEYS = ['sinks', 'maxAttempts', 'timeoutSeconds', 'backoffSeconds', 'maxBackoffSeconds'];
const SINK_KEYS: Record<SinkConfig['type'], string[]> = {
  webhook: ['name', 'type', 'url', 'hmacKeyFile', 'filters'],
  slack: ['name', 'type', 'urlFile', 'filters'],
  'commit-status': [
    'name',
    'type',
    'provider',
    'repository',
    'apiUrl',
    'tokenFile',
    'checks',
    'targetUrl',
    'filters',
  ],
};
const FILTER_KEYS = ['severity', 'reason', 'labels'];
const REASON = /^[a-z0-9][a-z0-9-]{0,63}$/;
const LABEL = /^[A-Za-z0-9][A-Za-z0-9._/-]{0,126}$/;

/** Where the section sits, for messages and relative paths. */
export interface NotifySource {
  file: string;
  baseDir: string;
  lineOf: (offset: number) => number;
}

/** Commit-status sinks without a `tokenFile` read the `forge-token` credential (null: none there). */
export function withForgeToken(config: NotifyConfig, credentialFile: string | null): NotifyConfig {
  if (credentialFile === null) return config;
  const sinks = config.sinks.map((sink) =>
    sink.type === 'commit-status' && sink.tokenFile === null ? { ...sink, tokenFile: credentialFile } : sink,
  );
  return { ...config, sinks };
}

/** Parses the `notifications` node. Throws FleetError (`daemon-config-invalid`) naming file, line and field. */
export function parseNotifyConfig(node: unknown, source: NotifySource): NotifyConfig {
  const at = (n: unknown): number => source.lineOf(rangeOf(n));
  const bad = (n: unknown, field: string, why: string): never => {
    throw invalid(`${source.file}:${at(n)}: ${field}: ${why}`, field);
  };
  if (node === null || (isScalar(node) && node.value === null)) return NO_NOTIFICATIONS;
  const section = mapOf(node, 'notifications', bad);
  const fields = entriesOf(section, 'notifications', SECTION_KEYS, bad);
  const int = (name: string, min: number, max: number, def: number): number => {
    const found = fields.get(name);
    if (!found) return def;
    const value = isScalar(found.value) ? found.value.value : undefined;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max)
      bad(found.value, `notifications.${name}`, `must be a whole number, ${min} to ${max}`);
    return value as number;
  };
  const config: NotifyConfig = {
    sinks: [],
    maxAttempts: int('maxAttempts', 1, 1000, NO_NOTIFICATIONS.maxAttempts),
    timeoutSeconds: int('timeoutSeconds', 1, 300, NO_NOTIFICATIONS.timeoutSeconds),
    backoffSeconds: int('backoffSeconds', 1, 3600, NO_NOTIFICATIONS.backoffSeconds),
    maxBackoffSeconds: int('maxBackoffSeconds', 1, 86_400, NO_NOTIFICATIONS.maxBackoffSeconds),
  };
  if (config.maxBackoffSeconds < config.backoffSeconds)
    bad(
      fields.get('maxBackoffSeconds')?.value,
      'notifications.maxBackoffSeconds',
      'must be at least backoffSeconds',
    );
  const sinks = fields.get('sinks');
  if (!sinks) return config;
  if (!isSeq(sinks.value)) return bad(sinks.value, 'notifications.sinks', 'must be a list');
  const names = new Set<string>();
  sinks.value.items.forEach((item, i) => {
    const sink = parseSink(item, `notifications.sinks[${i}]`, source, bad);
    if (names.has(sink.name)) bad(item, `notifications.sinks[${i}].name`, `"${sink.name}" is used twice`);
    names.add(sink.name);
    config.sinks.push(sink);
  });
  return config;
}

type Bad = (node: unknown, field: string, why: string) => never;

function parseSink(node: unknown, where: string, source: NotifySource, bad: Bad): SinkConfig {
  const map = mapOf(node, where, bad);
  const typeNode = map.items.find((p) => isScalar(p.key) && p.key.value === 'type')?.value;
  const type = isScalar(typeNode) ? typeNode.value : undefined;
  if (type !== 'webhook' && type !== 'slack' && type !== 'commit-status')
    return bad(typeNode ?? node, `${where}.type`, 'must be webhook, slack or commit-status');
  const fields = entriesOf(map, where, SINK_KEYS[type], bad);
  const text = (name: string, required: boolean): string | null => {
    const found = fields.get(name);
    if (!found) return required ? bad(node, `${where}.${name}`, 'is required') : null;
    const value = isScalar(found.value) ? found.value.value : undefined;
    if (typeof value !== 'string' || value.trim() === '' || /[\r\n\0]/.test(value))
      return bad(found.value, `${where}.${name}`, 'must be a non-empty single line');
    return value.trim();
  };
  const name = text('name', true) as string;
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(name))
    bad(
      fields.get('name')?.value,
      `${where}.name`,
      'letters, digits, dots, dashes and underscores, at most 64',
    );
  const filters = parseFilters(fields.get('filters')?.value, `${where}.filters`, bad);
  const file = (n: string, required: boolean): string | null => {
    const value = text(n, required);
    return value === null ? null : path.resolve(source.baseDir, value);
  };
  if (type === 'slack') return { name, type, urlFile: file('urlFile', true) as string, filters };
  if (type === 'commit-status') {
    const position = `${source.file}:${source.lineOf((node as Node).range?.[0] ?? 0)}`;
    return { ...parseCommitStatus(name, fields, where, filters, { text, file, bad }), position };
  }
  const url = text('url', true) as string;
  const why = webhookUrlProblem(url);
  if (why) bad(fields.get('url')?.value, `${where}.url`, why);
  return { name, type, url, hmacKeyFile: file('hmacKeyFile', false), filters };
}

interface SinkReaders {
  text: (name: string, required: boolean) => string | null;
  file: (name: string, required: boolean) => string | null;
  bad: Bad;
}

function parseCommitStatus(
  name: string,
  fields: Map<string, { value: unknown }>,
  where: string,
  filters: SinkFilters,
  { text, file, bad }: SinkReaders,
): Omit<CommitStatusSinkConfig, 'position'> {
  const provider = text('provider', false);
  if (provider !== null && provider !== 'github' && provider !== 'gitlab')
    bad(fields.get('provider')?.value, `${where}.provider`, 'must be github or gitlab');
  const repository = text('repository', false);
  if (repository !== null && !/^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)+$/.test(repository))
    bad(fields.get('repository')?.value, `${where}.repository`, 'must be OWNER/REPO or GROUP/.../PROJECT');
  const apiUrl = text('apiUrl', false);
  if (apiUrl !== null) {
    const why = webhookUrlProblem(apiUrl);
    if (why) bad(fields.get('apiUrl')?.value, `${where}.apiUrl`, why);
  }
  const targetUrl = text('targetUrl', false);
  if (targetUrl !== null && !/^https?:\/\//.test(targetUrl))
    bad(fields.get('targetUrl')?.value, `${where}.targetUrl`, 'must be an http(s) URL template');
  const checksNode = fields.get('checks')?.value;
  const checks = checksNode === undefined ? null : isScalar(checksNode) ? checksNode.value : undefined;
  if (checks !== null && typeof checks !== 'boolean')
    bad(checksNode, `${where}.checks`, 'must be true or false');
  return {
    name,
    type: 'commit-status',
    provider: provider as CommitStatusSinkConfig['provider'],
    repository,
    apiUrl,
    tokenFile: file('tokenFile', false),
    checks: checks as boolean | null,
    targetUrl,
    filters,
  };
}

function parseFilters(node: unknown, where: string, bad: Bad): SinkFilters {
  const none: SinkFilters = { severities: null, reasons: null, labels: null };
  if (node === undefined || node === null || (isScalar(node) && node.value === null)) return none;
  const fields = entriesOf(mapOf(node, where, bad), where, FILTER_KEYS, bad);
  const list = (name: string, check: (v: string) => boolean, what: string): string[] | null => {
    const found = fields.get(name);
    if (!found) return null;
    const items = isSeq(found.value) ? found.value.items : [found.value];
    return items.map((item) => {
      const value = isScalar(item) ? item.value : undefined;
      if (typeof value !== 'string' || !check(value)) bad(item, `${where}.${name}`, what);
      return value as string;
    });
  };
  const severities = list('severity', (v) => v === 'info' || v === 'error', 'must be info or error');
  const reasons = list('reason', (v) => REASON.test(v), 'must be reason codes (lowercase, digits, dashes)');
  let labels: Record<string, string> | null = null;
  const labelNode = fields.get('labels');
  if (labelNode) {
    labels = {};
    for (const pair of mapOf(labelNode.value, `${where}.labels`, bad).items) {
      const k = isScalar(pair.key) ? pair.key.value : undefined;
      const v = isScalar(pair.value) ? pair.value.value : undefined;
      if (typeof k !== 'string' || !LABEL.test(k))
        bad(pair.key, `${where}.labels`, 'label names are letters, digits, . _ / -');
      if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean')
        bad(pair.value, `${where}.labels.${String(k)}`, 'must be a string');
      labels[k as string] = String(v);
    }
  }
  return { severities: severities as NotifySeverity[] | null, reasons, labels };
}

/**
 * Why a webhook URL is refused, or null: https anywhere, plain http only to this machine (the
 * body is signed, not encrypted, and it tells which servers are reinstalled).
 */
export function webhookUrlProblem(url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'is not a URL';
  }
  if (parsed.username || parsed.password) return 'must not carry a user or password (use hmacKeyFile)';
  if (parsed.protocol === 'https:') return null;
  if (parsed.protocol === 'http:' && isLoopback(parsed.hostname)) return null;
  return 'must be https (plain http only to 127.0.0.0/8, ::1 or localhost)';
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

function mapOf(node: unknown, where: string, bad: Bad): YAMLMap {
  if (!isMap(node)) return bad(node, where, 'must be a mapping');
  return node;
}

/** The pairs of a mapping by key, refusing unknown keys. */
function entriesOf(map: YAMLMap, where: string, known: string[], bad: Bad): Map<string, { value: unknown }> {
  const out = new Map<string, { value: unknown }>();
  for (const pair of map.items) {
    const k = isScalar(pair.key) ? String(pair.key.value) : '?';
    if (!known.includes(k)) bad(pair.key, `${where}.${k}`, `unknown key (known: ${known.join(', ')})`);
    out.set(k, { value: pair.value });
  }
  return out;
}

function rangeOf(node: unknown): number {
  return (node as Node | undefined)?.range?.[0] ?? 0;
}

function invalid(message: string, field: string): FleetError {
  return configError('daemon-config-invalid', message, { key: field });
}
