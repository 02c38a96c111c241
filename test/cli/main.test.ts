import { describe, expect, it } from 'vitest';
import { cli } from './run-cli.js';

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
