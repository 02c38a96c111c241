import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const MAIN = new URL('../../dist/cli/main.js', import.meta.url).pathname;

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [MAIN, ...args], {
      env: { PATH: process.env.PATH },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('the ovh-fleet command line', () => {
  it('prints its usage with --help and exits 0', async () => {
    const result = await cli(['--help']);

    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Usage: ovh-fleet');
  });

  it('prints the package version with --version', async () => {
    const result = await cli(['--version']);

    expect(result.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it.each([[['no-such-command']], [['--no-such-option']]])('exits 64 on bad usage %j', async (args) => {
    const result = await cli(args);

    expect(result.code).toBe(64);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});
