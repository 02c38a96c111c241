/**
 * Issue 11, "a deleted or unreadable status record means first sight": through the daemon, after a
 * restart (its memory is gone), a deleted or corrupted record of a drifted server (`drift:
 * report`) is taken from git history and never turns into a reinstall; the record is committed
 * back as it was.
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { StatusRecord } from '../../src/records/types.js';
import { MAX_RECORD_VERSIONS } from '../../src/plan/recover-records.js';
import { closeSimulator, spec, World } from './helpers.js';

let world: World | null = null;
afterEach(async () => {
  await world?.close();
  world = null;
});
afterAll(closeSimulator);

function record(w: World, name: string): StatusRecord | null {
  const text = w.originFile(`status/${name}.yaml`);
  return text ? (parse(text) as StatusRecord) : null;
}

describe('a lost status record never counts as first sight', () => {
  for (const loss of ['deleted', 'corrupted'] as const) {
    it(`a ${loss} record of a drifted server, after a restart: no reinstall, the record comes back from history`, async () => {
      world = await World.create({ count: 1 });
      const w = world;
      const [m] = w.managed as [(typeof w.managed)[0]];
      await w.start();
      // The server drifts: OVHcloud shows another OS than the applied (adopted) one; drift: report.
      w.sim.control.updateServer(m.name, { os: m.other });
      await w.daemon!.trigger('manual');
      const kept = record(w, m.name);
      expect(kept).toMatchObject({
        phase: 'drifted',
        reason: 'drift',
        lastApplied: { operatingSystem: m.os },
      });

      await w.daemon!.stop();
      w.pull();
      if (loss === 'deleted') w.h(['rm', '--quiet', `status/${m.name}.yaml`]);
      else w.write(`status/${m.name}.yaml`, 'phase: [unclosed\n');
      w.commit(`a human ${loss} the record`);
      w.sim.control.clearRequests();
      await w.start(); // a new daemon: nothing in memory

      expect(w.posts(m.name)).toBe(0);
      const back = record(w, m.name);
      expect(back).toMatchObject({ phase: 'drifted', reason: 'drift', lastApplied: kept!.lastApplied });
      expect(w.logs.join('')).toContain('status-record-recovered');
    }, 60_000);
  }

  it('a record with no valid version in history holds the server across cycles; a reviewed generation bump lifts it', async () => {
    world = await World.create({ count: 1 });
    const w = world;
    const [m] = w.managed as [(typeof w.managed)[0]];
    await w.start();
    w.sim.control.updateServer(m.name, { os: m.other }); // drifted: first sight would reinstall
    await w.daemon!.trigger('manual');
    await w.daemon!.stop();
    w.pull();
    for (let i = 1; i < MAX_RECORD_VERSIONS; i++) {
      w.write(`status/${m.name}.yaml`, `broken: ${i}\n`);
      w.h(['add', '--all']);
      w.h(['commit', '--quiet', '-m', `break ${i}`]);
    }
    w.write(`status/${m.name}.yaml`, 'phase: [unclosed\n');
    w.commit('the last broken version');
    w.sim.control.clearRequests();

    await w.start();
    await w.daemon!.trigger('manual');

    expect(w.posts(m.name)).toBe(0);
    expect(record(w, m.name)).toMatchObject({
      phase: 'unknown',
      reason: 'status-record-lost',
      lastApplied: null,
    });

    w.pull();
    w.write(m.file, `${spec(m.name, m.os)}reinstall:\n  generation: 1\n`);
    w.commit('ask for the reinstall explicitly');
    await w.daemon!.trigger('manual');

    expect(w.posts(m.name)).toBe(1);
  }, 60_000);
});
