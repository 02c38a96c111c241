/**
 * The background sweep in the real daemon (simulator, bare origin, virtual clock, no cron): a
 * reinstall task started outside ovh-fleet on an unchanged server, whose observation the cycles
 * reuse from the cache, is found by the sweep after a cycle; the sweep asks for a `task-found`
 * cycle, which observes the server afresh and records the task. /metrics and /api/status show
 * the sweep's longest time unseen and the budget per priority.
 */
import { Writable } from 'node:stream';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/core/clock.js';
import { createLogger } from '../../src/core/logger.js';
import { VirtualClock } from '../../src/core/virtual-clock.js';
import type { RunningDaemon } from '../../src/daemon/daemon.js';
import { createOvhApi } from '../../src/ovh/create-ovh-api.js';
import { RequestBudgetRegistry } from '../../src/ovh/request-budget.js';
import { ApiRequestCounts } from '../../src/ovh/request-counts.js';
import { simulatorCredentials } from '../../src/sim/client-credentials.js';
import { closeSimulator, World } from './helpers.js';

let world: World | null = null;
afterEach(async () => {
  await world?.close();
  world = null;
});
afterAll(closeSimulator);

async function get(daemon: RunningDaemon, path: string): Promise<string> {
  const { host, port } = daemon.address!;
  return (await fetch(`http://${host}:${port}${path}`)).text();
}

describe('the background sweep in the daemon', () => {
  it('finds a task started elsewhere on an unchanged server and runs a cycle that records it', async () => {
    world = await World.create({ count: 2 });
    const w = world;
    const clock = new VirtualClock(Date.now());
    const budgets = new RequestBudgetRegistry(systemClock);
    const key = 'sweep-daemon-test';
    const logger = createLogger({ level: 'silent' }, new Writable({ write: (_c, _e, done) => done() }));
    const api = createOvhApi(simulatorCredentials(w.sim, key), {
      requestsPerMinute: 1_000_000,
      budgets,
      logger,
    });
    const daemon = await w.start({
      clock,
      api,
      budgetStats: () => budgets.stats()[0]?.stats ?? null,
    });
    const target = w.managed[0]!.name;
    await clock.advance(60_000);
    await daemon.trigger('manual');
    // The sweep's first slice checks both servers (nothing runs yet).
    await w.until(() => daemon.status().sweep?.checks === 2, 'the first round of the sweep');
    const taskId = w.sim.control.startForeignTask(target);

    await clock.advance(60_000);
    const quiet = await daemon.trigger('manual'); // reuses the cached observations: sees nothing
    await w.until(() => daemon.status().lastCycle?.trigger === 'task-found', 'the task-found cycle');
    const status = daemon.status();
    const metrics = await get(daemon, '/metrics');
    const body = JSON.parse(await get(daemon, '/api/status')) as { sweep: { maxUnseenSeconds: number } };

    expect(quiet?.statusCommit).toBeNull();
    expect(status.sweep).toMatchObject({ found: 1 });
    expect(status.servers.find((r) => r.serviceName === target)?.task?.id).toBe(taskId);
    expect(status.budget?.granted.background).toBeGreaterThan(0);
    expect(body.sweep.maxUnseenSeconds).toBeGreaterThan(0);
    expect(metrics).toMatch(/^ovh_fleet_sweep_max_unseen_seconds \d/m);
    expect(metrics).toContain('ovh_fleet_api_budget_priority{priority="background",measure="share"} 0.5');
    expect(metrics).toMatch(/^ovh_fleet_sweep_checks\{result="found"\} 1$/m);
  });

  it("pays for every HTTP request the adapter sent (pages, retries), not the port's calls", async () => {
    // A list of 10,000 servers takes two pages for one port call, and a retried call is two
    // requests: the sweep's credit must count what OVHcloud counts.
    world = await World.create({ count: 2 });
    const w = world;
    const clock = new VirtualClock(Date.now());
    const budgets = new RequestBudgetRegistry(systemClock);
    const counts = new ApiRequestCounts();
    const logger = createLogger({ level: 'silent' }, new Writable({ write: (_c, _e, done) => done() }));
    const api = createOvhApi(simulatorCredentials(w.sim, 'sweep-http-requests'), {
      requestsPerMinute: 1_000_000,
      budgets,
      logger,
      requestCounts: counts,
    });
    let unseenByThePort = 0;
    const daemon = await w.start({
      clock,
      api,
      budgetStats: () => budgets.stats()[0]?.stats ?? null,
      apiRequestCounts: () => [
        ...counts.snapshot(),
        { endpoint: 'GET /dedicated/server (expanded)', statusClass: '2xx', count: unseenByThePort },
      ],
    });
    await clock.advance(60_000);
    await daemon.trigger('manual');
    await w.until(() => daemon.status().sweep?.sweeping === false, 'the first slice');

    unseenByThePort += 600; // a minute of requests the port never saw as calls
    await clock.advance(60_000);
    await daemon.trigger('manual');
    await w.until(() => daemon.status().sweep?.sweeping === false, 'the second slice');

    // 600 requests the port never saw, over the two minutes of stretches so far (the sweep averages
    // what the rest of the daemon spends over its last hour): 300 per minute at least. Counting the
    // port's calls, it saw a few.
    expect(daemon.status().sweep?.reservedPerMinute).toBeGreaterThanOrEqual(300 * 0.95);
    expect(daemon.status().sweep?.roundSeconds).toBeNull(); // nothing left of the share: no check
  });
});
