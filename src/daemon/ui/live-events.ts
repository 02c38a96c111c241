/**
 * The dashboard's live event stream, `GET /api/events` (Server-Sent Events, docs/dashboard.md):
 * on connect a `snapshot` (exactly what /api/status gives), then an `update` after each cycle and
 * each change of a task's progress, coalesced (at most one per `coalesceMs`), carrying the
 * summary fields and only the server records that changed (`servers`) or went away (`removed`)
 * (`declared` and `cycles` only when they changed),
 * and a comment line as heartbeat. Streams are capped (503 beyond), a client that stops reading
 * is dropped (it reconnects and gets a new snapshot), and a closed connection is forgotten.
 *
 * Every connected client is at the same baseline after each update: a new client first makes
 * the others catch up (an update from the same status), then gets that status as its snapshot.
 * Nothing is computed while no client is connected.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { StatusRecord } from '../../records/types.js';
import type { DaemonStatus } from '../types.js';
import { UI_SECURITY_HEADERS } from './ui-headers.js';
import { sendUiError } from './ui-routes.js';

/** Settings of the stream (tests shorten the times). */
export interface LiveEventsOptions {
  /** What /api/status answers, read at connect and at each update. */
  status: () => DaemonStatus;
  /** Changes within this window make one update (default 250 ms: at most 4 a second). */
  coalesceMs?: number;
  /** A comment line this often keeps proxies from closing idle streams (default 15 s). */
  heartbeatMs?: number;
  /** Concurrent streams allowed; one more gets 503 (default 16). */
  maxClients?: number;
  /**
   * A client with more than this many bytes unsent is dropped (default: twice the last
   * snapshot, at least MIN_BUFFER_LIMIT: room for the snapshot and the updates that follow it).
   */
  maxBufferedBytes?: number;
}

/** The least a client may leave unsent before it is dropped, by default. */
export const MIN_BUFFER_LIMIT = 8 * 1024 * 1024;

/** What changed, named in an update's `kinds`. */
export type LiveChange = 'cycle' | 'progress';

/**
 * The body of an `update` event: the status's summary fields plus the servers that changed;
 * `declared`, `cycles` and `plan` only when they changed since the last event.
 */
export type LiveUpdate = Omit<DaemonStatus, 'servers'> & {
  kinds: LiveChange[];
  servers: StatusRecord[];
  removed: string[];
};

/** The hub of the event streams; the daemon calls `changed`, the listener calls `attach`. */
export class LiveEvents {
  private readonly clients = new Set<ServerResponse>();
  private baseline = new Map<string, StatusRecord>();
  private declared: DaemonStatus['declared'] = undefined;
  private cycles: DaemonStatus['cycles'] = undefined;
  private plan: DaemonStatus['plan'] = undefined;
  private pending = new Set<LiveChange>();
  private timer: NodeJS.Timeout | null = null;
  private heartbeat: NodeJS.Timeout | null = null;
  private sequence = 0;
  private readonly coalesceMs: number;
  private readonly heartbeatMs: number;
  private readonly maxClients: number;
  private readonly fixedBufferLimit: number | null;
  private snapshotLength = 0;

  constructor(private readonly options: LiveEventsOptions) {
    this.coalesceMs = options.coalesceMs ?? 250;
    this.heartbeatMs = options.heartbeatMs ?? 15_000;
    this.maxClients = options.maxClients ?? 16;
    this.fixedBufferLimit = options.maxBufferedBytes ?? null;
  }

  /**
   * Bytes a client may leave unsent before it is dropped. With 16 streams, a fixed 64 MiB let
   * stalled clients hold 1 GiB; twice the snapshot keeps that near 32 snapshots at worst.
   */
  get bufferLimit(): number {
    return this.fixedBufferLimit ?? Math.max(MIN_BUFFER_LIMIT, 2 * this.snapshotLength);
  }

  /** Streams connected now. */
  get size(): number {
    return this.clients.size;
  }

  /** Something the dashboard shows changed: an update follows within `coalesceMs`. */
  changed(kind: LiveChange): void {
    if (this.clients.size === 0) return;
    this.pending.add(kind);
    this.timer ??= setTimeout(() => this.flush(), this.coalesceMs);
  }

  /** Answers `GET /api/events` (authentication already checked). */
  attach(req: IncomingMessage, res: ServerResponse): void {
    if (this.clients.size >= this.maxClients) {
      sendUiError(res, 503, `at most ${this.maxClients} event streams`, { 'retry-after': '10' });
      return;
    }
    // Built before the headers: when it throws, the listener answers 500 (and logs it) instead of
    // leaving an empty 200 stream open that the page would take for a live one.
    const status = req.method === 'HEAD' ? null : this.options.status();
    res.writeHead(200, {
      ...UI_SECURITY_HEADERS,
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      'x-accel-buffering': 'no',
    });
    res.socket?.setNoDelay(true);
    if (status === null) {
      res.end();
      return;
    }
    // The others catch up to this very status, so that every client stands at one baseline.
    if (this.clients.size > 0) this.flush(status);
    else {
      this.baseline = byName(status.servers);
      this.declared = status.declared;
      this.cycles = status.cycles;
      this.plan = status.plan;
    }
    this.clients.add(res);
    res.on('close', () => this.detach(res));
    res.write(`retry: 3000\n\n`);
    const snapshot = JSON.stringify(status);
    this.snapshotLength = snapshot.length;
    this.send(res, 'snapshot', snapshot);
    this.heartbeat ??= setInterval(() => this.beat(), this.heartbeatMs);
    this.heartbeat.unref();
  }

  /** Ends every stream and stops the timers. */
  close(): void {
    for (const res of this.clients) res.end();
    this.clients.clear();
    this.stopTimers();
  }

  private flush(current?: DaemonStatus): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const kinds = [...this.pending];
    this.pending.clear();
    if (this.clients.size === 0) return;
    let status: DaemonStatus;
    try {
      status = current ?? this.options.status();
    } catch {
      // From a timer, nobody would catch it. The streams end: each client reconnects, and its new
      // request answers 500 (logged by the listener) while the status cannot be built.
      for (const res of this.clients) res.end();
      return;
    }
    const { servers, declared, cycles, plan, ...summary } = status;
    const next = byName(servers);
    const changed = servers.filter((r) => !sameRecord(this.baseline.get(r.serviceName), r));
    const removed = [...this.baseline.keys()].filter((name) => !next.has(name));
    this.baseline = next;
    const update: LiveUpdate = {
      ...summary,
      ...(declared !== this.declared && declared !== undefined ? { declared } : {}),
      // The timeline is a new array after each cycle, the same one in between.
      ...(cycles !== this.cycles && cycles !== undefined ? { cycles } : {}),
      // The same object while the plan did not change (DashboardPlanMemo): sent only when it did.
      ...(plan !== this.plan && plan !== undefined ? { plan } : {}),
      kinds,
      servers: changed,
      removed,
    };
    this.declared = declared;
    this.cycles = cycles;
    this.plan = plan;
    const data = JSON.stringify(update);
    for (const res of this.clients) this.send(res, 'update', data);
  }

  private send(res: ServerResponse, event: string, data: string): void {
    if (res.writableLength > this.bufferLimit) {
      // It stopped reading: drop it rather than hold the fleet in memory for it.
      res.destroy();
      return;
    }
    res.write(`id: ${++this.sequence}\nevent: ${event}\ndata: ${data}\n\n`);
  }

  private beat(): void {
    for (const res of this.clients) res.write(': heartbeat\n\n');
  }

  private detach(res: ServerResponse): void {
    this.clients.delete(res);
    if (this.clients.size === 0) {
      this.stopTimers();
      this.pending.clear();
      this.baseline = new Map();
    }
  }

  private stopTimers(): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.timer = null;
    this.heartbeat = null;
  }
}

function byName(records: readonly StatusRecord[]): Map<string, StatusRecord> {
  return new Map(records.map((r) => [r.serviceName, r]));
}

/** Records are values: the same object, or the same JSON. */
function sameRecord(before: StatusRecord | undefined, after: StatusRecord): boolean {
  return before === after || (before !== undefined && JSON.stringify(before) === JSON.stringify(after));
}
