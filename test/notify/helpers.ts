/**
 * Helpers of the notification tests: status records in a given phase, a real HTTP receiver on
 * 127.0.0.1:0 that keeps every request (and can go down and come back on the same port), a
 * notifier over a temporary state directory, and waiting without timed assertions.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { createLogger, type Logger } from '../../src/core/logger.js';
import type { StatusPhase, StatusRecord } from '../../src/records/types.js';

/** A commit id made from a number. */
export function commitOf(n: number): string {
  return n.toString(16).padStart(40, 'a');
}

/** A status record of `name` in `phase` at spec commit `commit`. */
export function recordOf(
  name: string,
  phase: StatusPhase,
  commit: string,
  extra: Partial<StatusRecord> = {},
): StatusRecord {
  return {
    serviceName: name,
    phase,
    reason: phase === 'ready' ? 'in-sync' : phase === 'failed' ? 'last-attempt-failed' : 'spec-changed',
    message: `${name} ${phase}`,
    since: '2026-01-01T00:00:00.000Z',
    spec: { file: `servers/${name}.yaml`, commit },
    desiredDigest: `sha256:${'d'.repeat(64)}`,
    observedOs: 'debian12_64',
    task: null,
    lastApplied: null,
    lastAttempt: null,
    attempts: [],
    lastError: null,
    ...extra,
  };
}

/** One request the receiver got. */
export interface Received {
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
}

/** What the receiver answers a request with. */
export type Answer = (request: Received, response: ServerResponse) => void;

/** A real HTTP server on 127.0.0.1 that keeps what it receives. */
export class Receiver {
  readonly received: Received[] = [];
  answer: Answer = (_r, res) => res.writeHead(200).end('ok');
  private server: Server | null = null;
  port = 0;

  static async start(): Promise<Receiver> {
    const receiver = new Receiver();
    await receiver.up();
    return receiver;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/hook`;
  }

  /** Listens (again, on the same port once it had one). */
  async up(): Promise<void> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const request = {
          path: req.url ?? '',
          headers: req.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        };
        this.received.push(request);
        this.answer(request, res);
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  /** Stops listening: connections are refused until up(). */
  async down(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/** A logger that keeps its lines. */
export function keptLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const sink = new Writable({
    write: (chunk: Buffer, _enc, done) => {
      lines.push(chunk.toString('utf8'));
      done();
    },
  });
  return { logger: createLogger({ level: 'debug' }, sink), lines };
}

/** Waits (real time, bounded) until `check` holds; the bound only ends a stuck test. */
export async function until(check: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
