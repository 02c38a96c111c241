/** The shared request budget in virtual time. */
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../src/core/virtual-clock.js';
import { NodeOvhTransport } from '../../src/ovh/node-ovh-transport.js';
import type { RequestPriority } from '../../src/ovh/ovh-api.js';
import { OvhClientAdapter } from '../../src/ovh/ovh-client-adapter.js';
import { DEFAULT_RETRY_POLICY } from '../../src/ovh/retry-policy.js';
import { budgetId, RequestBudget, RequestBudgetRegistry } from '../../src/ovh/request-budget.js';
import { SERVER } from './helpers/answers.js';
import { FakeOvhClient } from './helpers/fake-ovh-client.js';
import { maxPerSlidingMinute } from './helpers/sliding-minute.js';

const SN = SERVER.name;

describe('RequestBudget', () => {
  it('never lets a sliding minute hold more than requestsPerMinute requests, under load from many callers', async () => {
    const clock = new VirtualClock();
    const client = new FakeOvhClient(clock, 5);
    // Every fourth answer is a 503, so retries take tokens too.
    let n = 0;
    client.on('GET', `/dedicated/server/${SN}`, () =>
      ++n % 4 === 0 ? { fail: { status: 503, message: null } } : { ok: SERVER },
    );
    const budgets = new RequestBudgetRegistry(clock);
    const priorities: RequestPriority[] = ['write', 'follow', 'plan', 'background'];
    const callers = Array.from({ length: 40 }, (_, i) => {
      const api = new OvhClientAdapter({
        transport: new NodeOvhTransport(client, clock),
        budget: budgets.setLimit('application:https://eu.api.ovh.com/1.0:ck', 60),
        clock,
        random: () => 0.3,
        retry: { ...DEFAULT_RETRY_POLICY, maxAttempts: 20 },
      });
      return (async () => {
        for (let r = 0; r < 8; r++)
          await api.getServer(SN, { priority: priorities[i % 4] as RequestPriority });
      })();
    });

    await clock.runUntil(Promise.all(callers), 3_600_000, 500);

    const times = client.calls.map((c) => c.at);
    expect(times.length).toBeGreaterThan(320);
    expect(maxPerSlidingMinute(times)).toBe(60);
  });

  it('serves waiting requests by priority, FIFO within a priority', async () => {
    const clock = new VirtualClock();
    const budget = new RequestBudget(clock, 2);
    await budget.acquire('plan');
    await budget.acquire('plan');
    const order: string[] = [];
    const wait = (priority: RequestPriority, name: string) =>
      budget.acquire(priority).then(() => order.push(name));

    const all = [
      wait('background', 'bg1'),
      wait('plan', 'plan1'),
      wait('follow', 'follow1'),
      wait('write', 'write1'),
      wait('background', 'bg2'),
      wait('write', 'write2'),
    ];
    await clock.advance(59_999);
    const beforeRefill = [...order];
    await clock.runUntil(Promise.all(all), 600_000, 1000);

    expect(beforeRefill).toEqual([]);
    expect(order).toEqual(['write1', 'write2', 'follow1', 'plan1', 'bg1', 'bg2']);
  });

  it('does not let a newcomer jump the queue while others wait', async () => {
    const clock = new VirtualClock();
    const budget = new RequestBudget(clock, 1);
    await budget.acquire('write');
    const order: string[] = [];
    const first = budget.acquire('background').then(() => order.push('waiting'));

    await clock.advance(60_000);
    const second = budget.acquire('background').then(() => order.push('newcomer'));
    await clock.runUntil(Promise.all([first, second]), 600_000, 1000);

    expect(order).toEqual(['waiting', 'newcomer']);
  });

  it('rejects an aborted wait and serves the next waiter in its place', async () => {
    const clock = new VirtualClock();
    const budget = new RequestBudget(clock, 1);
    await budget.acquire('write');
    const controller = new AbortController();
    const aborted = budget.acquire('write', controller.signal).then(
      () => 'granted',
      () => 'aborted',
    );
    const other = budget.acquire('background').then(() => 'granted');

    controller.abort(new Error('stop'));
    const results = await clock.runUntil(Promise.all([aborted, other]), 600_000, 1000);

    expect(results).toEqual(['aborted', 'granted']);
    expect(budget.stats().waiting).toEqual({ write: 0, follow: 0, plan: 0, background: 0 });
  });

  it('reports remaining tokens, and tokens come back one minute after use', async () => {
    const clock = new VirtualClock();
    const budget = new RequestBudget(clock, 3);

    await budget.acquire('plan');
    await clock.advance(30_000);
    await budget.acquire('follow');
    const afterTwo = budget.remaining();
    await clock.advance(30_000);

    expect(afterTwo).toBe(1);
    expect(budget.remaining()).toBe(2);
    expect(budget.stats()).toMatchObject({
      requestsPerMinute: 3,
      granted: { plan: 1, follow: 1, write: 0, background: 0 },
    });
  });

  it('shares one budget per key in a registry, labelled without the key', () => {
    const clock = new VirtualClock();
    const registry = new RequestBudgetRegistry(clock);

    const a = registry.setLimit('application:u:ck1', 60);
    const b = registry.setLimit('application:u:ck1', 30);
    const c = registry.setLimit('application:u:ck2', 60);

    expect(a).toBe(b);
    expect(a).not.toBe(c);
    expect(a.stats().requestsPerMinute).toBe(30);
    expect(registry.stats().map((s) => s.id)).toEqual([
      budgetId('application:u:ck1'),
      budgetId('application:u:ck2'),
    ]);
    expect(JSON.stringify(registry.stats())).not.toContain('ck1');
  });

  it('reading a budget from the registry changes nothing; only setLimit sets a limit', () => {
    const clock = new VirtualClock();
    const registry = new RequestBudgetRegistry(clock);

    const before = registry.get('application:u:ck1');
    const set = registry.setLimit('application:u:ck1', 30);
    const read = registry.get('application:u:ck1');

    expect(before).toBeUndefined();
    expect(read).toBe(set);
    expect(read?.stats().requestsPerMinute).toBe(30);
    expect(registry.get('application:u:ck2')).toBeUndefined();
    expect(registry.stats().map((s) => s.id)).toEqual([budgetId('application:u:ck1')]);
  });
});
