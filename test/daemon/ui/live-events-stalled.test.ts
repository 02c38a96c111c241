/**
 * The event stream's limit on unsent bytes (src/daemon/ui/live-events.ts): a client that stops
 * reading is dropped once it leaves about twice the snapshot unsent (at least 8 MiB), not after
 * 64 MiB (16 stalled clients could hold 1 GiB of the daemon's memory); a client that reads keeps
 * its stream. A real listener, real sockets (one never reads), a fleet of some 9 MB.
 */
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/core/logger.js';
import { startHttpServer, type HttpListener } from '../../../src/daemon/http-server.js';
import { createDaemonMetrics } from '../../../src/daemon/metrics.js';
import type { DaemonStatus } from '../../../src/daemon/types.js';
import { LiveEvents, MIN_BUFFER_LIMIT } from '../../../src/daemon/ui/live-events.js';
import { record, spec } from '../../plan/helpers.js';

let listener: HttpListener | undefined;
const sockets: Socket[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  await listener?.close();
  listener = undefined;
});

const SERVERS = 3000;

/** Every record changes from one generation to the next (about 3 KB each). */
function statusOf(generation: number): DaemonStatus {
  return {
    ready: true,
    head: 'a'.repeat(40),
    block: null,
    lastCycle: null,
    lastGoodCycleAt: null,
    tasksInFlight: 0,
    servers: Array.from({ length: SERVERS }, (_, i) =>
      record(`ns${i}.eu`, spec(`ns${i}.eu`), { message: `generation ${generation} ${'x'.repeat(2000)}` }),
    ),
  };
}

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** A raw connection to /api/events, and whether the daemon has closed it. */
function open(port: number): { socket: Socket; closed: () => boolean } {
  let closed = false;
  const socket = connect(port, '127.0.0.1', () =>
    socket.write(`GET /api/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`),
  );
  socket.on('close', () => (closed = true));
  socket.on('error', () => undefined);
  sockets.push(socket);
  return { socket, closed: () => closed };
}

describe('a client that stops reading the event stream', () => {
  it(
    'is dropped after about twice the snapshot unsent; a reading client stays',
    { timeout: 180_000 },
    async () => {
      let current = statusOf(0);
      let reads = 0;
      const status = (): DaemonStatus => {
        reads += 1;
        return current;
      };
      const events = new LiveEvents({ status, coalesceMs: 1 });
      listener = await startHttpServer('127.0.0.1', 0, {
        ready: () => true,
        status,
        onWebhook: () => undefined,
        webhookSecret: null,
        events,
        metrics: createDaemonMetrics(),
        log: createLogger({ level: 'silent' }),
      });
      const port = listener.port;
      const snapshotLength = JSON.stringify(current).length;
      expect(snapshotLength).toBeGreaterThan(MIN_BUFFER_LIMIT / 2);

      // Reads everything as it comes, without parsing (a parser slower than the daemon falls
      // behind, and is dropped too).
      const reader = open(port);
      let readBytes = 0;
      reader.socket.on('data', (chunk: Buffer) => (readBytes += chunk.length));
      while (events.size < 1) await pause(10);
      // Sends its request and never reads the answer.
      open(port);
      while (events.size < 2) await pause(10);
      expect(events.bufferLimit).toBe(Math.max(MIN_BUFFER_LIMIT, 2 * snapshotLength));

      // Each update carries every server (about one snapshot). Before: some 9 updates to reach 64 MiB.
      let updates = 0;
      while (events.size === 2 && updates < 12) {
        updates += 1;
        current = statusOf(updates);
        const before = reads;
        events.changed('cycle');
        while (reads === before && events.size > 0) await pause(5);
        await pause(100); // lets the hub see the dropped stream close (the count has a margin of two)
      }
      // Dropped (its own socket may not know yet: the daemon's FIN waits behind the unread bytes).
      expect(events.size).toBe(1);
      // Snapshot + 3 updates exceed twice the snapshot even after the kernel's buffers took their share.
      expect(updates).toBeLessThanOrEqual(6);
      expect(reader.closed()).toBe(false);
      expect(readBytes).toBeGreaterThan(snapshotLength);
    },
  );
});
