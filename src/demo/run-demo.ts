/**
 * `ovh-fleet demo`: the whole loop on the embedded defaults. Starts the simulator, makes a git
 * remote from the example fleet, starts the daemon on it, then plays a merged pull request that
 * moves one server to another OS, and shows as it happens: the plan, the webhook, the reinstall's
 * progress, its verification (reinstalling → verifying → ready, with the probe results), the
 * status commits with their trailers, and the server's history from git. The dashboard's URL is
 * printed as soon as the daemon listens; after the change, everything keeps running until the
 * operator stops it (Ctrl-C: `stop` aborts), unless `keepRunning` is false (`--exit`). Stopping at
 * any point stops the daemon and the simulator and removes the demo's temporary directory.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';
import { parseDaemonConfig } from '../config/daemon-config.js';
import { loadCredentials } from '../config/credentials.js';
import { createLogger } from '../core/logger.js';
import { startDaemon, type RunningDaemon } from '../daemon/daemon.js';
import type { DaemonProbes } from '../daemon/types.js';
import { createOvhApi } from '../ovh/create-ovh-api.js';
import { startSimulator, type RunningSimulator, type SimProbeMap } from '../sim/index.js';
import type { StatusRecord, VerificationRecord } from '../records/types.js';
import type { OvhApi } from '../ovh/ovh-api.js';
import { DemoRepo, type Person } from './demo-repo.js';

/** Options of the demo. */
export interface DemoOptions {
  /** Simulator time scale: at 60 a reinstall takes about 11 s instead of 11 min. */
  speed: number;
  /**
   * After the demo's change, leave everything running until `stop` aborts, and print how to try
   * one's own change; false (`--exit`): stop right after the change.
   */
  keepRunning: boolean;
  /**
   * Aborted when the operator stops the demo (Ctrl-C, SIGTERM): wherever the demo is, it stops
   * the daemon and the simulator and resolves. Without it, a demo that keeps running never ends.
   */
  stop?: AbortSignal;
  print: (line: string) => void;
  /** The command line's own `plan`, `history` and `status`, which the demo shows. */
  commands: DemoCommands;
  /**
   * How the daemon's health checks reach the simulated servers: the command line's wiring
   * (src/cli/sim-probes.ts `simulatorProbes`), given the simulator's probe map. Every target is a
   * loopback listener of the simulator and the loopback guard is on.
   */
  probes: (map: SimProbeMap) => DaemonProbes;
}

/**
 * What the demo runs of the command line, passed in by src/cli/demo-command.ts (the composition
 * root): the demo sits below cli/ in the layer order, so it receives these instead of importing
 * them. Each is the function the command itself runs.
 */
export interface DemoCommands {
  /** `ovh-fleet plan` (runPlan): prints the plan through `print`. */
  plan(options: {
    repo: string;
    format: 'text';
    api: OvhApi;
    revision: string;
    print: (s: string) => void;
    printErr: (s: string) => void;
  }): Promise<unknown>;
  /** `ovh-fleet history <serviceName>` (historyText). */
  history(serviceName: string, repo: string): Promise<string>;
  /** `ovh-fleet status <serviceName>` in the text format (statusText). */
  status(repo: string, serviceName: string, format: 'text', api: OvhApi): Promise<{ text: string }>;
}

const ALICE: Person = { name: 'Alice Martin', email: 'alice@example.com' };
const BOB: Person = { name: 'Bob Durand', email: 'bob@example.com' };
/** The pull request the demo merges: web-2 moves from Ubuntu 24.04 to Debian 12. */
const CHANGE = {
  file: 'servers/web/web-2.yaml',
  serviceName: 'ns5354477.ip-137-74-2.eu',
  from: 'operatingSystem: ubuntu2404-server_64',
  to: 'operatingSystem: debian12_64',
  subject: 'web-2: move to Debian 12 (#42)',
};
/**
 * Appended to the example fleet.yaml: health checks after every reinstall with the default probes
 * (the SSH banner, the web page) and timings for a demo, seconds instead of minutes.
 */
export const DEMO_VERIFY = `
# The demo checks every reinstalled server before calling it ready (docs/verification.md). A real
# fleet keeps timings near the defaults: initialDelay 60s, interval 15s, timeout 5s, deadline 30m.
verify:
  probes:
    - {name: ssh, type: ssh}
    - {name: web, type: http, url: "http://{address}/", expectStatus: 200, bodyContains: running}
  initialDelay: 1s
  interval: 1s
  timeout: 1s
  successes: 2
  failureLimit: 3
  deadline: 2m
`;
const WEBHOOK_SECRET = 'demo-webhook-secret';
const TIMEOUT_MS = 5 * 60_000;

/** Raised inside the demo's steps once the operator stopped it: not an error, the demo is over. */
class Stopped extends Error {
  constructor() {
    super('the demo was stopped');
  }
}

/**
 * What the demo started, stopped in reverse order when it ends; its temporary directory is removed
 * last, once the steps under way have ended (a step may still write into it). Once closed,
 * anything started late (the operator stopped the demo while it was starting) is stopped at once.
 */
class Owned {
  private readonly closers: (() => Promise<void>)[] = [];
  private readonly dirs: string[] = [];
  private closed = false;

  async add<T>(thing: T, close: (thing: T) => Promise<void>): Promise<T> {
    if (this.closed) {
      await close(thing);
      throw new Stopped();
    }
    this.closers.push(() => close(thing));
    return thing;
  }

  /** A directory removed at the very end. */
  async addDir(dir: string): Promise<void> {
    this.dirs.push(dir);
    if (this.closed) throw new Stopped();
  }

  /** Stops everything, waits (10 s at most) for `steps` to end, then removes the directories. */
  async close(steps: Promise<unknown>): Promise<void> {
    this.closed = true;
    for (const close of this.closers.splice(0).reverse()) await close();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      steps.catch(() => undefined),
      new Promise((resolve) => (timer = setTimeout(resolve, 10_000))),
    ]);
    clearTimeout(timer);
    for (const dir of this.dirs.splice(0)) await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Runs the demo; resolves when it is over: right after the change without keepRunning, else
 * when `stop` aborts. Aborting `stop` earlier ends it there, as cleanly.
 */
export async function runDemo(options: DemoOptions): Promise<void> {
  const stop = options.stop ?? new AbortController().signal;
  const stopped = new Promise<'stopped'>((resolve) => {
    if (stop.aborted) resolve('stopped');
    else stop.addEventListener('abort', () => resolve('stopped'), { once: true });
  });
  const owned = new Owned();
  const played = playDemo(options, owned, stop);
  // Once stopped, the steps still under way fail as what they use stops: that is expected.
  played.catch(() => undefined);
  try {
    const end = await Promise.race([played, stopped]);
    if (end !== 'stopped' && options.keepRunning) await stopped;
  } finally {
    await owned.close(played);
  }
}

/** The demo's steps, up to the "keeps running" lines; what it starts goes into `owned`. */
async function playDemo(options: DemoOptions, owned: Owned, stop: AbortSignal): Promise<'played'> {
  const { commands } = options;
  // Once stopped, the steps still under way print nothing more: their next line ends them.
  const print = (line: string): void => {
    if (stop.aborted) throw new Stopped();
    options.print(line);
  };
  const started = Date.now();
  const elapsed = (): string => `${((Date.now() - started) / 1000).toFixed(1).padStart(5)}s`;
  const say = (line: string): void => print(`[${elapsed()}] ${line}`);

  say(`1/6 Starting the OVHcloud API simulator (12 servers, seed 1, ${options.speed}x speed)`);
  const sim = await owned.add(await startSimulator({ servers: 12, seed: 1, speed: options.speed }), (s) =>
    s.close(),
  );
  say(`    ${sim.url} (self-signed certificate ${sim.certPath})`);

  say('2/6 Making a git remote from the example fleet/ (12 servers, one YAML file each)');
  const repo = await DemoRepo.create(ALICE, DEMO_VERIFY);
  await owned.addDir(repo.root);
  say('    fleet.yaml also asks for health checks after each reinstall: ssh banner and web page');
  say(`    origin ${repo.origin}, operator's clone ${repo.clone}`);

  say('3/6 Starting the daemon on it; its first cycle adopts the servers that already run their spec');
  const logFile = join(repo.root, 'daemon.log');
  const logger = createLogger({ level: 'info' }, createWriteStream(logFile));
  const env = {
    OVH_ENDPOINT: sim.url,
    OVH_APPLICATION_KEY: sim.credentials.appKey,
    OVH_APPLICATION_SECRET: sim.credentials.appSecret,
    OVH_CONSUMER_KEY: sim.credentials.consumerKey,
    OVH_CA_FILE: sim.certPath,
  };
  // The simulator runs faster than real time, so the demo scales the request budget likewise.
  const api = createOvhApi(await loadCredentials(env), { logger, requestsPerMinute: 60 * options.speed });
  const daemon = await owned.add(
    await startDaemon(
      parseDaemonConfig('', {
        OVH_FLEET_REPOSITORY_URL: repo.origin,
        OVH_FLEET_STATE_DIR: join(repo.root, 'state'),
        OVH_FLEET_LISTEN: '127.0.0.1:0',
        OVH_FLEET_LOG_LEVEL: 'info',
      }),
      {
        api,
        logger,
        env: { FLEET_SECRET_IMAGE_TOKEN: 'demo-image-token' },
        secrets: { webhookSecret: WEBHOOK_SECRET },
        triggers: { schedule: true, watch: false, http: true },
        follower: { slowIntervalMs: 1000, intervalMs: 1000, minIntervalMs: 500 },
        probes: options.probes(sim.control.probeMap()),
      },
    ),
    (d) => d.stop(),
  );
  print(`Dashboard: ${dashboardUrl(daemon)} — open it in a browser`);
  const first = await daemon.trigger('manual');
  const phases = countPhases(daemon.status().servers);
  say(
    `    first cycle ${first?.result ?? 'did not run'}: ${phases}; status commit ${short(first?.statusCommit)}`,
  );
  say(`    daemon on http://${daemon.address?.host}:${daemon.address?.port} (logs: ${logFile})`);

  say(`4/6 A pull request is merged: ${CHANGE.subject}`);
  await repo.pull();
  await repo.edit(CHANGE.file, CHANGE.from, CHANGE.to);
  say(
    `    ${CHANGE.file}: "${CHANGE.from}" -> "${CHANGE.to}"; the plan a reviewer sees on the pull request:`,
  );
  await commands.plan({
    repo: repo.clone,
    format: 'text',
    api,
    revision: 'pull request #42',
    print: (s) =>
      s
        .split('\n')
        .filter((l) => /^(\s*-\/\+|\s+\||Plan:|.*erase)/i.test(l))
        .forEach((l) => print(`        ${l}`)),
    printErr: () => {},
  });
  const commit = await repo.commitAll(BOB, CHANGE.subject);
  const hook = await sendWebhook(daemon, commit);
  say(`    merged as ${short(commit)} by ${BOB.name}; GitHub-style webhook answered ${hook}`);

  say('5/6 The daemon plans, posts the reinstall, follows the task, then checks the server:');
  const record = await followReinstall(daemon, CHANGE.serviceName, say, stop);
  say(`    ${CHANGE.serviceName} is ${record.phase} (${record.reason}): ${record.message}`);
  if (record.verification?.probes) say(`    health checks: ${probeResults(record.verification)}`);

  await waitForStatusCommit(repo, CHANGE.serviceName, record.lastAttempt?.taskId ?? null, stop);
  say('6/6 What git now says');
  await repo.pull();
  const log = await repo.inOrigin(['log', '-3', '--format=%h %s (%an)%n%(trailers:only,unfold)']);
  for (const line of log.split('\n').filter((l) => l !== '')) print(`        ${line}`);
  print('');
  print(`    ovh-fleet history ${CHANGE.serviceName}:`);
  const history = await commands.history(CHANGE.serviceName, repo.clone);
  for (const line of history.trimEnd().split('\n')) print(`        ${line}`);
  print(`    ovh-fleet status ${CHANGE.serviceName}:`);
  const status = await commands.status(repo.clone, CHANGE.serviceName, 'text', api);
  for (const line of status.text.trimEnd().split('\n')) print(`        ${line}`);
  const posts = sim.control
    .requests()
    .filter((r) => r.method === 'POST' && r.path.endsWith('/reinstall') && r.status === 200).length;
  say(
    `Demo finished: one merged pull request; the simulator received ${posts} reinstall request(s); status is in git.`,
  );

  if (options.keepRunning) {
    printTryIt(print, repo, sim, daemon, env);
    print(
      `The daemon and the simulator keep running: watch ${dashboardUrl(daemon)}; press Ctrl-C to stop (--exit stops right after the change).`,
    );
  }
  return 'played';
}

/** `http://127.0.0.1:PORT/`, where the daemon serves the dashboard. */
function dashboardUrl(daemon: RunningDaemon): string {
  return `http://${daemon.address?.host}:${daemon.address?.port}/`;
}

/** Waits `ms`; throws Stopped at once when the operator stops the demo. */
async function pause(ms: number, stop: AbortSignal): Promise<void> {
  if (stop.aborted) throw new Stopped();
  await new Promise<void>((resolve) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      stop.removeEventListener('abort', done);
      resolve();
    }
    stop.addEventListener('abort', done, { once: true });
  });
  if (stop.aborted) throw new Stopped();
}

/** Waits until the origin's status file of the server records the finished task and its verdict. */
async function waitForStatusCommit(
  repo: DemoRepo,
  serviceName: string,
  taskId: number | null,
  stop: AbortSignal,
): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const text = await repo.inOrigin(['show', `main:status/${serviceName}.yaml`]).catch(() => '');
    const record = (parse(text) ?? {}) as {
      lastApplied?: { taskId?: number } | null;
      verification?: { result?: string } | null;
    };
    const verified = record.verification?.result !== 'running';
    if (taskId !== null && record.lastApplied?.taskId === taskId && verified) return;
    await pause(250, stop);
  }
  throw new Error(`no status commit recorded the reinstall of ${serviceName} within a minute`);
}

/** `ssh success, web success in round 2 (2 passed, 0 failed, 0 inconclusive)`. */
function probeResults(v: VerificationRecord): string {
  const results = (v.probes ?? []).map((p) => `${p.probe} ${p.outcome}${p.reason ? ` (${p.reason})` : ''}`);
  const n = v.rounds;
  const rounds = n
    ? ` in round ${n.total} (${n.success} passed, ${n.failure} failed, ${n.inconclusive} inconclusive)`
    : '';
  return `${results.join(', ') || '(no probe)'}${rounds}`;
}

function countPhases(records: readonly StatusRecord[]): string {
  const counts = new Map<string, number>();
  for (const r of records)
    counts.set(`${r.phase}/${r.reason}`, (counts.get(`${r.phase}/${r.reason}`) ?? 0) + 1);
  return [...counts].map(([k, n]) => `${n} ${k}`).join(', ');
}

function short(commit: string | null | undefined): string {
  return commit ? commit.slice(0, 7) : 'none';
}

/** Sends the webhook GitHub would send for a push, signed with the shared secret. */
async function sendWebhook(daemon: RunningDaemon, after: string): Promise<string> {
  const body = JSON.stringify({ ref: 'refs/heads/main', after });
  const signature = createHmac('sha256', WEBHOOK_SECRET).update(body).digest('hex');
  const response = await fetch(`http://${daemon.address?.host}:${daemon.address?.port}/hooks/git`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-github-event': 'push',
      'x-github-delivery': randomUUID(),
      'x-hub-signature-256': `sha256=${signature}`,
    },
    body,
  });
  return `${response.status} ${response.statusText}`;
}

/**
 * Prints each change of the server's status until its reinstall ended and, when it ended `done`,
 * until its verification reached a verdict; returns the last record.
 */
async function followReinstall(
  daemon: RunningDaemon,
  serviceName: string,
  say: (line: string) => void,
  stop: AbortSignal,
): Promise<StatusRecord> {
  const deadline = Date.now() + TIMEOUT_MS;
  let last = '';
  let sawTask = false;
  let ended: number | null = null;
  for (;;) {
    const record = daemon.status().servers.find((r) => r.serviceName === serviceName);
    if (record) {
      const t = record.task;
      const line = t
        ? `${record.phase}: task ${t.id} ${t.status}${t.step ? `, step ${t.step}/${t.steps ?? '?'} "${t.currentStep ?? ''}"` : ''}`
        : `${record.phase} (${record.reason})${record.phase === 'verifying' ? `: ${record.message}` : ''}`;
      // Once the follower saw the task end, /api/status shows the record of the cycle that
      // started it (task `todo`) until the next cycle records the end: not news, not printed.
      const stale = t !== null && t.id === ended && t.status !== 'done';
      if (line !== last && !stale) say(`    ${serviceName}: ${line}`);
      if (!stale) last = line;
      if (t?.status === 'done') ended = t.id;
      sawTask ||= t !== null || record.lastAttempt?.result === 'running';
      const a = record.lastAttempt;
      const v = record.verification;
      const decided = a?.result !== 'done' || (v?.digest === a.digest && v.result !== 'running');
      const done = a !== null && a.result !== 'running' && record.task === null && decided;
      if (sawTask && done) return record;
    }
    if (Date.now() > deadline)
      throw new Error(`the reinstall of ${serviceName} did not end within 5 minutes`);
    await pause(250, stop);
  }
}

function printTryIt(
  print: (line: string) => void,
  repo: DemoRepo,
  sim: RunningSimulator,
  daemon: RunningDaemon,
  env: Record<string, string>,
): void {
  print('');
  print(`Try your own change (${repo.root} is removed when the demo stops):`);
  print(`  cd ${repo.clone}`);
  print('  $EDITOR servers/...yaml && git commit -am "my change" && git push origin HEAD:main');
  print(`  the daemon picks it up within 2 minutes (schedule), or at once through the webhook of`);
  print(`  http://${daemon.address?.host}:${daemon.address?.port}/hooks/git (secret "${WEBHOOK_SECRET}")`);
  print('  Use the CLI against the simulator with:');
  for (const [k, v] of Object.entries(env)) print(`  export ${k}=${v}`);
  print(`  ovh-fleet plan --repo ${repo.clone}    ovh-fleet status --repo ${repo.clone}`);
  print(
    `  simulator: ${sim.url}; daemon status: http://${daemon.address?.host}:${daemon.address?.port}/api/status`,
  );
}
