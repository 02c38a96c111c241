/**
 * The real daemon as a child process (`node dist/cli/main.js daemon --config FILE`, dist built by
 * `npm test`'s pretest), pointed at a World's origin and simulator. Its stderr (JSON log lines)
 * is kept per run so that a failing test can show what the daemon said.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { World } from './helpers.js';

const MAIN = join(process.cwd(), 'dist', 'cli', 'main.js');

/** One run of the daemon process. */
export class DaemonProcess {
  stderr = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  private constructor(
    readonly child: ChildProcess,
    logFile: string,
  ) {
    child.stderr?.on('data', (b: Buffer) => {
      this.stderr += b.toString('utf8');
      appendFileSync(logFile, b);
    });
    this.exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  }

  /** Writes `<root>/daemon.yaml` (extra YAML lines appended) and starts the daemon on it. */
  static start(world: World, extraConfig = '', env: Record<string, string> = {}): DaemonProcess {
    const config = join(world.root, 'daemon.yaml');
    writeFileSync(
      config,
      `repository:\n  url: ${world.origin}\nlisten: 127.0.0.1:0\nstateDir: ${world.stateDir}\nlogLevel: info\n${extraConfig}`,
    );
    const child = spawn(process.execPath, [MAIN, 'daemon', '--config', config], {
      env: { ...daemonEnv(world), ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    return new DaemonProcess(child, join(world.root, 'daemon.log'));
  }

  /** Number of cycles this run ended so far. */
  get cycles(): number {
    return this.stderr.split('"msg":"cycle ended"').length - 1;
  }

  /** Sends `signal` and waits for the process to exit. */
  async kill(signal: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    this.child.kill(signal);
    return this.exited;
  }
}

/** The environment of a daemon process of `world`: PATH, HOME and the simulator's credentials. */
export function daemonEnv(world: World): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: world.root,
    OVH_ENDPOINT: world.sim.url,
    OVH_APPLICATION_KEY: world.sim.credentials.appKey,
    OVH_APPLICATION_SECRET: world.sim.credentials.appSecret,
    OVH_CONSUMER_KEY: world.sim.credentials.consumerKey,
    OVH_CA_FILE: world.sim.certPath,
  };
}

/** Exit code and output of one `ovh-fleet` process. */
export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `ovh-fleet ARGS` as a process against the world's simulator (the daemon's environment). */
export function cliProcess(w: World, args: string[]): Promise<CliRun> {
  const child = spawn(process.execPath, [MAIN, ...args], {
    env: { ...daemonEnv(w), GIT_CONFIG_NOSYSTEM: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (b: Buffer) => (stdout += b.toString('utf8')));
  child.stderr.on('data', (b: Buffer) => (stderr += b.toString('utf8')));
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, stdout, stderr })));
}
