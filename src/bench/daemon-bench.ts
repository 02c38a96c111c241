/**
 * Daemon benchmark: (1) time from a push to the reinstall POST when the webhook triggers the
 * cycle (median of 5, simulator in-process, bare origin on disk; each push is made to an IDLE
 * daemon: the previous reinstall has ended and its status is committed, so the figure does not
 * include waiting for an earlier cycle or for a rollout limit); (2) memory held for 10,000
 * managed servers' status records and FLEET.md (heap and RSS growth after building them: a proxy;
 * the real daemon process over two 10,000-server cycles is measured by daemon-rss-bench.ts); (3) time to serialize and
 * commit status for 1,000 changed servers (one commit, pushed to a bare origin).
 */
import { simulatorCredentials } from '../sim/client-credentials.js';
import { createHmac } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseDaemonConfig } from '../config/daemon-config.js';
import { systemClock } from '../core/clock.js';
import { silentLogger } from '../core/logger.js';
import { startDaemon } from '../daemon/daemon.js';
import { SimpleGitRepo } from '../git/simple-git-repo.js';
import { createOvhApi } from '../ovh/create-ovh-api.js';
import { RequestBudgetRegistry } from '../ovh/request-budget.js';
import { startSimulator } from '../sim/index.js';
import { renderFleetMd } from '../status/fleet-md.js';
import { serializeStatusRecord } from '../records/status-record.js';
import type { StatusRecord } from '../records/types.js';
import { benchGit } from './bench-git.js';
import type { Bench } from './main.js';

function write(root: string, path: string, text: string): void {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), text);
}

const specText = (name: string, os: string): string =>
  `apiVersion: ovh-fleet/v1\nkind: Server\nserviceName: ${name}\noperatingSystem: ${os}\n`;

async function pushToPost(): Promise<number[]> {
  const sim = await startSimulator({ servers: 12, seed: 3, speed: 600 });
  const root = mkdtempSync(join(tmpdir(), 'ovh-fleet-bench-daemon-'));
  const origin = join(root, 'origin.git');
  const human = join(root, 'human');
  benchGit(root, ['init', '--quiet', '--bare', '--initial-branch=main', origin], root);
  benchGit(root, ['clone', '--quiet', origin, human], root);
  const linux = /^(debian12_64|debian13_64|alma9_64|rocky9_64)$/;
  const servers = sim.control
    .account()
    .filter((s) => linux.test(s.server.os) && s.server.state === 'ok')
    .map((s) => ({
      name: s.server.name,
      os: s.server.os,
      other: s.compatibleTemplates.ovh.filter((t) => linux.test(t) && t !== s.server.os),
    }))
    .filter((s) => s.other.length > 0)
    .slice(0, 5);
  write(
    human,
    'fleet.yaml',
    'apiVersion: ovh-fleet/v1\nkind: Fleet\nrollout:\n  maxConcurrent: 10\n  maxPerHour: 100\n  maxFleetFraction: 1\napi:\n  requestsPerMinute: 100000\n',
  );
  for (const s of servers) write(human, `servers/${s.name}.yaml`, specText(s.name, s.os));
  benchGit(human, ['add', '--all'], root);
  benchGit(human, ['commit', '--quiet', '-m', 'fleet'], root);
  benchGit(human, ['push', '--quiet', 'origin', 'HEAD:main'], root);
  const api = createOvhApi(simulatorCredentials(sim, 'daemon-bench'), {
    requestsPerMinute: 1_000_000,
    budgets: new RequestBudgetRegistry(systemClock),
  });
  const secret = 'bench-secret';
  const config = parseDaemonConfig('', {
    OVH_FLEET_REPOSITORY_URL: origin,
    OVH_FLEET_STATE_DIR: join(root, 'state'),
    OVH_FLEET_LISTEN: '127.0.0.1:0',
  });
  const daemon = await startDaemon(config, {
    api,
    logger: silentLogger(),
    secrets: { webhookSecret: secret },
    triggers: { schedule: false, watch: false },
    follower: { slowIntervalMs: 200, intervalMs: 200, minIntervalMs: 100 },
  });
  const times: number[] = [];
  try {
    await daemon.trigger('manual');
    for (const s of servers) {
      benchGit(human, ['pull', '--quiet', '--rebase', 'origin', 'main'], root);
      write(human, `servers/${s.name}.yaml`, specText(s.name, s.other[0]!));
      benchGit(human, ['commit', '--quiet', '-am', `move ${s.name}`], root);
      const before = sim.control.requests().length;
      const started = performance.now();
      benchGit(human, ['push', '--quiet', 'origin', 'HEAD:main'], root);
      const body = JSON.stringify({ ref: 'refs/heads/main' });
      const signature = `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
      await fetch(`http://127.0.0.1:${daemon.address!.port}/hooks/git`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-hub-signature-256': signature },
        body,
      });
      while (
        !sim.control
          .requests()
          .slice(before)
          .some((r) => r.method === 'POST' && r.path.endsWith(`${s.name}/reinstall`))
      ) {
        await new Promise((r) => setTimeout(r, 5));
      }
      times.push(performance.now() - started);
      // Back to idle before the next push: this reinstall ended and its status is recorded.
      const target = s.other[0]!;
      const ended = (): boolean =>
        daemon
          .status()
          .servers.some(
            (r) =>
              r.serviceName === s.name && r.phase === 'ready' && r.lastApplied?.operatingSystem === target,
          );
      while (!ended() || daemon.status().tasksInFlight > 0) await new Promise((r) => setTimeout(r, 20));
      await daemon.trigger('manual');
    }
  } finally {
    await daemon.stop();
    await sim.close();
    rmSync(root, { recursive: true, force: true });
  }
  return times;
}

function syntheticRecords(count: number): StatusRecord[] {
  const at = '2026-11-27T00:00:00.000Z';
  return Array.from({ length: count }, (_, i) => ({
    serviceName: `ns${100000 + i}.ip-51-75-1.eu`,
    phase: 'ready',
    reason: 'in-sync',
    message: 'runs the applied spec (debian12_64)',
    since: at,
    spec: { file: `servers/ns${100000 + i}.yaml`, commit: 'a'.repeat(40) },
    desiredDigest: `sha256:${'b'.repeat(64)}`,
    observedOs: 'debian12_64',
    task: null,
    lastApplied: {
      digest: `sha256:${'b'.repeat(64)}`,
      operatingSystem: 'debian12_64',
      planHash: `sha256:${'c'.repeat(64)}`,
      specCommit: 'a'.repeat(40),
      taskId: 1000 + i,
      startedAt: at,
      finishedAt: at,
      result: 'done',
      spec: {
        operatingSystem: 'debian12_64',
        customizations: { hostname: `h${i}.example.com` },
        storage: null,
        reinstall: { generation: 1 },
      },
    },
    lastAttempt: null,
    attempts: [],
    lastError: null,
  }));
}

async function commitThousand(): Promise<{ serializeMs: number; commitMs: number }> {
  const root = mkdtempSync(join(tmpdir(), 'ovh-fleet-bench-status-'));
  const origin = join(root, 'origin.git');
  const human = join(root, 'human');
  try {
    benchGit(root, ['init', '--quiet', '--bare', '--initial-branch=main', origin], root);
    benchGit(root, ['clone', '--quiet', origin, human], root);
    write(human, 'fleet.yaml', 'apiVersion: ovh-fleet/v1\nkind: Fleet\n');
    benchGit(human, ['add', '--all'], root);
    benchGit(human, ['commit', '--quiet', '-m', 'fleet'], root);
    benchGit(human, ['push', '--quiet', 'origin', 'HEAD:main'], root);
    const repo = new SimpleGitRepo({
      url: origin,
      branch: 'main',
      dir: join(root, 'clone'),
      committer: { name: 'ovh-fleet', email: 'ovh-fleet@example.com' },
      clock: systemClock,
    });
    await repo.ensureClone();
    const records = syntheticRecords(1000);
    const t0 = performance.now();
    const files = new Map<string, string>(
      records.map((r) => [`status/${r.serviceName}.yaml`, serializeStatusRecord(r)]),
    );
    files.set('status/FLEET.md', renderFleetMd(records));
    const t1 = performance.now();
    await repo.commitStatus({
      files,
      subject: 'ovh-fleet: status of 1000 servers',
      body: records.map((r) => `${r.serviceName}: ready`).join('\n'),
      trailers: records.map((r) => ({ key: 'Fleet-Server', value: r.serviceName })),
      author: { name: 'ovh-fleet', email: 'ovh-fleet@example.com' },
    });
    return { serializeMs: t1 - t0, commitMs: performance.now() - t1 };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
}

export const daemonBench: Bench = {
  name: 'daemon',
  async run() {
    const times = await pushToPost();
    process.stdout.write(
      `daemon: push -> reinstall POST via webhook: median ${median(times).toFixed(0)} ms over ${times.length} runs (${times.map((t) => t.toFixed(0)).join(', ')} ms)\n`,
    );
    const heap0 = process.memoryUsage();
    const records = syntheticRecords(10_000);
    const md = renderFleetMd(records);
    const texts = records.map(serializeStatusRecord);
    const heap1 = process.memoryUsage();
    process.stdout.write(
      `daemon: 10,000 status records + FLEET.md in memory: heap +${((heap1.heapUsed - heap0.heapUsed) / 1048576).toFixed(1)} MiB, rss ${(heap1.rss / 1048576).toFixed(0)} MiB (texts ${texts.length}, FLEET.md ${(md.length / 1024).toFixed(0)} KiB; a proxy: the real daemon process's RSS over two 10,000-server cycles is bench daemon-rss)\n`,
    );
    const { serializeMs, commitMs } = await commitThousand();
    process.stdout.write(
      `daemon: status for 1,000 changed servers: serialize ${serializeMs.toFixed(0)} ms, commit + push ${commitMs.toFixed(0)} ms\n`,
    );
  },
};
