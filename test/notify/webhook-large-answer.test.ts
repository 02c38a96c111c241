/**
 * Review finding (fixed): the webhook sink (and Slack's, through postJson) reads the receiver's whole answer into
 * memory (`response.arrayBuffer()`) "to free the connection", with no bound: a receiver that
 * answers 200 with a large or endless body (a misconfigured URL pointing at a file server, a
 * broken proxy) makes the daemon buffer everything it can receive within `timeoutSeconds` (10 s by
 * default) — hundreds of MB to GB at LAN speed, per delivery, in the daemon's own process. Here:
 * a real HTTP receiver on 127.0.0.1 answering 256 MiB; the daemon's process memory grows by about
 * that much while it sends one event. Discarding the body (or reading at most a few KiB and
 * closing) would keep it flat.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { webhookSink } from '../../src/notify/webhook-sink.js';

const CHUNK = Buffer.alloc(1 << 20, 0x61);
const TOTAL_MIB = 64;
let server: Server;
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('a webhook receiver answering a huge body', () => {
  it('does not make the daemon hold the answer in memory', async () => {
    server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'application/octet-stream' });
        let sent = 0;
        const pump = (): void => {
          while (sent < TOTAL_MIB) {
            sent++;
            if (!res.write(CHUNK)) return void res.once('drain', pump);
          }
          res.end();
        };
        pump();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    const sink = webhookSink({
      name: 'ops',
      url: `http://127.0.0.1:${port}/hook`,
      hmacKey: null,
      timeoutMs: 60_000,
    });

    const before = process.memoryUsage().arrayBuffers;
    let peak = before;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().arrayBuffers);
    }, 5);
    const event = {
      involvedObject: { kind: 'Server' as const, name: 'ns1.example.net' },
      severity: 'info' as const,
      reason: 'in-sync',
      message: 'ns1.example.net is ready (in-sync)',
      metadata: { revision: 'none' },
      serviceName: 'ns1.example.net',
      phase: 'ready' as const,
      taskId: null,
      planHash: null,
      specCommit: null,
      timestamp: new Date().toISOString(),
      idempotencyKey: 'ovh-fleet:ns1.example.net:none:ready',
      reportingController: 'ovh-fleet' as const,
    };
    try {
      await sink.send(
        { key: event.idempotencyKey, kind: 'event', events: [event] },
        new AbortController().signal,
      );
      peak = Math.max(peak, process.memoryUsage().arrayBuffers);
    } finally {
      clearInterval(sampler);
    }

    const grownMiB = Math.round((peak - before) / (1 << 20));
    expect(grownMiB, `the process held ${grownMiB} MiB more while sending one event`).toBeLessThan(16);
  }, 60_000);
});
