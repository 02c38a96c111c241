/**
 * One request budget per OVHcloud credential (consumer key or OAuth2 client), shared by every
 * caller in the process. OVHcloud's only guidance is fair use at 60 requests per minute per
 * consumer key, so the budget guarantees that no sliding minute ever holds more than
 * `requestsPerMinute` requests: a token bucket of that size in which each token spent comes
 * back exactly one minute later. (A bucket refilled continuously would allow up to twice the
 * limit across a minute boundary.) Waiters are served by priority (write > follow > plan >
 * background), FIFO within a priority; a waiting higher priority always goes first.
 */
import { createHash } from 'node:crypto';
import type { Clock } from '../core/clock.js';
import type { RequestPriority } from './ovh-api.js';

/** Priorities from most to least urgent. */
export const PRIORITIES: readonly RequestPriority[] = ['write', 'follow', 'plan', 'background'];

/** OVHcloud's fair-use figure (python-ovh#81, a maintainer, 2019). */
export const DEFAULT_REQUESTS_PER_MINUTE = 60;

const WINDOW_MS = 60_000;

/** A snapshot for metrics. */
export interface BudgetStats {
  requestsPerMinute: number;
  /** Tokens that can be taken right now. */
  remaining: number;
  /** Callers waiting, by priority. */
  waiting: Record<RequestPriority, number>;
  /** Tokens handed out since creation, by priority. */
  granted: Record<RequestPriority, number>;
}

interface Waiter {
  resolve: () => void;
  reject: (reason: unknown) => void;
  cleanup: () => void;
}

function perPriority(): Record<RequestPriority, number> {
  return { write: 0, follow: 0, plan: 0, background: 0 };
}

/** The budget of one credential. */
export class RequestBudget {
  /** Times at which the tokens now out were taken, oldest first. */
  private readonly spent: number[] = [];
  private readonly queues = new Map<RequestPriority, Waiter[]>(PRIORITIES.map((p) => [p, []]));
  private readonly granted = perPriority();
  private pumping = false;

  constructor(
    private readonly clock: Clock,
    private limit: number = DEFAULT_REQUESTS_PER_MINUTE,
  ) {
    if (!(limit >= 1)) throw new RangeError('requestsPerMinute must be at least 1');
  }

  /** Changes the limit (e.g. after fleet.yaml changed); applies to the next grant. */
  setLimit(requestsPerMinute: number): void {
    if (!(requestsPerMinute >= 1)) throw new RangeError('requestsPerMinute must be at least 1');
    this.limit = requestsPerMinute;
    this.pump();
  }

  /** Tokens available now. */
  remaining(): number {
    this.prune();
    return Math.max(0, this.limit - this.spent.length);
  }

  stats(): BudgetStats {
    const waiting = perPriority();
    for (const p of PRIORITIES) waiting[p] = this.queues.get(p)?.length ?? 0;
    return {
      requestsPerMinute: this.limit,
      remaining: this.remaining(),
      waiting,
      granted: { ...this.granted },
    };
  }

  /** Resolves when a token is taken for one request; rejects with the signal's reason if aborted first. */
  acquire(priority: RequestPriority = 'background', signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.waitingCount() === 0 && this.remaining() > 0) {
      this.take(priority);
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const queue = this.queues.get(priority) as Waiter[];
      const onAbort = (): void => {
        const index = queue.indexOf(waiter);
        if (index >= 0) queue.splice(index, 1);
        reject(signal?.reason);
      };
      const waiter: Waiter = {
        resolve,
        reject,
        cleanup: () => signal?.removeEventListener('abort', onAbort),
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      queue.push(waiter);
      this.pump();
    });
  }

  private waitingCount(): number {
    let n = 0;
    for (const queue of this.queues.values()) n += queue.length;
    return n;
  }

  private take(priority: RequestPriority): void {
    this.spent.push(this.clock.now());
    this.granted[priority]++;
  }

  private prune(): void {
    const now = this.clock.now();
    while (this.spent.length > 0 && (this.spent[0] as number) + WINDOW_MS <= now) this.spent.shift();
  }

  private next(): { priority: RequestPriority; waiter: Waiter } | undefined {
    for (const priority of PRIORITIES) {
      const waiter = this.queues.get(priority)?.shift();
      if (waiter) return { priority, waiter };
    }
    return undefined;
  }

  /** Hands out tokens to waiters as they come back; one loop at a time. */
  private pump(): void {
    if (this.pumping) return;
    this.pumping = true;
    void (async () => {
      try {
        while (this.waitingCount() > 0) {
          if (this.remaining() > 0) {
            const next = this.next();
            if (!next) break;
            next.waiter.cleanup();
            this.take(next.priority);
            next.waiter.resolve();
            continue;
          }
          const oldest = this.spent[0] as number;
          await this.clock.sleep(oldest + WINDOW_MS - this.clock.now());
        }
      } finally {
        this.pumping = false;
      }
    })();
  }
}

/** The budgets of a process, one per credential key. */
export class RequestBudgetRegistry {
  private readonly budgets = new Map<string, RequestBudget>();

  constructor(private readonly clock: Clock) {}

  /** The budget for `key` (OvhCredentials.budgetKey), if one was set; reading changes nothing. */
  get(key: string): RequestBudget | undefined {
    return this.budgets.get(key);
  }

  /**
   * Sets the limit of the budget for `key`, shared by every holder, and returns that budget:
   * created on first use, changed (for the next grant) when it differs.
   */
  setLimit(key: string, requestsPerMinute: number = DEFAULT_REQUESTS_PER_MINUTE): RequestBudget {
    const budget = this.budgets.get(key);
    if (!budget) {
      const created = new RequestBudget(this.clock, requestsPerMinute);
      this.budgets.set(key, created);
      return created;
    }
    if (budget.stats().requestsPerMinute !== requestsPerMinute) budget.setLimit(requestsPerMinute);
    return budget;
  }

  /** Stats of every budget, labelled by a hash of the key (keys are secrets). */
  stats(): { id: string; stats: BudgetStats }[] {
    return [...this.budgets].map(([key, budget]) => ({ id: budgetId(key), stats: budget.stats() }));
  }
}

/** A non-secret label for a budget key: the first 12 hex digits of its SHA-256. */
export function budgetId(key: string): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 12);
}
