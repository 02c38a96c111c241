/**
 * Review finding 1: a revert A → B → A is reinstalled even when another writer applied the step in
 * between. Real `ovh-fleet apply` processes (dist/cli/main.js), each laptop with its own state
 * directory (its own intent journal), a bare git remote and the simulator; the simulator's request
 * log counts the reinstall POSTs. Laptop 1's journal still holds its first attempt at B when B is
 * asked for again: that entry must not stand in for the new reinstall, because a later attempt
 * (laptop 2's, back to S) ran on the server after it.
 */
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { StatusRecord } from '../../src/records/types.js';
import { cliProcess as cli, DaemonProcess, type CliRun } from './daemon-process.js';
import { closeSimulator, spec, World } from './helpers.js';

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

function acceptedPosts(w: World, name: string): string[] {
  return w.sim.control
    .requests()
    .filter((r) => r.method === 'POST' && r.path.endsWith(`/dedicated/server/${name}/reinstall`))
    .filter((r) => r.status >= 200 && r.status < 300)
    .map((r) => (r.body as { operatingSystem: string }).operatingSystem);
}

function record(w: World, name: string): StatusRecord | null {
  const text = w.originFile(`status/${name}.yaml`);
  return text ? (parse(text) as StatusRecord) : null;
}

/** The intent journal's entry files in a state directory. */
function journalEntries(stateDir: string): string[] {
  const dir = join(stateDir, 'intents');
  return existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.json')) : [];
}

describe('A → B → A across two apply writers', () => {
  it('the revert is reinstalled, and git says what the server runs', async () => {
    world = await World.create({ count: 1 });
    const w = world;
    const s = w.managed[0]!;
    daemon = DaemonProcess.start(w, 'schedule: "* * * * * *"\n');
    await w.until(() => record(w, s.name)?.phase === 'ready', 'the adoption', 30_000);
    await daemon.kill('SIGTERM');
    daemon = null;
    const laptop1 = mkdtempSync(join(w.root, 'laptop-1-'));
    const laptop2 = mkdtempSync(join(w.root, 'laptop-2-'));
    const apply = (stateDir: string): Promise<CliRun> =>
      cli(w, ['apply', '--repo', w.human, '--state-dir', stateDir, '--yes', '--wait']);

    w.pull();
    w.write(s.file, spec(s.name, s.other));
    w.commit('S to B');
    const first = await apply(laptop1);
    expect(first.code, first.stderr).toBe(0);
    expect(record(w, s.name)?.lastApplied?.operatingSystem).toBe(s.other);
    // Once git holds the outcome, apply forgets the journal entry, as the daemon does.
    expect(journalEntries(laptop1)).toEqual([]);

    w.pull();
    w.write(s.file, spec(s.name, s.os));
    w.commit('B to S');
    const second = await apply(laptop2);
    expect(second.code, second.stderr).toBe(0);
    expect(record(w, s.name)?.lastApplied?.operatingSystem).toBe(s.os);

    w.pull();
    w.write(s.file, spec(s.name, s.other));
    w.commit('S to B again (the revert)');
    const third = await apply(laptop1);
    expect(third.code, third.stderr).toBe(0);
    expect(third.stdout).not.toContain('already applied by an earlier run');

    expect(acceptedPosts(w, s.name)).toEqual([s.other, s.os, s.other]);
    expect((await w.api.getServer(s.name)).os).toBe(s.other);
    expect(record(w, s.name)?.lastApplied?.operatingSystem).toBe(s.other);
  }, 180_000);
});
