/**
 * Hostile review, finding 4: with verification, trust-records takes out a record the daemon never
 * wrote; recovering lost records from git history must not bring it back from the unsigned commit
 * that added it. A signed commit adds server Y (the OS it already runs: it is adopted); an
 * unsigned commit of the same push adds a forged status/Y.yaml with another lastApplied.digest.
 * Before the fix the daemon logged status-record-untrusted, then status-record-recovered, and
 * posted a reinstall of Y.
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { DaemonProcess } from './daemon-process.js';
import { closeSimulator, spec, World } from './helpers.js';
import { commitUnsigned, makeSigners, signInitialCommit } from './signed-fleet.js';

let world: World | null = null;
let daemon: DaemonProcess | null = null;
afterEach(async () => {
  if (daemon && daemon.child.exitCode === null && daemon.child.signalCode === null)
    await daemon.kill('SIGKILL');
  daemon = null;
  await world?.close();
  world = null;
});
afterAll(closeSimulator);

function posts(w: World, name: string): number {
  return w.sim.control
    .requests()
    .filter(
      (r) =>
        r.method === 'POST' &&
        r.path.endsWith(`/dedicated/server/${name}/reinstall`) &&
        r.status >= 200 &&
        r.status < 300,
    ).length;
}

describe('a record the daemon never wrote, under verification', () => {
  it('is not recovered from git history: a new server with an unsigned forged record is adopted, not reinstalled', async () => {
    world = await World.create({ count: 2 });
    const w = world;
    const [x, y] = w.managed as [World['managed'][0], World['managed'][0]];
    const signers = makeSigners(w);
    signInitialCommit(w);
    w.h(['rm', '--quiet', y.file]);
    w.h(['commit', '--quiet', '-S', '-m', 'drop y']);
    w.h(['push', '--quiet', 'origin', 'HEAD:main']);
    const config = `verify:\n  allowedSignersFile: ${signers}\nschedule: "* * * * * *"\n`;
    daemon = DaemonProcess.start(w, config);
    await w.until(
      () => (w.originFile(`status/${x.name}.yaml`) ?? '').includes('reason: in-sync'),
      'x adopted',
      30_000,
    );
    await daemon.kill('SIGTERM');
    daemon = null;

    w.pull();
    w.write(y.file, spec(y.name, y.os)); // reviewed: y runs what it runs (adopt)
    w.h(['add', '--all']);
    w.h(['commit', '--quiet', '-S', '-m', 'add y (signed, adopt)']);
    const forged = w
      .originFile(`status/${x.name}.yaml`)!
      .split(x.name)
      .join(y.name)
      .replace(/digest: sha256:[0-9a-f]{64}/g, `digest: sha256:${'0'.repeat(64)}`);
    w.write(`status/${y.name}.yaml`, forged);
    commitUnsigned(w, 'unsigned status for y');
    daemon = DaemonProcess.start(w, config);
    const run = daemon;
    await w.until(() => run.cycles >= 5, 'cycles', 60_000);

    expect(run.stderr).toContain('status-record-untrusted');
    expect(run.stderr).not.toContain('status-record-recovered');
    expect(posts(w, y.name)).toBe(0);
    await w.until(
      () => (w.originFile(`status/${y.name}.yaml`) ?? '').includes('reason: in-sync'),
      'y adopted',
      30_000,
    );
  }, 120_000);
});
