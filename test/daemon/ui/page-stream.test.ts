/**
 * The page's reader of /api/events (ui/stream.js: fetch and its own Server-Sent Events parser,
 * in place of EventSource), run in Node against real HTTP servers on 127.0.0.1: the snapshot of
 * the real listener arrives exactly as /api/status gives it, and the parser follows the format
 * (lines split across chunks, CRLF, comments, several `data:` lines, `retry:`), reports a lost or
 * refused stream as one `error` and opens it again.
 */
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { syntheticStatus } from '../../../src/bench/dashboard-status.js';
import { startStatusListener } from '../../../src/bench/status-listener.js';

interface StreamEvent {
  type: string;
  data?: unknown;
}

const realFetch = globalThis.fetch;
let cleanup: (() => Promise<void>)[] = [];

afterEach(async () => {
  // The module reconnects for ever: its next attempts wait on a fetch that never settles.
  globalThis.fetch = () => new Promise<Response>(() => undefined);
  for (const step of cleanup.reverse()) await step();
  cleanup = [];
  await new Promise((resolve) => setTimeout(resolve, 200));
});

/** Loads a fresh copy of ui/stream.js with its relative URLs sent to `base`; collects its events. */
async function openStream(base: string): Promise<StreamEvent[]> {
  globalThis.fetch = (input, init) => realFetch(new URL(String(input), base), init);
  const url = new URL('../../../ui/stream.js', import.meta.url);
  url.searchParams.set('copy', String(Math.random()));
  const stream = (await import(url.href)) as { listen(onEvent: (e: StreamEvent) => void): void };
  const events: StreamEvent[] = [];
  stream.listen((e) => events.push(e));
  return events;
}

async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 1200 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 25));
  if (!check()) throw new Error(`never happened: ${what}`);
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanup.push(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
}

describe('the page stream reader (ui/stream.js)', () => {
  it('parses split lines, CRLF, comments and multi-line data; reports a lost or refused stream once and reconnects', async () => {
    let requests = 0;
    const pieces = [
      'retry: 20\n\n: heartbeat\n\nid: 1\nevent: snap',
      'shot\r\ndata: {"a":',
      '1,\ndata: "b":2}\n',
      '\nevent: update\ndata:no-space\n\ndata: unnamed\n\n',
    ];
    const write = async (res: ServerResponse): Promise<void> => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      for (const piece of pieces) {
        res.write(piece);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      res.end();
    };
    const server = createServer((_req, res) => {
      requests++;
      if (requests === 2) {
        res.writeHead(503, { 'retry-after': '0' });
        res.end();
      } else void write(res);
    });
    const events = await openStream(await listen(server));
    await until(() => events.filter((e) => e.type === 'open').length === 2, 'a second open');
    await until(() => events.filter((e) => e.type === 'update').length === 2, 'the second update');
    const first = [
      { type: 'open', data: undefined },
      { type: 'snapshot', data: '{"a":1,\n"b":2}' },
      { type: 'update', data: 'no-space' },
      { type: 'message', data: 'unnamed' },
      { type: 'error', data: { reason: 'lost', retryInMs: 20 } },
    ];
    // The first stream ends (error), the second is refused (error), the third is read like the first.
    expect(events.slice(0, 10)).toEqual([
      ...first,
      { type: 'error', data: { reason: 'refused', status: 503, retryInMs: expect.any(Number) as number } },
      ...first.slice(0, 4),
    ]);
  });

  it('does not retry a stream refused for want of credentials (401): it says so once', async () => {
    let requests = 0;
    const server = createServer((_req, res) => {
      requests++;
      if (requests === 1) {
        // A first stream that sets a short retry and ends: any retry would come within ~20 ms.
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.end('retry: 10\n\n');
        return;
      }
      res.writeHead(401, { 'www-authenticate': 'Bearer' });
      res.end();
    });
    const events = await openStream(await listen(server));
    await until(
      () => events.some((e) => (e.data as { reason?: string } | undefined)?.reason === 'credentials'),
      'the refusal',
    );
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(events).toEqual([
      { type: 'open', data: undefined },
      { type: 'error', data: { reason: 'lost', retryInMs: 10 } },
      {
        type: 'error',
        data: { reason: 'credentials', status: 401, retryInMs: expect.any(Number) as number },
      },
    ]);
    expect(requests).toBe(2);
  });

  it('hands over the snapshot of the real listener exactly as /api/status gives it', async () => {
    const status = syntheticStatus(2000);
    const listener = await startStatusListener(() => status);
    cleanup.push(() => listener.close());
    const base = `http://127.0.0.1:${listener.port}/`;
    const events = await openStream(base);
    await until(() => events.some((e) => e.type === 'snapshot'), 'a snapshot');
    const expected = (await (await realFetch(`${base}api/status`)).json()) as unknown;
    expect(events[0]).toEqual({ type: 'open', data: undefined });
    expect(JSON.parse(events.find((e) => e.type === 'snapshot')!.data as string)).toEqual(expected);
  });
});
