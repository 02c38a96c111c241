/**
 * The event stream /api/events over a real HTTP listener on 127.0.0.1:0, with a status the test
 * changes: the snapshot is /api/status, updates carry only what changed, changes are coalesced,
 * heartbeats flow, streams are capped and forgotten when their client goes.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/core/logger.js';
import { startHttpServer, type HttpListener } from '../../../src/daemon/http-server.js';
import { createDaemonMetrics } from '../../../src/daemon/metrics.js';
import type { DaemonStatus } from '../../../src/daemon/types.js';
import { LiveEvents, type LiveEventsOptions, type LiveUpdate } from '../../../src/daemon/ui/live-events.js';
import { DashboardPlanMemo } from '../../../src/daemon/ui/dashboard-plan.js';
import { makePlan } from '../../../src/plan/make-plan.js';
import { input, NOW, observed, record, spec } from '../../plan/helpers.js';
import { SseClient } from './sse-client.js';

let listener: HttpListener | undefined;
const clients: SseClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) await c.close();
  await listener?.close();
  listener = undefined;
});

let status: DaemonStatus;

function fleet(count: number): DaemonStatus {
  return {
    ready: true,
    head: 'a'.repeat(40),
    block: null,
    lastCycle: null,
    lastGoodCycleAt: null,
    tasksInFlight: 0,
    servers: Array.from({ length: count }, (_, i) => record(`ns${i}.eu`, spec(`ns${i}.eu`))),
  };
}

async function serve(
  options: Partial<LiveEventsOptions> = {},
): Promise<{ base: string; events: LiveEvents }> {
  const events = new LiveEvents({ status: () => status, coalesceMs: 20, ...options });
  listener = await startHttpServer('127.0.0.1', 0, {
    ready: () => true,
    status: () => status,
    onWebhook: () => undefined,
    webhookSecret: null,
    events,
    metrics: createDaemonMetrics(),
    log: createLogger({ level: 'silent' }),
  });
  return { base: `http://127.0.0.1:${listener.port}`, events };
}

async function connect(base: string): Promise<SseClient> {
  const { client, response } = await SseClient.connect(`${base}/api/events`);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
  expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  clients.push(client);
  return client;
}

async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((r) => setTimeout(r, 10));
}

describe('GET /api/events', () => {
  it('starts with a snapshot that is exactly /api/status', async () => {
    status = fleet(3);
    const { base } = await serve();
    const client = await connect(base);
    const [snapshot] = await client.next(1);
    expect(snapshot!.event).toBe('snapshot');
    expect(`${snapshot!.data}\n`).toBe(await (await fetch(`${base}/api/status`)).text());
  });

  it('sends one coalesced update with only the records that changed or went away', async () => {
    status = fleet(3);
    const { base, events } = await serve();
    const client = await connect(base);
    await client.next(1);
    const [a, b, c] = status.servers;
    status = {
      ...status,
      tasksInFlight: 1,
      servers: [a!, { ...b!, phase: 'reinstalling', reason: 'os-changed' }, { ...c! }],
    };
    status = { ...status, servers: status.servers.slice(0, 2) };
    events.changed('progress');
    events.changed('cycle');
    events.changed('progress');
    const [, update] = await client.next(2);
    expect(update!.event).toBe('update');
    const body = JSON.parse(update!.data) as LiveUpdate;
    expect(body.kinds.sort()).toEqual(['cycle', 'progress']);
    expect(body.tasksInFlight).toBe(1);
    expect(body.servers.map((r) => r.serviceName)).toEqual(['ns1.eu']);
    expect(body.removed).toEqual(['ns2.eu']);
  });

  it('brings a later client and the earlier ones to the same state', async () => {
    status = fleet(2);
    const { base, events } = await serve();
    const first = await connect(base);
    await first.next(1);
    status = { ...status, servers: [{ ...status.servers[0]!, phase: 'failed' }, status.servers[1]!] };
    events.changed('cycle');
    const second = await connect(base);
    const [, catchUp] = await first.next(2);
    const [snapshot] = await second.next(1);
    expect((JSON.parse(catchUp!.data) as LiveUpdate).servers.map((r) => r.phase)).toEqual(['failed']);
    expect(JSON.parse(snapshot!.data)).toEqual(status);
  });

  it('sends the declared specs only when they changed', async () => {
    status = {
      ...fleet(1),
      declared: { 'ns0.eu': { operatingSystem: 'debian12_64', labels: { role: 'web' } } },
    };
    const { base, events } = await serve();
    const client = await connect(base);
    await client.next(1);
    events.changed('progress');
    await client.next(2);
    status = {
      ...status,
      declared: { 'ns0.eu': { operatingSystem: 'debian12_64', labels: { role: 'db' } } },
    };
    events.changed('cycle');
    const [, first, second] = await client.next(3);
    expect(JSON.parse(first!.data)).not.toHaveProperty('declared');
    expect((JSON.parse(second!.data) as LiveUpdate).declared).toEqual(status.declared);
  });

  it('sends the cycle timeline only when it changed', async () => {
    const cycle = {
      id: 'c1',
      trigger: 'schedule' as const,
      result: 'success' as const,
      startedAt: '2026-12-03T10:00:00.000Z',
      endedAt: '2026-12-03T10:00:02.000Z',
      head: null,
      planHash: null,
      statusCommit: null,
      block: null,
      error: null,
      apiRequests: 12,
      requestsPerMinute: 60,
    };
    status = { ...fleet(1), cycles: [cycle] };
    const { base, events } = await serve();
    const client = await connect(base);
    await client.next(1);
    events.changed('progress');
    await client.next(2);
    status = { ...status, cycles: [cycle, { ...cycle, id: 'c2', apiRequests: 3 }] };
    events.changed('cycle');
    const [snapshot, first, second] = await client.next(3);
    expect((JSON.parse(snapshot!.data) as DaemonStatus).cycles).toEqual([cycle]);
    expect(JSON.parse(first!.data)).not.toHaveProperty('cycles');
    expect((JSON.parse(second!.data) as LiveUpdate).cycles).toEqual(status.cycles);
  });

  it('sends the plan once, and again only when it changed (not for a new generatedAt alone)', async () => {
    const planned = (now: number, os: string) =>
      makePlan(
        input({
          now,
          specs: [spec('ns0.eu', { operatingSystem: os })],
          observed: new Map([['ns0.eu', observed()]]),
          applied: new Map([['ns0.eu', record('ns0.eu', spec('ns0.eu'))]]),
        }),
      );
    const memo = new DashboardPlanMemo();
    memo.take(planned(NOW, 'rocky9_64'));
    status = { ...fleet(1), plan: memo.current };
    const { base, events } = await serve();
    const client = await connect(base);
    const [snapshot] = await client.next(1);
    expect((JSON.parse(snapshot!.data) as DaemonStatus).plan).toEqual(memo.current);

    // A later cycle plans the same at a later time: nothing to send.
    memo.take(planned(NOW + 60_000, 'rocky9_64'));
    status = { ...status, plan: memo.current };
    events.changed('cycle');
    await client.next(2);
    memo.take(planned(NOW + 120_000, 'alma9_64'));
    status = { ...status, plan: memo.current };
    events.changed('cycle');
    const [, same, changed] = await client.next(3);
    expect(JSON.parse(same!.data)).not.toHaveProperty('plan');
    const sent = (JSON.parse(changed!.data) as LiveUpdate).plan;
    expect(sent?.entries.map((e) => e.to?.operatingSystem)).toEqual(['alma9_64']);
    expect(sent).toEqual(memo.current);
  });

  it('sends heartbeats', async () => {
    status = fleet(1);
    const { base } = await serve({ heartbeatMs: 20 });
    const client = await connect(base);
    expect(await client.comment()).toBe('heartbeat');
  });

  it('caps concurrent streams and forgets a client that disconnects', async () => {
    status = fleet(1);
    const { base, events } = await serve({ maxClients: 2 });
    const one = await connect(base);
    await connect(base);
    const refused = await fetch(`${base}/api/events`);
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('10');
    await refused.text();
    expect(events.size).toBe(2);

    await one.close();
    await until(() => events.size === 1);
    await connect(base);
    expect(events.size).toBe(2);
  });
});
