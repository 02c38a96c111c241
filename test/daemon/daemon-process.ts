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

  /**
   * Sends `signal` and waits for the process to exit. A daemon that has not exited after
   * `boundMs` is killed and the test fails saying so, with the daemon's last log lines (a hang
   * on shutdown is a defect: systemd would kill it too).
   */
  async kill(
    signal: NodeJS.Signals,
    boundMs = 60_000,
  ): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    this.child.kill(signal);
    const exit = await bounded(this.exited, boundMs);
    if (exit !== TIMED_OUT) return exit;
    this.child.kill('SIGKILL');
    await this.exited;
    throw new Error(
      `the daemon did not exit within ${boundMs / 1000} s of ${signal}; its last log lines:\n${lastLines(this.stderr)}`,
    );
  }
}

const TIMED_OUT = Symbol('timed out');

/** `promise`'s value, or TIMED_OUT after `ms` (the timer never keeps the process alive). */
function bounded<T>(promise: Promise<T>, ms: number): Promise<T | typeof TIMED_OUT> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<typeof TIMED_OUT>((resolve) => {
    timer = setTimeout(() => resolve(TIMED_OUT), ms);
    timer.unref();
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function lastLines(text: string, count = 12): string {
  return text.trimEnd().split('\n').slice(-count).join('\n');
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

/**
 * Runs `ovh-fleet ARGS` as a process against the world's simulator (the daemon's environment).
 * A process still running after `boundMs` is killed and the test fails with what it printed.
 */
export async function cliProcess(w: World, args: string[], boundMs = 90_000): Promise<CliRun> {
  const child = spawn(process.execPath, [MAIN, ...args], {
    env: { ...daemonEnv(w), GIT_CONFIG_NOSYSTEM: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (b: Buffer) => (stdout += b.toString('utf8')));
  child.stderr.on('data', (b: Buffer) => (stderr += b.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const code = await bounded(exited, boundMs);
  if (code !== TIMED_OUT) return { code, stdout, stderr };
  child.kill('SIGKILL');
  await exited;
  throw new Error(
    `ovh-fleet ${args[0] ?? ''} did not exit within ${boundMs / 1000} s; its last output:\n${lastLines(stdout)}\n${lastLines(stderr)}`,
  );
}
