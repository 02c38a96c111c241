/**
 * Property (what the dashboard shows is what the daemon says): whatever the sequence of status
 * changes, coalesced updates and clients joining, every client that applies its snapshot and
 * its updates holds exactly the servers of /api/status once the stream has caught up. Real
 * listener on 127.0.0.1:0, real HTTP clients.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/core/logger.js';
import { startHttpServer } from '../../../src/daemon/http-server.js';
import { createDaemonMetrics } from '../../../src/daemon/metrics.js';
import type { DaemonStatus } from '../../../src/daemon/types.js';
import { LiveEvents, type LiveUpdate } from '../../../src/daemon/ui/live-events.js';
import type { StatusRecord } from '../../../src/records/types.js';
import { record, spec } from '../../plan/helpers.js';
import { SseClient } from './sse-client.js';

type Step =
  | { kind: 'upsert'; index: number; phase: StatusRecord['phase'] }
  | { kind: 'remove'; index: number }
  | { kind: 'changed'; what: 'cycle' | 'progress' }
  | { kind: 'connect' }
  | { kind: 'pause' };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({
    kind: fc.constant('upsert' as const),
    index: fc.nat(5),
    phase: fc.constantFrom('ready', 'pending', 'reinstalling', 'failed') as fc.Arbitrary<
      StatusRecord['phase']
    >,
  }),
  fc.record({ kind: fc.constant('remove' as const), index: fc.nat(5) }),
  fc.record({
    kind: fc.constant('changed' as const),
    what: fc.constantFrom('cycle' as const, 'progress' as const),
  }),
  fc.constant({ kind: 'connect' as const }),
  fc.constant({ kind: 'pause' as const }),
);

function replay(events: SseClient['events']): StatusRecord[] {
  const servers = new Map<string, StatusRecord>();
  for (const e of events) {
    if (e.event === 'snapshot') {
      servers.clear();
      for (const r of (JSON.parse(e.data) as DaemonStatus).servers) servers.set(r.serviceName, r);
    } else {
      const u = JSON.parse(e.data) as LiveUpdate;
      for (const r of u.servers) servers.set(r.serviceName, r);
      for (const name of u.removed) servers.delete(name);
    }
  }
  return [...servers.values()].sort((a, b) => a.serviceName.localeCompare(b.serviceName));
}

async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((r) => setTimeout(r, 5));
}

describe('the event stream, as a property', () => {
  it('every client ends holding the servers of /api/status', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 25 }), async (steps) => {
        const servers = new Map<string, StatusRecord>();
        let status: DaemonStatus = {
          ready: true,
          head: null,
          block: null,
          lastCycle: null,
          lastGoodCycleAt: null,
          tasksInFlight: 0,
          servers: [],
        };
        const events = new LiveEvents({ status: () => status, coalesceMs: 2 });
        const listener = await startHttpServer('127.0.0.1', 0, {
          ready: () => true,
          status: () => status,
          onWebhook: () => undefined,
          webhookSecret: null,
          events,
          metrics: createDaemonMetrics(),
          log: createLogger({ level: 'silent' }),
        });
        const base = `http://127.0.0.1:${listener.port}/api/events`;
        const clients: SseClient[] = [];
        try {
          for (const s of steps) {
            if (s.kind === 'upsert') {
              const name = `ns${s.index}.eu`;
              servers.set(name, { ...record(name, spec(name)), phase: s.phase });
            } else if (s.kind === 'remove') servers.delete(`ns${s.index}.eu`);
            else if (s.kind === 'changed') events.changed(s.what);
            else if (s.kind === 'connect') {
              const client = (await SseClient.connect(base)).client;
              await client.next(1);
              clients.push(client);
            } else await new Promise((r) => setTimeout(r, 5));
            status = {
              ...status,
              servers: [...servers.values()].sort((a, b) => a.serviceName.localeCompare(b.serviceName)),
            };
          }
          // A last client makes every other one catch up first (ids: the catch-ups, then its snapshot).
          const probe = (await SseClient.connect(base)).client;
          const [snapshot] = await probe.next(1);
          const first = Number(snapshot!.id) - clients.length;
          for (const c of clients) await until(() => c.events.some((e) => Number(e.id) >= first));
          for (const c of [...clients, probe]) expect(replay(c.events)).toEqual(status.servers);
          clients.push(probe);
        } finally {
          for (const c of clients) await c.close();
          await listener.close();
        }
      }),
      { numRuns: 30 },
    );
  }, 120_000);
});
