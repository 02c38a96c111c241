/**
 * Builds the notifier from the `notifications` section (composition roots only): reads each
 * sink's secret file (the webhook's HMAC key, the Slack URL) once at start, builds the sinks and
 * starts the delivery loop. A secret file that cannot be read, or is empty, stops the start with
 * a configuration error naming the file and the field, never its content. No sink: no notifier,
 * nothing written in the state directory.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { CommitStatusSinkConfig, NotifyConfig, SinkConfig } from '../config/notify-config.js';
import { forgeRepoFromUrl, type ForgeRepo } from '../forge/forge-repo.js';
import { tokenReader } from '../forge/forge-token.js';
import { GithubCommitStatus } from '../forge/github-commit-status.js';
import { GitlabCommitStatus } from '../forge/gitlab-commit-status.js';
import { commitStatusSink } from './commit-status-sink.js';
import { webhookUrlProblem } from '../config/notify-config.js';
import type { Clock } from '../core/clock.js';
import { configError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { Notifier, type NotifyCounters, type RoutedSink } from './notifier.js';
import type { NotificationSink } from './sink.js';
import { slackSink } from './slack-sink.js';
import { webhookSink } from './webhook-sink.js';
import { trimEndOf } from '../core/trim-end.js';

/** What createNotifier needs besides the configuration. */
export interface NotifierDeps {
  stateDir: string;
  clock: Clock;
  log: Logger;
  counters?: NotifyCounters;
  pollMs?: number;
  /** The fleet repository, for commit statuses: its remote URL, spec branch, sub-folder and status branch. */
  repository?: FleetRepository;
}

/** Where the fleet repository lives, as commit statuses need it. */
export interface FleetRepository {
  url: string;
  branch: string;
  /** Sub-folder holding fleet.yaml, servers/ and status/ (`.` = the root). */
  path: string;
  /** The branch status commits go to. */
  statusBranch: string;
}

/** The running notifier, or null when no sink is configured. Throws FleetError (exit 64) on an unreadable secret file. */
export async function createNotifier(config: NotifyConfig, deps: NotifierDeps): Promise<Notifier | null> {
  if (config.sinks.length === 0) return null;
  const sinks: RoutedSink[] = [];
  for (const [i, sink] of config.sinks.entries())
    sinks.push({
      sink:
        sink.type === 'commit-status'
          ? commitStatusSinkOf(sink, i, config.timeoutSeconds * 1000, deps.repository, deps.stateDir)
          : await sinkOf(sink, i, config.timeoutSeconds * 1000),
      filters: sink.filters,
    });
  return Notifier.start({
    stateDir: deps.stateDir,
    sinks,
    clock: deps.clock,
    log: deps.log,
    ...(deps.counters ? { counters: deps.counters } : {}),
    maxAttempts: config.maxAttempts,
    backoffMs: config.backoffSeconds * 1000,
    maxBackoffMs: config.maxBackoffSeconds * 1000,
    ...(deps.pollMs !== undefined ? { pollMs: deps.pollMs } : {}),
  });
}

/**
 * The commit-status sink: the forge repository from the configuration and the remote URL, the
 * token read from its file at each call (a missing file is found here, at start), the link to the
 * status record on the forge's web UI unless `targetUrl` says otherwise.
 */
function commitStatusSinkOf(
  sink: CommitStatusSinkConfig,
  index: number,
  timeoutMs: number,
  repository: FleetRepository | undefined,
  stateDir: string,
): NotificationSink {
  const field = `notifications.sinks[${index}]`;
  const fail = (key: string, why: string): never => {
    throw configError('daemon-config-invalid', `${sink.position}: ${field}.${key}: ${why}`, {
      key: `${field}.${key}`,
    });
  };
  if (!repository) return fail('type', 'commit statuses need the fleet repository');
  let repo: ForgeRepo;
  try {
    repo = forgeRepoFromUrl(repository.url, {
      ...(sink.provider ? { provider: sink.provider } : {}),
      ...(sink.apiUrl ? { apiUrl: sink.apiUrl } : {}),
      ...(sink.repository ? { repository: sink.repository } : {}),
    });
  } catch (e) {
    return fail(sink.repository ? 'repository' : 'provider', e instanceof Error ? e.message : String(e));
  }
  if (sink.tokenFile === null)
    return fail('tokenFile', 'is required (or a forge-token file in $CREDENTIALS_DIRECTORY)');
  const token = tokenReader(sink.tokenFile);
  try {
    token();
  } catch (e) {
    fail('tokenFile', e instanceof Error ? e.message : String(e));
  }
  const port =
    repo.provider === 'github'
      ? new GithubCommitStatus({
          ...repo,
          token,
          timeoutMs,
          ...(sink.checks === null ? {} : { checks: sink.checks }),
        })
      : new GitlabCommitStatus({ ...repo, token, timeoutMs });
  const folder = repository.path === '.' ? '' : `${trimEndOf(repository.path, '/')}/`;
  const blob = repo.provider === 'github' ? 'blob' : '-/blob';
  const record = `${repo.webUrl}/${blob}/${encodeURIComponent(repository.statusBranch)}/${folder}status/{serviceName}.yaml`;
  return commitStatusSink({
    name: sink.name,
    port,
    targetUrl: sink.targetUrl ?? record,
    branch: repository.branch,
    // The outbox's folder (created when it opens, before any send).
    stateFile: path.join(stateDir, 'notify', `commit-status-${sink.name}.json`),
  });
}

async function sinkOf(
  sink: Exclude<SinkConfig, CommitStatusSinkConfig>,
  index: number,
  timeoutMs: number,
): Promise<NotificationSink> {
  const field = `notifications.sinks[${index}]`;
  if (sink.type === 'webhook') {
    const hmacKey =
      sink.hmacKeyFile === null ? null : await secretOf(sink.hmacKeyFile, `${field}.hmacKeyFile`);
    return webhookSink({ name: sink.name, url: sink.url, hmacKey, timeoutMs });
  }
  const url = await secretOf(sink.urlFile, `${field}.urlFile`);
  // The URL is checked like a webhook's, but the message never repeats it.
  if (webhookUrlProblem(url) !== null)
    throw configError(
      'daemon-config-invalid',
      `${field}.urlFile: ${sink.urlFile} does not hold an https URL`,
      {
        key: `${field}.urlFile`,
      },
    );
  return slackSink({ name: sink.name, url, timeoutMs });
}

async function secretOf(file: string, field: string): Promise<string> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw configError('daemon-config-unreadable', `${field}: ${file} cannot be read (${code})`, {
      key: field,
    });
  }
  const value = trimEndOf(text, '\r\n');
  if (value === '') throw configError('daemon-config-invalid', `${field}: ${file} is empty`, { key: field });
  return value;
}
