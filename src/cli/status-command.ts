/**
 * `ovh-fleet status [SERVICE] [--repo DIR] [--format text|json] [--offline]`: the fleet's or one
 * server's status from `status/` in the repository and, when OVHcloud credentials are set, what
 * the API shows now (installed OS, state). The output always says which sources it used. The
 * whole-fleet view also shows the request budget of fleet.yaml and the longest time a task started
 * outside ovh-fleet can go unseen by the daemon's background sweep (status-budget.ts).
 */
import type { Command } from 'commander';
import { configError } from '../core/errors.js';
import type { OvhApi } from '../ovh/ovh-api.js';
import { readApplied } from '../records/read-records.js';
import type { StatusRecord, VerificationRecord } from '../records/types.js';
import { openFleetApi } from './context.js';
import { readStatusBudget, statusBudgetLines } from './status-budget.js';

interface StatusFlags {
  repo: string;
  format: string;
  offline?: boolean;
}

/** What the API shows about one server, or why it could not be asked. */
interface LiveView {
  os: string | null;
  state: string | null;
  error: string | null;
}

/** At most this many servers are looked up in the API for a whole-fleet listing. */
const MAX_LIVE = 100;

/** Adds the `status` command. */
export function register(program: Command): void {
  program
    .command('status')
    .description("the fleet's or one server's status, from status/ and the OVHcloud API")
    .argument('[service]', 'one server (serviceName)')
    .option('--repo <dir>', 'fleet repository', '.')
    .option('--format <format>', 'text or json', 'text')
    .option('--offline', 'do not call the OVHcloud API even when credentials are set')
    .action(async (service: string | undefined, flags: StatusFlags) => {
      if (flags.format !== 'text' && flags.format !== 'json')
        throw configError('usage', `--format must be text or json, got "${flags.format}"`);
      const api = !flags.offline && hasCredentials(process.env) ? await openFleetApi(flags.repo) : undefined;
      const out = await statusText(flags.repo, service, flags.format, api);
      process.stdout.write(out.text);
      process.exitCode = out.exitCode;
    });
}

/** True when an OVHcloud credential set may be configured. */
export function hasCredentials(env: NodeJS.ProcessEnv): boolean {
  return Boolean(env.OVH_APPLICATION_KEY || env.OVH_CLIENT_ID || env.CREDENTIALS_DIRECTORY);
}

/** The text (or JSON) of `status`; exit 1 when a shown server failed, is unhealthy or is invalid. */
export async function statusText(
  repo: string,
  service: string | undefined,
  format: 'text' | 'json',
  api: OvhApi | undefined,
): Promise<{ text: string; exitCode: number }> {
  const { applied, diagnostics } = await readApplied(repo);
  let records = [...applied.values()].sort((a, b) => a.serviceName.localeCompare(b.serviceName));
  if (service !== undefined) {
    records = records.filter((r) => r.serviceName === service);
    if (records.length === 0 && !api)
      throw configError('usage', `no status record for ${service} in ${repo}/status`);
  }
  const names = service !== undefined ? [service] : records.slice(0, MAX_LIVE).map((r) => r.serviceName);
  const live = new Map<string, LiveView>();
  if (api) {
    for (const name of names) {
      try {
        const server = await api.getServer(name, { priority: 'background' });
        live.set(name, { os: server.os, state: server.state, error: null });
      } catch (error) {
        live.set(name, {
          os: null,
          state: null,
          error: error instanceof Error ? error.message : String(error),
        });
      }
    }
  }
  const source = api
    ? `status/ in ${repo} and the OVHcloud API${service === undefined && records.length > MAX_LIVE ? ` (first ${MAX_LIVE} servers)` : ''}`
    : `status/ in ${repo} only (no OVHcloud credentials set)`;
  const exitCode = records.some(
    (r) => r.phase === 'failed' || r.phase === 'invalid' || r.phase === 'unhealthy',
  )
    ? 1
    : 0;
  const budget = service === undefined ? await readStatusBudget(repo) : null;
  if (format === 'json') {
    const servers = records.map((r) => ({ ...r, live: live.get(r.serviceName) ?? null }));
    const body = { source, ...(budget ? { budget } : {}), servers, diagnostics };
    return { text: `${JSON.stringify(body, null, 2)}\n`, exitCode };
  }
  const lines = [`Source: ${source}`];
  if (budget) lines.push(...statusBudgetLines(budget));
  for (const d of diagnostics) lines.push(`warning: ${d.file}: ${d.message}`);
  if (service !== undefined) lines.push(...detail(service, records[0], live.get(service)));
  else for (const r of records) lines.push(summary(r, live.get(r.serviceName)));
  if (records.length === 0 && service === undefined) lines.push('No status record yet.');
  return { text: `${lines.join('\n')}\n`, exitCode };
}

function summary(r: StatusRecord, live: LiveView | undefined): string {
  const task = r.task ? `  task ${r.task.id} ${r.task.status}${stepOf(r)}` : '';
  const now = live
    ? `  api: ${live.error ? `error: ${live.error}` : `${live.os || '(empty)'} ${live.state ?? ''}`.trim()}`
    : '';
  return `${r.serviceName}  ${r.phase}  ${r.reason}${task}${now}`;
}

function detail(service: string, r: StatusRecord | undefined, live: LiveView | undefined): string[] {
  const lines = [`Server ${service}`];
  if (r) {
    lines.push(
      `  phase:        ${r.phase} (${r.reason}) since ${r.since}`,
      `  message:      ${r.message}`,
      `  spec:         ${r.spec ? `${r.spec.file} at ${r.spec.commit.slice(0, 12)}` : '(none: unmanaged)'}`,
      `  observed OS:  ${r.observedOs ?? '(unknown)'}`,
    );
    if (r.task)
      lines.push(
        `  task:         ${r.task.id} ${r.task.status}${stepOf(r)}${r.task.currentStep ? `: ${r.task.currentStep}` : ''}${r.task.elapsedSeconds !== null ? ` (${r.task.elapsedSeconds}s)` : ''}`,
      );
    if (r.lastApplied)
      lines.push(
        `  last applied: ${r.lastApplied.operatingSystem} (${r.lastApplied.result}) at ${r.lastApplied.finishedAt}`,
      );
    if (r.lastAttempt)
      lines.push(
        `  last attempt: ${r.lastAttempt.result} started ${r.lastAttempt.startedAt}${r.lastAttempt.message ? `: ${r.lastAttempt.message}` : ''}`,
      );
    if (r.verification)
      lines.push(
        `  verification: ${r.verification.result} since ${r.verification.startedAt}${r.verification.message ? `: ${r.verification.message}` : ''}`,
      );
    if (r.verification?.probes) lines.push(`  probes:       ${probesLine(r.verification)}`);
    if (r.lastError) lines.push(`  last error:   ${r.lastError.code}: ${r.lastError.message}`);
  } else lines.push('  no status record');
  if (live)
    lines.push(
      `  API now:      ${live.error ? `error: ${live.error}` : `os ${live.os || '(empty)'}, state ${live.state ?? '?'}`}`,
    );
  return lines;
}

/** The deciding round's probe results, e.g. `ssh success, web success in round 5 (2 passed, 3 failed, 0 inconclusive)`. */
function probesLine(v: VerificationRecord): string {
  const results = (v.probes ?? [])
    .map((p) => `${p.probe} ${p.outcome}${p.reason ? ` (${p.reason})` : ''}`)
    .join(', ');
  const n = v.rounds;
  const rounds = n
    ? ` in round ${n.total} (${n.success} passed, ${n.failure} failed, ${n.inconclusive} inconclusive)`
    : '';
  return `${results || '(none)'}${rounds}`;
}

function stepOf(r: StatusRecord): string {
  return r.task && r.task.step !== null && r.task.steps !== null
    ? ` step ${r.task.step}/${r.task.steps}`
    : '';
}
