/**
 * /api/events against a real in-process daemon (the simulator over HTTPS, a bare git origin): a
 * client that applies the snapshot and the updates holds what /api/status says once a reinstall
 * is recorded, it saw the task's progress on the way, and the stream never carries a secret's
 * value (the spec names an `{env}` secret).
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { DaemonStatus } from '../../../src/daemon/types.js';
import type { LiveUpdate } from '../../../src/daemon/ui/live-events.js';
import type { StatusRecord } from '../../../src/records/types.js';
import { closeSimulator, IMAGE_TOKEN, spec, WEBHOOK_SECRET, World } from '../helpers.js';
import { SseClient } from './sse-client.js';

let world: World | null = null;
let client: SseClient | null = null;
afterEach(async () => {
  await client?.close();
  client = null;
  await world?.close();
  world = null;
});
afterAll(closeSimulator);

/** The snapshot with every update applied, as the page does. */
function replay(events: SseClient['events']): Map<string, StatusRecord> {
  const servers = new Map<string, StatusRecord>();
  for (const e of events) {
    if (e.event === 'snapshot') {
      servers.clear();
      for (const r of (JSON.parse(e.data) as DaemonStatus).servers) servers.set(r.serviceName, r);
    } else if (e.event === 'update') {
      const u = JSON.parse(e.data) as LiveUpdate;
      for (const r of u.servers) servers.set(r.serviceName, r);
      for (const name of u.removed) servers.delete(name);
    }
  }
  return servers;
}

describe('the event stream of a running daemon', () => {
  it('follows a reinstall live and ends where /api/status is, with no secret value', async () => {
    world = await World.create({ count: 2, headers: true });
    const w = world;
    const [m] = w.managed as [World['managed'][number]];
    const daemon = await w.start();
    const base = `http://127.0.0.1:${daemon.address!.port}`;
    const connected = await SseClient.connect(`${base}/api/events`);
    client = connected.client;
    expect(connected.response.status).toBe(200);
    await client.next(1);

    w.pull();
    w.write(m.file, spec(m.name, m.other, true));
    w.commit(`move ${m.name} to ${m.other}`);
    await daemon.trigger('manual');
    await w.until(
      () => {
        const text = w.originFile(`status/${m.name}.yaml`);
        return text !== null && (parse(text) as StatusRecord).lastApplied?.result === 'done';
      },
      'the reinstall recorded done',
      90_000,
    );
    await daemon.trigger('manual');
    const final = JSON.stringify(daemon.status().servers);
    await w.until(
      () => JSON.stringify([...replay(client!.events).values()]) === final,
      'the stream caught up with /api/status',
      30_000,
    );

    const updates = client.events
      .filter((e) => e.event === 'update')
      .map((e) => JSON.parse(e.data) as LiveUpdate);
    expect(updates.some((u) => u.kinds.includes('cycle'))).toBe(true);
    expect(updates.some((u) => u.kinds.includes('progress'))).toBe(true);
    expect(
      updates.some((u) => u.servers.some((r) => r.serviceName === m.name && r.phase === 'reinstalling')),
    ).toBe(true);
    // The declared specs carry the OS and labels only (never customizations).
    const declared = daemon.status().declared ?? {};
    expect(declared[m.name]).toEqual({ operatingSystem: m.other, labels: expect.any(Object) });
    const everything = client.events.map((e) => e.data).join('\n');
    expect(everything).not.toContain(IMAGE_TOKEN);
    expect(everything).not.toContain(WEBHOOK_SECRET);
  }, 180_000);
});
