/**
 * Issue 12: never twice ACROSS writers. The daemon process and `ovh-fleet apply` processes (each
 * with its own state directory) share one record of intent in the fleet repository; every test
 * counts the reinstall POSTs the simulator accepted.
 */
import { chmodSync, existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { StatusRecord } from '../../src/records/types.js';
import { cliProcess as cli, DaemonProcess } from './daemon-process.js';
import { closeSimulator, spec, World } from './helpers.js';

const SCHEDULE = 'schedule: "* * * * * *"\n'; // a full cycle every second

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

function applyArgs(w: World, stateDir: string, ...extra: string[]): string[] {
  return ['apply', '--repo', w.human, '--state-dir', stateDir, '--yes', ...extra];
}

function acceptedPosts(w: World, name: string): number {
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

function record(w: World, name: string): StatusRecord | null {
  const text = w.originFile(`status/${name}.yaml`);
  return text ? (parse(text) as StatusRecord) : null;
}

function marker(w: World, name: string): { writer: string; digest: string } | null {
  const text = w.originFile(`status/intents/${name}.json`);
  return text ? (JSON.parse(text) as { writer: string; digest: string }) : null;
}

/** A world of one server that the daemon process has adopted and recorded in sync; the daemon is then stopped. */
async function adoptedByDaemon(): Promise<World> {
  const w = await World.create({ count: 1 });
  daemon = DaemonProcess.start(w, SCHEDULE);
  const name = w.managed[0]!.name;
  await w.until(() => record(w, name)?.phase === 'ready', 'the adoption', 30_000);
  await daemon.kill('SIGTERM');
  daemon = null;
  w.pull();
  return w;
}

describe('one record of intent across writers', () => {
  it('the daemon never posts again what `ovh-fleet apply --wait` from a laptop reinstalled', async () => {
    world = await adoptedByDaemon();
    const s = world.managed[0]!;
    world.write(s.file, spec(s.name, s.other));
    world.commit('S to B');

    const laptop = await cli(world, applyArgs(world, mkdtempSync(join(world.root, 'laptop-')), '--wait'));
    expect(laptop.stderr).not.toMatch(/error/i);
    expect(laptop.code).toBe(0);
    expect(acceptedPosts(world, s.name)).toBe(1);
    expect(marker(world, s.name)?.writer).toMatch(/^apply@/);
    const recorded = record(world, s.name);
    expect(recorded?.lastApplied?.operatingSystem).toBe(s.other);
    expect(recorded?.lastAttempt?.result).toBe('done');

    daemon = DaemonProcess.start(world, SCHEDULE);
    await world.until(() => daemon!.cycles >= 3, 'three daemon cycles', 30_000);
    expect(acceptedPosts(world, s.name)).toBe(1);
    const after = record(world, s.name);
    expect(after?.phase).toBe('ready');
    expect(after?.lastApplied?.operatingSystem).toBe(s.other);
    expect(after?.lastApplied?.taskId).toBe(recorded?.lastApplied?.taskId);
  }, 120_000);

  it('the daemon records the end of an attempt that `apply` (without --wait) started, and never repeats it', async () => {
    world = await adoptedByDaemon();
    const s = world.managed[0]!;
    world.write(s.file, spec(s.name, s.other));
    world.commit('S to B');

    const laptop = await cli(world, applyArgs(world, mkdtempSync(join(world.root, 'laptop-'))));
    expect(laptop.code).toBe(0);
    expect(record(world, s.name)?.lastAttempt?.result).toBe('running');

    daemon = DaemonProcess.start(world, SCHEDULE);
    await world.until(
      () => record(world!, s.name)?.lastApplied?.operatingSystem === s.other,
      'the laptop attempt recorded as applied by the daemon',
      30_000,
    );
    await world.until(() => daemon!.cycles >= 3, 'three more daemon cycles', 30_000);
    expect(acceptedPosts(world, s.name)).toBe(1);
    const after = record(world, s.name);
    expect(after?.phase).toBe('ready');
    expect(after?.lastAttempt?.result).toBe('done');
  }, 120_000);

  it('two `apply` processes with different state directories started at the same moment: one POST', async () => {
    world = await adoptedByDaemon();
    const s = world.managed[0]!;
    world.write(s.file, spec(s.name, s.other));
    world.commit('S to B');

    const [a, b] = await Promise.all([
      cli(world, applyArgs(world, mkdtempSync(join(world.root, 'laptop-a-')), '--wait')),
      cli(world, applyArgs(world, mkdtempSync(join(world.root, 'laptop-b-')), '--wait')),
    ]);
    expect(acceptedPosts(world, s.name)).toBe(1);
    expect([a.code, b.code]).toContain(0);
    // The other either lost the race and planned again, or followed the first one's task.
    expect(`${a.stdout}${a.stderr}${b.stdout}${b.stderr}`).toMatch(
      /planning again|intent-pending-elsewhere|task-adopted|task-in-progress|Nothing to apply/,
    );
    const after = record(world, s.name);
    expect(after?.lastApplied?.operatingSystem).toBe(s.other);
  }, 120_000);

  it('a remote that refuses pushes: nothing is posted, and the error says why and what to configure', async () => {
    world = await adoptedByDaemon();
    const s = world.managed[0]!;
    world.write(s.file, spec(s.name, s.other));
    world.commit('S to B');
    const hook = join(world.origin, 'hooks', 'pre-receive');
    writeFileSync(hook, '#!/bin/sh\necho "protected branch: pushes refused" >&2\nexit 1\n');
    chmodSync(hook, 0o755);
    expect(existsSync(hook)).toBe(true);

    const laptop = await cli(world, applyArgs(world, mkdtempSync(join(world.root, 'laptop-')), '--wait'));

    expect(laptop.code).toBe(1);
    expect(acceptedPosts(world, s.name)).toBe(0);
    expect(laptop.stderr).toMatch(/intent-push-refused/);
    expect(laptop.stderr).toMatch(/nothing was posted/);
    expect(laptop.stderr).toMatch(/protected branch: pushes refused/);
  }, 120_000);

  it('--no-record says loudly what it gives up (and the daemon, not seeing it, posts again)', async () => {
    world = await adoptedByDaemon();
    const s = world.managed[0]!;
    world.write(s.file, spec(s.name, s.other));
    world.commit('S to B');

    const laptop = await cli(
      world,
      applyArgs(world, mkdtempSync(join(world.root, 'laptop-')), '--wait', '--no-record'),
    );
    expect(laptop.code).toBe(0);
    expect(laptop.stderr).toMatch(/WARNING: --no-record.*may post them AGAIN/);
    expect(acceptedPosts(world, s.name)).toBe(1);
    // What the issue reported, kept as the documented cost of --no-record: a second POST.
    daemon = DaemonProcess.start(world, SCHEDULE);
    await world.until(() => acceptedPosts(world!, s.name) === 2, 'the daemon posting again', 30_000);
  }, 120_000);
});
