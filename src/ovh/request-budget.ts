/**
 * One request budget per OVHcloud credential (consumer key or OAuth2 client), shared by every
 * caller in the process. OVHcloud's only guidance is fair use at 60 requests per minute per
 * consumer key, so the budget guarantees that no sliding minute ever holds more than
 * `requestsPerMinute` requests: a token bucket of that size in which each token spent comes
 * back exactly one minute later. (A bucket refilled continuously would allow up to twice the
 * limit across a minute boundary.)
 *
 * Waiters are served by priority (write > follow > plan > background), FIFO within a priority.
 * Each priority also has a share: the most of the sliding minute it may hold (write and plan: all
 * of it; follow: half; background: fleet.yaml `api.steadyStateShare`, default half). A priority at
 * its share waits, and the next priority with room goes first, so that a long rollout or the
 * background sweep always leaves headroom (docs/operations.md#request-budget). Among priorities
 * with room, a waiting higher priority always goes first.
 *
 * After a 429 the adapter pauses the whole budget (`pause`, honouring Retry-After): nobody is
 * served until the pause ends, and every waiter keeps its place in its queue.
 */
import { createHash } from 'node:crypto';
import type { Clock } from '../core/clock.js';
import type { RequestPriority } from './ovh-api.js';

/**
 * The longest one 429 pauses the budget: a Retry-After of an hour, or an HTTP date read against a
 * local clock that runs behind, must not stop writes and followers for that long. After it, the
 * next request finds out; a new 429 pauses again.
 */
export const MAX_PAUSE_MS = 5 * 60_000;

/** Priorities from most to least urgent. */
export const PRIORITIES: readonly RequestPriority[] = ['write', 'follow', 'plan', 'background'];

/** OVHcloud's fair-use figure (python-ovh#81, a maintainer, 2019). */
export const DEFAULT_REQUESTS_PER_MINUTE = 60;

/** fleet.yaml `api.steadyStateShare` when unset: the background share. */
export const DEFAULT_STEADY_STATE_SHARE = 0.5;

/**
 * The share of the sliding minute each priority may hold, in (0, 1]. `follow` is half, as the
 * followers already pace themselves (task-watch, run-context); `background` is the steady-state
 * share.
 */
export type BudgetShares = Record<RequestPriority, number>;

export const DEFAULT_SHARES: Readonly<BudgetShares> = {
  write: 1,
  follow: 0.5,
  plan: 1,
  background: DEFAULT_STEADY_STATE_SHARE,
};

const WINDOW_MS = 60_000;

/** The tokens a priority may hold in one sliding minute: never below one, so nothing starves. */
export function shareCap(requestsPerMinute: number, share: number): number {
  return Math.max(1, Math.floor(requestsPerMinute * share));
}

/** A snapshot for metrics. */
export interface BudgetStats {
  requestsPerMinute: number;
  /** Tokens that can be taken right now (0 while paused). */
  remaining: number;
  /** Callers waiting, by priority. */
  waiting: Record<RequestPriority, number>;
  /** Tokens handed out since creation, by priority. */
  granted: Record<RequestPriority, number>;
  /** Each priority's share of the minute. */
  shares: BudgetShares;
  /** Tokens each priority holds in the current sliding minute (at most its share's cap). */
  inWindow: Record<RequestPriority, number>;
  /** Milliseconds left of a pause after a 429 (0: not paused). */
  pausedMs: number;
  /** Pauses after a 429 since creation. */
  pauses: number;
}

interface Waiter {
  resolve: () => void;
  reject: (reason: unknown) => void;
  cleanup: () => void;
}

interface Spent {
  at: number;
  priority: RequestPriority;
}

function perPriority(): Record<RequestPriority, number> {
  return { write: 0, follow: 0, plan: 0, background: 0 };
}

function checkShare(share: number): void {
  if (!(share > 0 && share <= 1)) throw new RangeError('a share must be above 0 and at most 1');
}

/** The budget of one credential. */
export class RequestBudget {
  /** The tokens now out, oldest first. */
  private readonly spent: Spent[] = [];
  private readonly inWindow = perPriority();
  private readonly queues = new Map<RequestPriority, Waiter[]>(PRIORITIES.map((p) => [p, []]));
  private readonly granted = perPriority();
  private readonly shares: BudgetShares = { ...DEFAULT_SHARES };
  private pausedUntil = 0;
  private pauses = 0;
  /** When the one pending wake-up fires (null: none pending). */
  private wakeAt: number | null = null;

  constructor(
    private readonly clock: Clock,
    private limit: number = DEFAULT_REQUESTS_PER_MINUTE,
    shares: Partial<BudgetShares> = {},
  ) {
    if (!(limit >= 1)) throw new RangeError('requestsPerMinute must be at least 1');
    this.setShares(shares);
  }

  /** Changes the limit (e.g. after fleet.yaml changed); applies to the next grant. */
  setLimit(requestsPerMinute: number): void {
    if (!(requestsPerMinute >= 1)) throw new RangeError('requestsPerMinute must be at least 1');
    this.limit = requestsPerMinute;
    this.drain();
  }

  /** Changes some shares (e.g. `background` after fleet.yaml changed); applies to the next grant. */
  setShares(shares: Partial<BudgetShares>): void {
    for (const p of PRIORITIES) {
      const share = shares[p];
      if (share === undefined) continue;
      checkShare(share);
      this.shares[p] = share;
    }
    this.drain();
  }

  /**
   * Nobody is served for `ms` (after a 429: Retry-After, or the retry policy's backoff), at most
   * {@link MAX_PAUSE_MS}. A pause only ever lengthens; waiters keep their places.
   */
  pause(ms: number): void {
    const until = this.clock.now() + Math.min(MAX_PAUSE_MS, Math.max(0, ms));
    if (until <= this.pausedUntil) return;
    this.pausedUntil = until;
    this.pauses++;
    this.drain();
  }

  /** Tokens available now (0 while paused). */
  remaining(): number {
    this.prune();
    if (this.clock.now() < this.pausedUntil) return 0;
    return Math.max(0, this.limit - this.spent.length);
  }

  stats(): BudgetStats {
    const waiting = perPriority();
    for (const p of PRIORITIES) waiting[p] = this.queues.get(p)?.length ?? 0;
    const remaining = this.remaining();
    return {
      requestsPerMinute: this.limit,
      remaining,
      waiting,
      granted: { ...this.granted },
      shares: { ...this.shares },
      inWindow: { ...this.inWindow },
      pausedMs: Math.max(0, this.pausedUntil - this.clock.now()),
      pauses: this.pauses,
    };
  }

  /** Resolves when a token is taken for one request; rejects with the signal's reason if aborted first. */
  acquire(priority: RequestPriority = 'background', signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise<void>((resolve, reject) => {
      const queue = this.queues.get(priority) as Waiter[];
      const onAbort = (): void => {
        const index = queue.indexOf(waiter);
        if (index >= 0) queue.splice(index, 1);
        reject(signal?.reason);
        // The aborted waiter may have held back nobody, or a lower priority behind it: look again.
        this.drain();
      };
      const waiter: Waiter = {
        resolve,
        reject,
        cleanup: () => signal?.removeEventListener('abort', onAbort),
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      queue.push(waiter);
      this.drain();
    });
  }

  private waitingCount(): number {
    let n = 0;
    for (const queue of this.queues.values()) n += queue.length;
    return n;
  }

  private prune(): void {
    const now = this.clock.now();
    while (this.spent.length > 0 && (this.spent[0] as Spent).at + WINDOW_MS <= now) {
      const gone = this.spent.shift() as Spent;
      this.inWindow[gone.priority]--;
    }
  }

  /** The most urgent priority that has a waiter and room under its share. */
  private nextPriority(): RequestPriority | undefined {
    for (const priority of PRIORITIES) {
      if ((this.queues.get(priority)?.length ?? 0) === 0) continue;
      if (this.inWindow[priority] < shareCap(this.limit, this.shares[priority])) return priority;
    }
    return undefined;
  }

  /** Hands out every token it can now, then sets one wake-up for the next change. */
  private drain(): void {
    this.prune();
    const now = this.clock.now();
    if (now < this.pausedUntil) {
      if (this.waitingCount() > 0) this.wake(this.pausedUntil);
      return;
    }
    while (this.spent.length < this.limit) {
      const priority = this.nextPriority();
      if (priority === undefined) break;
      const waiter = this.queues.get(priority)?.shift() as Waiter;
      waiter.cleanup();
      this.spent.push({ at: now, priority });
      this.inWindow[priority]++;
      this.granted[priority]++;
      waiter.resolve();
    }
    // Someone still waits: the limit or a share is reached, and both change only when the
    // oldest token comes back (a waiter's share holds at least one token, so `spent` is not empty).
    const oldest = this.spent[0];
    if (this.waitingCount() > 0 && oldest) this.wake(oldest.at + WINDOW_MS);
  }

  private wake(at: number): void {
    if (this.wakeAt !== null && this.wakeAt <= at) return;
    this.wakeAt = at;
    void this.clock.sleep(at - this.clock.now()).then(() => {
      if (this.wakeAt === at) this.wakeAt = null;
      this.drain();
    });
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

  /**
   * Sets fleet.yaml's `api` section on the budget for `key`: the limit, and the background share
   * (`steadyStateShare`). Returns that budget.
   */
  configure(
    key: string,
    api: { requestsPerMinute: number; steadyStateShare?: number | undefined },
  ): RequestBudget {
    const budget = this.setLimit(key, api.requestsPerMinute);
    budget.setShares({ background: api.steadyStateShare ?? DEFAULT_STEADY_STATE_SHARE });
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
