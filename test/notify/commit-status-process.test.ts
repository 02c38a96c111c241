/**
 * End to end with real processes (git remote, simulator, the daemon from dist/, a GitHub API
 * stand-in that checks every request against GitHub's REST description): a merged change marks
 * its spec commit `ovh-fleet/<serviceName>` pending, then success once the server is ready; a
 * failed reinstall marks its commit failure with the reason code. The link is the status record.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { DaemonProcess } from '../daemon/daemon-process.js';
import { closeSimulator, spec, World } from '../daemon/helpers.js';
import { GithubApiFake } from '../support/github-api-fake.js';

let world: World | null = null;
let daemon: DaemonProcess | null = null;
let github: GithubApiFake | null = null;
afterEach(async () => {
  if (daemon) await daemon.kill('SIGKILL');
  daemon = null;
  world?.sim.control.setFaults({ taskFailureRate: 0 });
  await world?.close();
  world = null;
  await github?.close();
  github = null;
});
afterAll(closeSimulator);

describe('commit statuses from the daemon process', () => {
  it('pending then success on a merged change; failure with the reason on a failed reinstall', async () => {
    world = await World.create({ count: 2 });
    const w = world;
    github = await GithubApiFake.start();
    const gh = github;
    const [a, b] = w.managed as [World['managed'][number], World['managed'][number]];
    const tokenFile = join(w.root, 'forge-token');
    writeFileSync(tokenFile, 'github_pat_TOKEN_NEVER_LOGGED\n');
    daemon = DaemonProcess.start(
      w,
      'notifications:\n  backoffSeconds: 1\n  maxBackoffSeconds: 2\n  sinks:\n' +
        `    - {name: github, type: commit-status, provider: github, repository: acme/fleet, apiUrl: '${gh.url}', tokenFile: ${tokenFile}}\n`,
    );
    await w.until(() => daemon!.cycles >= 1, 'the first cycle', 60_000);
    const of = (sha: string, name: string) =>
      gh.statuses.filter((s) => s.sha === sha && s.context === `ovh-fleet/${name}`);

    w.pull();
    w.write(a.file, spec(a.name, a.other));
    const shaA = w.commit(`move ${a.name} to ${a.other}`);
    await w
      .until(() => of(shaA, a.name).some((s) => s.state === 'success'), `success on ${shaA}`, 120_000)
      .catch((e: unknown) => {
        console.log(daemon!.stderr.slice(-4000));
        throw e;
      });
    const statesA = of(shaA, a.name).map((s) => s.state);
    expect(statesA[0]).toBe('pending');
    expect(statesA.at(-1)).toBe('success');
    expect(statesA.indexOf('success')).toBe(statesA.length - 1);
    expect(
      of(shaA, a.name).every(
        (s) =>
          s.target_url ===
          `https://127.0.0.1:${new URL(gh.url).port}/acme/fleet/blob/main/status/${a.name}.yaml`,
      ),
    ).toBe(true);
    expect(of(shaA, a.name).at(-1)!.description).toMatch(/^ready: /);

    w.sim.control.setFaults({ taskFailureRate: 1 });
    w.pull();
    w.write(b.file, spec(b.name, b.other));
    const shaB = w.commit(`move ${b.name} to ${b.other}`);
    await w.until(() => of(shaB, b.name).some((s) => s.state !== 'pending'), `a verdict on ${shaB}`, 120_000);
    await daemon.kill('SIGTERM');
    daemon = null;

    const last = of(shaB, b.name).at(-1)!;
    expect(last.state).toBe('failure');
    expect(last.description).toBe('failed: reinstall-failed');
    expect(of(shaB, b.name)[0]!.state).toBe('pending');
    expect(gh.violations).toEqual([]);
    expect(gh.statuses.some((s) => s.sha === shaA && s.context === `ovh-fleet/${b.name}`)).toBe(false);
  }, 300_000);
});
