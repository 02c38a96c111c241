import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';

describe('ovh-fleet sim', () => {
  it('prints exactly the listening line first and stops on SIGTERM', async () => {
    // dist/ is built by `npm test`'s pretest step (and by .ci/run before the tests).
    const child = spawn(process.execPath, ['dist/cli/main.js', 'sim', '--port', '0', '--servers', '3'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<string>((resolve) =>
      child.once('exit', (code, signal) => resolve(`${code}/${signal}`)),
    );
    const lines = createInterface({ input: child.stdout });
    const first = await Promise.race([
      new Promise<string>((resolve) => lines.once('line', resolve)),
      exited.then((how) => `exited ${how} before printing: ${stderr}`),
    ]);

    child.kill('SIGTERM');
    const how = await exited;

    expect(first).toMatch(/^ovh-fleet sim: listening on https:\/\/127\.0\.0\.1:\d+\/1\.0$/);
    expect(how).toBe('0/null');
  }, 60_000);
});
