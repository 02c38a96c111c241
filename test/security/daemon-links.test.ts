/**
 * Issue 11, confirmed failure 4, with the REAL daemon process (bare git origin, simulator,
 * `node dist/cli/main.js daemon`): a pushed commit whose servers/ sub-folder links to a folder
 * outside the repository and whose spec references a file through a scripts/ link to /etc.
 * Nothing through a link is read, no reinstall is posted for those specs, the daemon keeps
 * running, and the other servers' status still commits.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { StatusRecord } from '../../src/records/types.js';
import { DaemonProcess } from '../daemon/daemon-process.js';
import { closeSimulator, spec, World } from '../daemon/helpers.js';

let world: World | null = null;
let daemon: DaemonProcess | null = null;
const outside = mkdtempSync(join(tmpdir(), 'ovh-fleet-outside-'));
afterEach(async () => {
  if (daemon && daemon.child.exitCode === null && daemon.child.signalCode === null)
    await daemon.kill('SIGKILL');
  daemon = null;
  await world?.close();
  world = null;
});
afterAll(async () => {
  rmSync(outside, { recursive: true, force: true });
  await closeSimulator();
});

describe('links pushed to a running daemon', () => {
  it('are refused; the other servers keep their status and nothing through a link is posted', async () => {
    world = await World.create({ count: 2 });
    const w = world;
    const [a, b] = w.managed as [(typeof w.managed)[0], (typeof w.managed)[0]];
    daemon = DaemonProcess.start(w, 'schedule: "* * * * * *"\n');
    const record = (name: string): StatusRecord | null => {
      const text = w.originFile(`status/${name}.yaml`);
      return text ? (parse(text) as StatusRecord) : null;
    };
    await w.until(
      () => record(a.name) !== null && record(b.name) !== null,
      'the first status commit',
      60_000,
    );

    // b's spec moves behind a link to a folder outside; a spec references /etc through scripts/.
    mkdirSync(join(outside, 'held'), { recursive: true });
    writeFileSync(join(outside, 'held', 'b.yaml'), spec(b.name, b.other));
    w.pull();
    rmSync(join(w.human, b.file));
    symlinkSync(join(outside, 'held'), join(w.human, 'servers', 'held'));
    symlinkSync('/etc', join(w.human, 'scripts'));
    w.write(
      'servers/etc.yaml',
      `${spec(b.name, b.other)}customizations:\n  postInstallationScript: {file: scripts/passwd}\n`,
    );
    w.write(a.file, spec(a.name, a.other));
    w.commit('links to outside, next to a real change');

    await w.until(
      () => record(a.name)?.lastAttempt?.digest !== undefined && record(a.name)?.reason !== 'in-sync',
      "the status of the other server's reinstall",
      60_000,
    );
    expect(w.posts(b.name)).toBe(0);
    const requests = JSON.stringify(w.sim.control.requests());
    expect(requests).not.toContain('root:x:0:0');
    expect(daemon.stderr).toContain('symlink-refused');
    expect(daemon.child.exitCode).toBeNull();
  }, 120_000);

  it('refuses a repository.path that is a link in the repository: nothing read, applied or committed', async () => {
    world = await World.create({ count: 1 });
    const w = world;
    const [a] = w.managed as [(typeof w.managed)[0]];
    mkdirSync(join(outside, 'fleet', 'servers'), { recursive: true });
    writeFileSync(join(outside, 'fleet', 'servers', 'a.yaml'), spec(a.name, a.other));
    symlinkSync(join(outside, 'fleet'), join(w.human, 'fleet'));
    w.commit('repository.path through a link');
    const head = w.git(w.origin, ['rev-parse', 'main']);

    await w.start({}, { OVH_FLEET_REPOSITORY_PATH: 'fleet' });
    const summary = await w.daemon!.trigger('manual');

    expect(summary?.result).toBe('error');
    expect(w.logs.join('')).toContain('symlink-refused');
    expect(w.posts(a.name)).toBe(0);
    expect(w.git(w.origin, ['rev-parse', 'main'])).toBe(head);
  }, 60_000);
});
