/**
 * The daemon tests' world: the simulator in-process, a bare origin seeded with specs for some of
 * its servers (declaring the OS they run, so the first cycle adopts them), a human clone to push
 * from, a state directory, a captured log, and startDaemon wired to all of it.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Writable } from 'node:stream';
import { parseDaemonConfig, type DaemonConfig } from '../../src/config/daemon-config.js';
import { createLogger } from '../../src/core/logger.js';
import { startDaemon, type RunningDaemon } from '../../src/daemon/daemon.js';
import type { DaemonDeps } from '../../src/daemon/types.js';
import type { OvhApi } from '../../src/ovh/ovh-api.js';
import { startSimulator, type RunningSimulator, type SimulatorOptions } from '../../src/sim/index.js';
import { simApi } from '../support/sim-api.js';

export const WEBHOOK_SECRET = 'hook-secret-7f3a9c';
/** A secret given through `{env: FLEET_SECRET_IMAGE_TOKEN}` (an ssh key: an input every Linux template has). */
export const IMAGE_TOKEN =
  'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAISECRETsecret41b2e8SECRETsecret41b2e8SECRETse ops@example.com';
const LINUX = /^(debian12_64|debian13_64|alma9_64|rocky9_64|ubuntu2404-server_64)$/;

/** Environment of helper git processes: isolated HOME, no system config, a fixed human identity. */
export function humanEnv(home: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: home,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_AUTHOR_NAME: 'Alice',
    GIT_AUTHOR_EMAIL: 'alice@example.com',
    GIT_COMMITTER_NAME: 'Alice',
    GIT_COMMITTER_EMAIL: 'alice@example.com',
    LC_ALL: 'C',
  };
}

/** A managed server of the world: its name, the OS it runs, another OS it accepts. */
export interface Managed {
  name: string;
  os: string;
  other: string;
  file: string;
}

/** Spec text; `headers` adds an {env} secret. */
export function spec(name: string, os: string, headers = false): string {
  const extra = headers ? 'customizations:\n  sshKey: {env: FLEET_SECRET_IMAGE_TOKEN}\n' : '';
  return `apiVersion: ovh-fleet/v1\nkind: Server\nserviceName: ${name}\noperatingSystem: ${os}\n${extra}`;
}

/** One test's world; `close()` removes everything. */
export class World {
  readonly root = mkdtempSync(join(tmpdir(), 'ovh-fleet-daemon-'));
  readonly origin = join(this.root, 'origin.git');
  readonly human = join(this.root, 'human');
  readonly stateDir = join(this.root, 'state');
  readonly env = humanEnv(this.root);
  readonly logs: string[] = [];
  managed: Managed[] = [];
  daemon: RunningDaemon | null = null;

  private constructor(
    readonly sim: RunningSimulator,
    readonly api: OvhApi,
  ) {}

  /**
   * Seeds the origin with `count` adopted servers of the file's simulator that no other world of
   * the file used (one simulator per file: https.globalAgent keeps TLS state per address).
   */
  static async create(options: { count?: number; headers?: boolean } = {}): Promise<World> {
    const sim = await sharedSimulator();
    const world = new World(sim, simApi(sim));
    world.git(world.root, ['init', '--quiet', '--bare', '--initial-branch=main', world.origin]);
    world.git(world.root, ['clone', '--quiet', world.origin, world.human]);
    for (const s of sim.control.account()) {
      const other = s.compatibleTemplates.ovh.find((t) => LINUX.test(t) && t !== s.server.os);
      if (!LINUX.test(s.server.os) || !other || world.managed.length >= (options.count ?? 2)) continue;
      if (used.has(s.server.name) || s.server.state !== 'ok') continue;
      used.add(s.server.name);
      world.managed.push({
        name: s.server.name,
        os: s.server.os,
        other,
        file: `servers/${s.server.name}.yaml`,
      });
    }
    world.write('fleet.yaml', 'apiVersion: ovh-fleet/v1\nkind: Fleet\nrollout:\n  maxFleetFraction: 1\n');
    for (const m of world.managed) world.write(m.file, spec(m.name, m.os, options.headers ?? false));
    world.commit('initial fleet');
    return world;
  }

  git(cwd: string, args: string[]): string {
    return execFileSync('git', args, {
      cwd,
      env: this.env,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    }).trim();
  }

  /** git in the human clone. */
  h(args: string[]): string {
    return this.git(this.human, args);
  }

  write(path: string, content: string): void {
    mkdirSync(dirname(join(this.human, path)), { recursive: true });
    writeFileSync(join(this.human, path), content);
  }

  /** Commits everything in the human clone and pushes (rebasing over the daemon's commits). */
  commit(subject: string): string {
    this.h(['add', '--all']);
    this.h(['commit', '--quiet', '-m', subject]);
    for (let i = 0; ; i++) {
      try {
        this.h(['push', '--quiet', 'origin', 'HEAD:main']);
        return this.h(['rev-parse', 'HEAD']);
      } catch (error) {
        if (i > 20) throw error;
        this.h(['pull', '--quiet', '--rebase', 'origin', 'main']);
      }
    }
  }

  /** Brings the human clone up to date with origin/main. */
  pull(): void {
    this.h(['pull', '--quiet', '--rebase', 'origin', 'main']);
  }

  /** The origin's file at main, or null. */
  originFile(path: string): string | null {
    try {
      return this.git(this.origin, ['show', `main:${path}`]);
    } catch {
      return null;
    }
  }

  /** Several files of the origin's main at once (one git process); null for a missing one. */
  originFiles(paths: readonly string[]): Map<string, string | null> {
    const out = execFileSync('git', ['cat-file', '--batch'], {
      cwd: this.origin,
      env: this.env,
      input: paths.map((p) => `main:${p}\n`).join(''),
    });
    const files = new Map<string, string | null>();
    let at = 0;
    for (const p of paths) {
      const eol = out.indexOf(10, at);
      const header = out.subarray(at, eol).toString('utf8');
      at = eol + 1;
      if (header.endsWith(' missing')) {
        files.set(p, null);
        continue;
      }
      const size = Number(header.split(' ')[2]);
      files.set(p, out.subarray(at, at + size).toString('utf8'));
      at += size + 1;
    }
    return files;
  }

  /** The configuration the daemon gets. */
  config(extra: Record<string, string> = {}): DaemonConfig {
    return parseDaemonConfig('', {
      OVH_FLEET_REPOSITORY_URL: this.origin,
      OVH_FLEET_STATE_DIR: this.stateDir,
      OVH_FLEET_LISTEN: '127.0.0.1:0',
      OVH_FLEET_LOG_LEVEL: 'debug',
      ...extra,
    });
  }

  /** Starts the daemon in-process (no cron, no watcher) and waits for its first cycle. */
  async start(
    deps: Partial<DaemonDeps> = {},
    configEnv: Record<string, string> = {},
  ): Promise<RunningDaemon> {
    const sink = new Writable({
      write: (chunk: Buffer, _enc, done) => {
        this.logs.push(chunk.toString('utf8'));
        done();
      },
    });
    const logger = createLogger({ level: 'debug' }, sink);
    this.daemon = await startDaemon(this.config(configEnv), {
      api: simApi(this.sim, logger),
      logger,
      env: { FLEET_SECRET_IMAGE_TOKEN: IMAGE_TOKEN },
      secrets: { webhookSecret: WEBHOOK_SECRET },
      triggers: { schedule: false, watch: false },
      follower: { slowIntervalMs: 50, intervalMs: 50, minIntervalMs: 20 },
      post: { ambiguityDelayMs: 10 },
      ...deps,
    });
    await this.daemon.trigger('manual');
    return this.daemon;
  }

  /** Reinstall POSTs the simulator received for `name`. */
  posts(name: string): number {
    return this.sim.control
      .requests()
      .filter((r) => r.method === 'POST' && r.path.endsWith(`/dedicated/server/${name}/reinstall`)).length;
  }

  /** Waits (real time, bounded) until `check` holds, triggering cycles meanwhile. */
  async until(check: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
    const end = Date.now() + timeoutMs;
    while (!check()) {
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  async close(): Promise<void> {
    await this.daemon?.stop();
    rmSync(this.root, { recursive: true, force: true });
  }
}

let shared: Promise<RunningSimulator> | null = null;
const used = new Set<string>();
let simOptions: SimulatorOptions = { servers: 40, seed: 7, speed: 300 };

/** Changes this file's simulator options; call before the first World.create of the file. */
export function useSimulatorOptions(options: Partial<SimulatorOptions>): void {
  if (shared) throw new Error('the simulator of this file already runs');
  simOptions = { ...simOptions, ...options };
}

/** The simulator of this test file (default speed: a reinstall takes about 2 s). */
export function sharedSimulator(): Promise<RunningSimulator> {
  shared ??= startSimulator(simOptions);
  return shared;
}

/** Closes the file's simulator (afterAll). */
export async function closeSimulator(): Promise<void> {
  if (shared) await (await shared).close();
  shared = null;
}

/** Trailer values of a commit in `repo`. */
export function trailers(world: World, commit: string): Record<string, string[]> {
  const text = world.git(world.origin, ['log', '-1', '--format=%(trailers:only,unfold)', commit]);
  const out: Record<string, string[]> = {};
  for (const line of text.split('\n').filter(Boolean)) {
    const [key, ...rest] = line.split(': ');
    (out[key!] ??= []).push(rest.join(': '));
  }
  return out;
}
