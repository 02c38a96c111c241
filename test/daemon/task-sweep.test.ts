/**
 * The background sweep (src/daemon/task-sweep.ts) over the in-memory OVHcloud fake in virtual
 * time: it finds a task started elsewhere and asks for a cycle, checks oldest first at priority
 * `background`, waits while a rollout needs the budget, measures its calls per check (1 with
 * expanded task lists, 2 without), and keeps the daemon's own calls within the steady-state share
 * while the longest time unseen it reports holds (property).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/core/logger.js';
import { VirtualClock } from '../../src/core/virtual-clock.js';
import { TaskSweep, type SweepLimits } from '../../src/daemon/task-sweep.js';
import type { OvhApi } from '../../src/ovh/ovh-api.js';
import { FakeOvhApi } from '../support/fake-ovh-api.js';

const MINUTE = 60_000;

interface World {
  clock: VirtualClock;
  api: FakeOvhApi;
  sweep: TaskSweep;
  found: { serviceName: string; taskId: number }[];
  /** Calls the rest of the daemon makes (added to the fake's own count). */
  others: { calls: number };
  busy: { now: boolean };
}

function world(options: {
  servers: number;
  limits: SweepLimits;
  expanded?: boolean;
  cycleIntervalMs?: number;
  /** The port the sweep calls instead of the fake itself. */
  port?: (api: FakeOvhApi) => OvhApi;
}): World {
  const clock = new VirtualClock();
  const api = new FakeOvhApi(clock);
  // Expanded task lists answer objects (one call per list) or are not implemented (per-task reads).
  api.expanded = options.expanded ? 'objects' : 'not-implemented';
  api.retentionMs = Number.POSITIVE_INFINITY;
  api.installMs = 30 * MINUTE;
  const names = Array.from({ length: options.servers }, (_, i) => `ns${1000 + i}.ip-1-2-3.eu`);
  for (const name of names) api.addServer(name);
  const found: World['found'] = [];
  const others = { calls: 0 };
  const busy = { now: false };
  const sweep = new TaskSweep({
    api: options.port ? options.port(api) : api,
    clock,
    log: silentLogger(),
    limits: () => options.limits,
    servers: () => names,
    callsSoFar: () => api.calls.length + others.calls,
    busy: () => busy.now,
    cycleIntervalMs: options.cycleIntervalMs ?? 2 * MINUTE,
    onFound: (serviceName, taskId) => found.push({ serviceName, taskId }),
  });
  return { clock, api, sweep, found, others, busy };
}

/** Runs `slices` cycles `intervalMs` apart, each followed by a sweep slice. */
async function cycles(w: World, slices: number, intervalMs = 2 * MINUTE): Promise<void> {
  for (let i = 0; i < slices; i++) {
    await w.clock.advance(intervalMs);
    await w.sweep.afterCycle();
  }
}

describe('the background sweep', () => {
  it('stop() aborts a check that waits for the request budget instead of waiting for it', async () => {
    // A background call can wait minutes for the budget; the daemon's SIGTERM must not wait with it.
    let waiting = 0;
    const w = world({
      servers: 3,
      limits: { requestsPerMinute: 60, steadyStateShare: 0.5 },
      expanded: true,
      port: (api) =>
        Object.assign(Object.create(api) as OvhApi, {
          listTasksExpanded: (_name: string, _filter: unknown, options?: { signal?: AbortSignal }) => {
            waiting++;
            return new Promise((_resolve, reject) => {
              options?.signal?.addEventListener('abort', () => reject(options.signal?.reason as Error), {
                once: true,
              });
            });
          },
        }),
    });
    await w.sweep.afterCycle();
    await w.clock.advance(2 * MINUTE);
    const slice = w.sweep.afterCycle();
    expect(waiting).toBe(1);
    expect(w.sweep.status().sweeping).toBe(true);

    await w.sweep.stop();
    await slice;
    expect(w.sweep.status().sweeping).toBe(false);

    expect(waiting).toBe(1); // no other check started after the stop
    expect(w.found).toEqual([]);
  });

  it('finds a task started outside ovh-fleet and asks for a cycle, at priority background', async () => {
    const w = world({ servers: 3, limits: { requestsPerMinute: 60, steadyStateShare: 0.5 } });
    await w.sweep.afterCycle();
    const taskId = w.api.startForeignTask('ns1001.ip-1-2-3.eu', 'debian12_64');

    await cycles(w, 1);

    expect(w.found).toEqual([{ serviceName: 'ns1001.ip-1-2-3.eu', taskId }]);
    expect(new Set(w.api.calls.map((c) => c.priority))).toEqual(new Set(['background']));
    expect(w.api.posts()).toHaveLength(0);
  });

  it('checks the servers round-robin, oldest check first', async () => {
    // 2 calls per minute of share, no task: one list call per check, 4 checks per 2-minute cycle.
    const w = world({ servers: 5, limits: { requestsPerMinute: 4, steadyStateShare: 0.5 } });
    await w.sweep.afterCycle();

    await cycles(w, 3);

    const order = w.api.calls.filter((c) => c.method === 'listTasks').map((c) => c.serviceName.slice(0, 6));
    expect(order.slice(0, 10)).toEqual([
      'ns1000',
      'ns1001',
      'ns1002',
      'ns1003',
      'ns1004',
      'ns1000',
      'ns1001',
      'ns1002',
      'ns1003',
      'ns1004',
    ]);
  });

  it('waits while a rollout needs the budget, and makes no burst after it', async () => {
    const w = world({ servers: 200, limits: { requestsPerMinute: 60, steadyStateShare: 0.5 } });
    await w.sweep.afterCycle();
    w.busy.now = true;

    await cycles(w, 10);
    const during = w.api.calls.length;
    const paused = w.sweep.status().paused;
    w.busy.now = false;
    await cycles(w, 1);

    expect(during).toBe(0);
    expect(paused).toBe(true);
    // One cycle of credit after the rollout (2 minutes × 30 calls), not twelve.
    expect(w.api.calls.length).toBeLessThanOrEqual(60);
    expect(w.api.calls.length).toBeGreaterThan(0);
  });

  it('costs one call per check with expanded task lists and two without, and says so', async () => {
    const limits = { requestsPerMinute: 60, steadyStateShare: 0.5 };
    const expanded = world({ servers: 4, limits, expanded: true });
    const fallback = world({ servers: 4, limits });
    for (const w of [expanded, fallback]) {
      for (let i = 0; i < 4; i++) w.api.startForeignTask(`ns${1000 + i}.ip-1-2-3.eu`, 'debian12_64');
      await w.clock.advance(40 * MINUTE); // the tasks are done: nothing to find
      await w.sweep.afterCycle();
      await cycles(w, 1);
    }

    expect(expanded.sweep.status()).toMatchObject({ callsPerCheck: 1, found: 0 });
    expect(fallback.sweep.status()).toMatchObject({ callsPerCheck: 2, found: 0 });
    expect(new Set(expanded.api.calls.map((c) => c.method))).toEqual(new Set(['listTasksExpanded']));
    expect(new Set(fallback.api.calls.map((c) => c.method))).toEqual(new Set(['listTasks', 'getTask']));
  });

  it('spends only what the rest of the daemon leaves of the share', async () => {
    const w = world({ servers: 1000, limits: { requestsPerMinute: 60, steadyStateShare: 0.5 } });
    await w.sweep.afterCycle();

    // Each cycle of the rest of the daemon spends 40 calls of the 60 the share gives 2 minutes.
    for (let i = 0; i < 10; i++) {
      w.others.calls += 40;
      await cycles(w, 1);
    }

    expect(w.api.calls.length).toBeLessThanOrEqual(10 * 20);
    expect(w.api.calls.length).toBeGreaterThanOrEqual(9 * 20);
    expect(w.sweep.status().reservedPerMinute).toBe(20);
  });

  it('keeps the steady state within the share, and every server is checked within the bound it reports (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 30 }),
        fc.integer({ min: 1, max: 120 }),
        fc.double({ min: 0.05, max: 1, noNaN: true }),
        fc.boolean(),
        fc.double({ min: 0, max: 0.8, noNaN: true }),
        fc.integer({ min: 10, max: 600 }),
        async (servers, requestsPerMinute, steadyStateShare, expanded, reservedFraction, intervalSeconds) => {
          const limits = { requestsPerMinute, steadyStateShare };
          const intervalMs = intervalSeconds * 1000;
          const w = world({ servers, limits, expanded, cycleIntervalMs: intervalMs });
          // Each server has one finished task: a fallback check costs 2 calls.
          for (let i = 0; i < servers; i++)
            w.api.startForeignTask(`ns${1000 + i}.ip-1-2-3.eu`, 'debian12_64');
          await w.clock.advance(40 * MINUTE);
          const start = w.clock.now();
          const share = requestsPerMinute * steadyStateShare;
          const othersPerCycle = Math.floor(share * reservedFraction * (intervalMs / MINUTE));
          const lastSeen = new Map<string, number>();
          let worstGap = 0;
          await w.sweep.afterCycle();
          const slices = 40;
          for (let i = 0; i < slices; i++) {
            w.others.calls += othersPerCycle;
            const mark = w.api.calls.length;
            await cycles(w, 1, intervalMs);
            for (const c of w.api.calls.slice(mark)) {
              if (c.method === 'getTask') continue;
              worstGap = Math.max(worstGap, w.clock.now() - (lastSeen.get(c.serviceName) ?? start));
              lastSeen.set(c.serviceName, w.clock.now());
            }
          }
          const elapsedMinutes = (w.clock.now() - start) / MINUTE;
          const status = w.sweep.status();

          // Never above the share, but for the one call a check may owe (sweep-schedule.ts).
          expect(w.api.calls.length + slices * othersPerCycle).toBeLessThanOrEqual(
            share * elapsedMinutes + 1 + 1e-9,
          );
          // The bound holds for every server that had its turn, and every server had it in time.
          if (status.maxUnseenSeconds !== null) {
            expect(worstGap).toBeLessThanOrEqual(status.maxUnseenSeconds * 1000 + 1);
            if (elapsedMinutes * 60 >= 2 * status.maxUnseenSeconds)
              for (let i = 0; i < servers; i++)
                expect(
                  w.clock.now() - (lastSeen.get(`ns${1000 + i}.ip-1-2-3.eu`) ?? start),
                ).toBeLessThanOrEqual(status.maxUnseenSeconds * 1000 + 1);
          }
        },
      ),
      { numRuns: 100 },
    );
  });
});
