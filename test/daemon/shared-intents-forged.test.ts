/**
 * Hostile review, finding 3: an unsigned push of a marker (status/intents/<sn>.json) must not
 * reinstall a server. The marker below is self-consistent (its digest is its spec's) and is timed
 * on the server's first, superseded reinstall, whose start the status record shows; the old
 * resolution tied it to that task, recorded its digest as applied and posted a reinstall. A
 * marker whose digest lies is refused when read (test/apply/shared-intents-forged.test.ts).
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { digestOfCanonical } from '../../src/plan/digest.js';
import type { CanonicalSpec, StatusRecord } from '../../src/records/types.js';
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

function record(w: World, name: string): StatusRecord | null {
  const text = w.originFile(`status/${name}.yaml`);
  return text ? (parse(text) as StatusRecord) : null;
}

describe('a forged shared-intent marker under verification', () => {
  it('an unsigned status/intents/ push plans no reinstall', async () => {
    world = await World.create({ count: 1 });
    const w = world;
    const s = w.managed[0]!;
    const signers = makeSigners(w);
    signInitialCommit(w);
    const config = `verify:\n  allowedSignersFile: ${signers}\nschedule: "* * * * * *"\n`;
    daemon = DaemonProcess.start(w, config);
    await w.until(
      () => (w.originFile(`status/${s.name}.yaml`) ?? '').includes('reason: in-sync'),
      'adopted',
      30_000,
    );
    w.pull();
    w.write(s.file, spec(s.name, s.other));
    w.commit('S to B');
    await w.until(
      () =>
        record(w, s.name)?.lastApplied?.operatingSystem === s.other && record(w, s.name)?.phase === 'ready',
      'B applied',
      60_000,
    );
    w.pull();
    w.write(s.file, spec(s.name, s.os));
    w.commit('B to S');
    await w.until(
      () => record(w, s.name)?.lastApplied?.operatingSystem === s.os && record(w, s.name)?.phase === 'ready',
      'S applied',
      60_000,
    );
    const before = posts(w, s.name);
    expect(before).toBe(2);
    const first = record(w, s.name)!.attempts[0]!; // the superseded reinstall (to B)

    w.pull();
    const forgedSpec: CanonicalSpec = {
      operatingSystem: s.os,
      customizations: {},
      storage: null,
      reinstall: { generation: 5 },
    };
    const forged = {
      formatVersion: 1,
      serviceName: s.name,
      attemptId: 'f00d',
      writer: 'apply@elsewhere#1-aaaaaaaaaaaa',
      digest: digestOfCanonical(forgedSpec),
      operatingSystem: s.os,
      planHash: 'x',
      revision: 'x',
      recordedAt: first,
      spec: forgedSpec,
    };
    w.write(`status/intents/${s.name}.json`, `${JSON.stringify(forged, null, 2)}\n`);
    commitUnsigned(w, 'unsigned marker');
    const run = daemon;
    const cycles = run.cycles;
    await w.until(() => run.cycles >= cycles + 6, 'cycles', 60_000);

    expect(posts(w, s.name)).toBe(before);
    expect(record(w, s.name)?.lastApplied?.digest).not.toBe(forged.digest);
  }, 240_000);
});
