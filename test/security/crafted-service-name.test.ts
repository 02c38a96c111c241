/**
 * Issue 11, confirmed failure 5, with the REAL daemon process (bare git origin, simulator,
 * `node dist/cli/main.js daemon`): an invalid spec whose serviceName is a path
 * (`a/../../../../x`) never names a file. The other servers' status still commits, and nothing
 * is written outside status/.
 */
import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { StatusRecord } from '../../src/records/types.js';
import { DaemonProcess } from '../daemon/daemon-process.js';
import { closeSimulator, spec, World } from '../daemon/helpers.js';

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

/** Every path under `dir` (no links followed) whose name contains `token`. */
function findNamed(dir: string, token: string, depth = 8): string[] {
  if (depth === 0) return [];
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  const found: string[] = [];
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.name.includes(token)) found.push(p);
    if (e.isDirectory() && !e.isSymbolicLink()) found.push(...findNamed(p, token, depth - 1));
  }
  return found;
}

describe('a crafted serviceName in an invalid spec', () => {
  it('reaches neither the filesystem nor git, and the other servers keep their status', async () => {
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

    const token = `pwned${process.pid}x${Date.now()}`;
    w.pull();
    for (const [i, name] of [
      `a/../../../../../../../../${token}`,
      `../${token}b`,
      `${token}c/../../x`,
      `/tmp/${token}d`,
    ].entries()) {
      w.write(`servers/evil-${i}.yaml`, spec(JSON.stringify(name), 'debian12_64'));
    }
    w.write(a.file, spec(a.name, a.other));
    w.commit('a crafted serviceName next to a real change');

    await w.until(
      () => record(a.name)?.lastAttempt?.digest !== undefined && record(a.name)?.reason !== 'in-sync',
      "the status of the other server's reinstall",
      60_000,
    );
    expect(record(b.name)).not.toBeNull();
    const statusFiles = w.git(w.origin, ['ls-tree', '-r', '--name-only', 'main', 'status/']).split('\n');
    expect(statusFiles.filter((f) => f.includes(token))).toEqual([]);
    expect(findNamed(w.root, token)).toEqual([]);
    expect(findNamed(tmpdir(), token, 2)).toEqual([]);
    expect(daemon.child.exitCode).toBeNull();
  }, 120_000);
});
