/**
 * Shares of the request budget per priority, and the pause of the whole budget after a 429
 * (request-budget.ts), in virtual time; with a property test of the safety rule: no priority
 * ever holds more than its share of a sliding minute, and the whole never more than the limit.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../src/core/virtual-clock.js';
import { OvhApiError } from '../../src/ovh/errors.js';
import type { RequestPriority } from '../../src/ovh/ovh-api.js';
import { OvhClientAdapter } from '../../src/ovh/ovh-client-adapter.js';
import { DEFAULT_RETRY_POLICY, rateLimitPauseMs } from '../../src/ovh/retry-policy.js';
import {
  MAX_PAUSE_MS,
  PRIORITIES,
  RequestBudget,
  RequestBudgetRegistry,
  shareCap,
  type BudgetShares,
} from '../../src/ovh/request-budget.js';
import type { OvhTransport, TransportRequest } from '../../src/ovh/transport.js';
import { SERVER } from './helpers/answers.js';
import { maxPerSlidingMinute } from './helpers/sliding-minute.js';

/** Starts `count` acquisitions at `priority`, recording when each is granted. */
function request(budget: RequestBudget, clock: VirtualClock, priority: RequestPriority, count: number) {
  const times: number[] = [];
  const done = Promise.all(
    Array.from({ length: count }, () => budget.acquire(priority).then(() => times.push(clock.now()))),
  );
  return { times, done };
}

describe('budget shares', () => {
  it('caps background at its share of the minute even when the rest of the budget is idle', async () => {
    const clock = new VirtualClock();
    const budget = new RequestBudget(clock, 60, { background: 0.5 });

    const bg = request(budget, clock, 'background', 90);
    await clock.runUntil(bg.done, 3_600_000, 1000);

    expect(maxPerSlidingMinute(bg.times)).toBe(30);
    expect(bg.times.filter((t) => t === bg.times[0])).toHaveLength(30);
  });

  it('lets a lower priority use what a capped higher priority may not take', async () => {
    const clock = new VirtualClock();
    const budget = new RequestBudget(clock, 10);
    const start = clock.now();

    const follow = request(budget, clock, 'follow', 8);
    const plan = request(budget, clock, 'plan', 5);
    await clock.advance(0);

    // follow is capped at 5 of 10; plan gets the other 5 at once.
    expect(follow.times.filter((t) => t === start)).toHaveLength(5);
    expect(plan.times.filter((t) => t === start)).toHaveLength(5);
    await clock.runUntil(Promise.all([follow.done, plan.done]), 600_000, 1000);
    expect(follow.times.filter((t) => t === start + 60_000)).toHaveLength(3);
  });

  it('serves a newcomer of higher priority at once while a capped lower priority waits', async () => {
    const clock = new VirtualClock();
    const budget = new RequestBudget(clock, 10, { background: 0.2 });
    const bg = request(budget, clock, 'background', 5);
    await clock.advance(0);

    const write = request(budget, clock, 'write', 1);
    await clock.advance(0);

    expect(bg.times).toHaveLength(2);
    expect(write.times).toEqual([clock.now()]);
    await clock.runUntil(bg.done, 600_000, 1000);
  });

  it('takes the background share from fleet.yaml through the registry, and reports shares', () => {
    const clock = new VirtualClock();
    const registry = new RequestBudgetRegistry(clock);

    const budget = registry.configure('application:u:ck', { requestsPerMinute: 120, steadyStateShare: 0.25 });

    expect(budget.stats()).toMatchObject({
      requestsPerMinute: 120,
      shares: { write: 1, follow: 0.5, plan: 1, background: 0.25 },
      inWindow: { write: 0, follow: 0, plan: 0, background: 0 },
      pausedMs: 0,
    });
    expect(shareCap(120, 0.25)).toBe(30);
    expect(shareCap(1, 0.25)).toBe(1);
  });

  it('refuses shares outside (0, 1]', () => {
    const budget = new RequestBudget(new VirtualClock(), 60);

    expect(() => budget.setShares({ background: 0 })).toThrow(RangeError);
    expect(() => budget.setShares({ follow: 1.5 })).toThrow(RangeError);
  });

  it('never lets a priority hold more than its share, nor the whole more than the limit (property)', async () => {
    const share = fc.double({ min: 0.05, max: 1, noNaN: true });
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 40 }),
        fc.record({ write: share, follow: share, plan: share, background: share }),
        fc.array(
          fc.record({
            priority: fc.constantFrom(...PRIORITIES),
            count: fc.integer({ min: 1, max: 30 }),
            afterMs: fc.integer({ min: 0, max: 90_000 }),
          }),
          { minLength: 1, maxLength: 12 },
        ),
        async (limit, shares: BudgetShares, bursts) => {
          const clock = new VirtualClock();
          const budget = new RequestBudget(clock, limit, shares);
          const granted = new Map<RequestPriority, number[]>(PRIORITIES.map((p) => [p, []]));
          const all: Promise<unknown>[] = [];
          for (const burst of bursts) {
            await clock.advance(burst.afterMs);
            for (let i = 0; i < burst.count; i++)
              all.push(
                budget.acquire(burst.priority).then(() => granted.get(burst.priority)?.push(clock.now())),
              );
          }
          await clock.runUntil(Promise.all(all), 100 * 3_600_000, 10_000);

          const everything = [...granted.values()].flat();
          expect(everything).toHaveLength(bursts.reduce((n, b) => n + b.count, 0));
          expect(maxPerSlidingMinute(everything)).toBeLessThanOrEqual(limit);
          for (const p of PRIORITIES)
            expect(maxPerSlidingMinute(granted.get(p) ?? [])).toBeLessThanOrEqual(shareCap(limit, shares[p]));
        },
      ),
      { numRuns: 40 },
    );
  });
});

describe('a 429 pauses the whole budget', () => {
  it('pauses for at most MAX_PAUSE_MS, whatever Retry-After says (an hour, or a date read against a clock behind)', async () => {
    const clock = new VirtualClock();
    const budget = new RequestBudget(clock, 100);
    const start = clock.now();

    budget.pause(3_600_000);
    const granted = budget.acquire('write').then(() => clock.now() - start);
    await clock.advance(MAX_PAUSE_MS);

    expect(await granted).toBe(MAX_PAUSE_MS);
  });

  it('serves nobody until the pause ends, and waiters keep their order', async () => {
    const clock = new VirtualClock();
    const budget = new RequestBudget(clock, 100);
    const start = clock.now();
    const order: string[] = [];

    budget.pause(10_000);
    const all = [
      budget.acquire('background').then(() => order.push('bg1')),
      budget.acquire('plan').then(() => order.push('plan1')),
      budget.acquire('background').then(() => order.push('bg2')),
    ];
    await clock.advance(9_999);
    const duringPause = [...order];
    const stats = budget.stats();
    await clock.runUntil(Promise.all(all), 600_000, 1);

    expect(duringPause).toEqual([]);
    expect(stats).toMatchObject({ remaining: 0, pausedMs: 1, pauses: 1 });
    expect(order).toEqual(['plan1', 'bg1', 'bg2']);
    expect(clock.now() - start).toBeGreaterThanOrEqual(10_000);
  });

  it('only lengthens a pause, never shortens it', async () => {
    const clock = new VirtualClock();
    const budget = new RequestBudget(clock, 100);

    budget.pause(20_000);
    budget.pause(5_000);

    expect(budget.stats()).toMatchObject({ pausedMs: 20_000, pauses: 1 });
  });

  it('a 429 with Retry-After pauses every caller of the credential, not only the refused one', async () => {
    const clock = new VirtualClock();
    const budget = new RequestBudget(clock, 1000);
    const sent: { at: number; path: string }[] = [];
    let refused = false;
    const transport: OvhTransport = {
      request: (r: TransportRequest) => {
        sent.push({ at: clock.now(), path: r.path });
        if (r.path.endsWith('/a') && !refused) {
          refused = true;
          return Promise.reject(
            new OvhApiError({
              code: 'api-rate-limited',
              disposition: 'waiting',
              status: 429,
              message: 'Too many requests',
              method: r.method,
              path: r.path,
              retryAfterMs: 20_000,
            }),
          );
        }
        return Promise.resolve({ ...SERVER, name: r.path.split('/').pop() });
      },
    };
    const api = new OvhClientAdapter({ transport, budget, clock, random: () => 0.5 });
    const start = clock.now();

    const a = api.getServer('a', { priority: 'plan' });
    await clock.advance(0);
    const b = api.getServer('b', { priority: 'write' });
    await clock.runUntil(Promise.all([a, b]), 600_000, 100);

    expect(sent.map((s) => [s.path, s.at - start])).toEqual([
      ['/dedicated/server/a', 0],
      ['/dedicated/server/b', 20_000],
      ['/dedicated/server/a', 20_000],
    ]);
    expect(budget.stats().pauses).toBe(1);
  });

  it('without Retry-After pauses for the shortest first backoff of a 429', () => {
    expect(rateLimitPauseMs(DEFAULT_RETRY_POLICY)).toBe(2_500);
  });
});
