/**
 * `ovh-fleet demo` as a user runs it (the built dist/cli/main.js, a real process): it prints the
 * dashboard's URL as soon as the daemon listens, the URL serves the dashboard, and without
 * `--exit` it keeps running after its change until Ctrl-C, which stops the daemon and the
 * simulator, removes the demo's directory and exits 0 with no stack trace. SIGTERM in the middle
 * of the demo ends it as cleanly. Its help shows `--exit`, and `--keep-running` as deprecated.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import { cli, MAIN } from '../cli/run-cli.js';

/** A running `ovh-fleet demo`: its output so far, and a wait for a line matching a pattern. */
interface DemoProcess {
  child: ChildProcess;
  stdout: string[];
  stderr: () => string;
  exited: Promise<string>;
  line(pattern: RegExp, what: string): Promise<RegExpExecArray>;
}

const started: ChildProcess[] = [];
afterEach(() => {
  for (const child of started.splice(0))
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

function startDemo(args: string[]): DemoProcess {
  // dist/ is built by `npm test`'s pretest step (and by .ci/run before the tests).
  const child = spawn(process.execPath, [MAIN, 'demo', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { PATH: process.env.PATH },
  });
  started.push(child);
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<string>((resolve) =>
    child.once('exit', (code, signal) => resolve(`${code}/${signal}`)),
  );
  const stdout: string[] = [];
  const waiting: { pattern: RegExp; resolve: (m: RegExpExecArray) => void }[] = [];
  createInterface({ input: child.stdout! }).on('line', (text) => {
    stdout.push(text);
    for (const w of [...waiting]) {
      const m = w.pattern.exec(text);
      if (m) {
        waiting.splice(waiting.indexOf(w), 1);
        w.resolve(m);
      }
    }
  });
  const line = (pattern: RegExp, what: string): Promise<RegExpExecArray> => {
    const seen = stdout.map((t) => pattern.exec(t)).find((m) => m !== null);
    if (seen) return Promise.resolve(seen);
    return Promise.race([
      new Promise<RegExpExecArray>((resolve) => waiting.push({ pattern, resolve })),
      exited.then((how) => {
        throw new Error(`the demo exited (${how}) before ${what}:\n${stdout.join('\n')}\n${stderr}`);
      }),
    ]);
  };
  return { child, stdout, stderr: () => stderr, exited, line };
}

const DASHBOARD = /^Dashboard: (http:\/\/127\.0\.0\.1:\d+\/) — open it in a browser$/;

async function expectDashboard(url: string): Promise<void> {
  const response = await fetch(url);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/html/);
  expect(await response.text()).toContain('view-fleet');
}

describe('ovh-fleet demo, the process', () => {
  it('prints the dashboard URL, keeps running after its change, and stops on Ctrl-C with exit 0', async () => {
    const demo = startDemo(['--speed', '300']);
    const [, url] = await demo.line(DASHBOARD, 'printing the dashboard URL');
    await expectDashboard(url!);
    const root = (await demo.line(/origin (\/\S+)\/origin\.git/, 'printing its git remote'))[1]!;

    await demo.line(
      /keep running: watch http:\/\/127\.0\.0\.1:\d+\/; press Ctrl-C to stop/,
      'its change ended',
    );
    expect(demo.stdout.join('\n')).toContain('the simulator received 1 reinstall request(s)');
    // Still there after its change: the dashboard answers, the process has not ended.
    await expectDashboard(url!);
    expect(demo.child.exitCode).toBeNull();

    demo.child.kill('SIGINT');
    expect(await demo.exited).toBe('0/null');
    expect(demo.stdout.at(-1)).toBe('Demo stopped: the daemon and the simulator are stopped.');
    expect(demo.stderr()).toBe('');
    expect(existsSync(root)).toBe(false);
    await expect(fetch(url!)).rejects.toThrow();
  }, 240_000);

  it('stops as cleanly on SIGTERM in the middle of its change', async () => {
    const demo = startDemo(['--speed', '300']);
    const root = (await demo.line(/origin (\/\S+)\/origin\.git/, 'printing its git remote'))[1]!;
    const [, url] = await demo.line(DASHBOARD, 'printing the dashboard URL');

    demo.child.kill('SIGTERM');
    expect(await demo.exited).toBe('0/null');
    expect(demo.stdout).toContain('SIGTERM: stopping the daemon and the simulator');
    expect(demo.stdout.join('\n')).not.toContain('Demo finished');
    expect(demo.stderr()).toBe('');
    expect(existsSync(root)).toBe(false);
    await expect(fetch(url!)).rejects.toThrow();
  }, 120_000);

  it('documents --exit, and --keep-running as deprecated, in its help; the two together are refused', async () => {
    const help = await cli(['demo', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/--exit +stop right after the demo's change/);
    expect(help.stdout).toMatch(/--keep-running +deprecated: /);

    const both = await cli(['demo', '--exit', '--keep-running']);
    expect(both.code).toBe(64);
    expect(both.stderr).toContain("option '--keep-running' cannot be used with option '--exit'");
  });
});
