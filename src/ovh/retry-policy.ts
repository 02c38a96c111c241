/**
 * Retries of reads: exponential backoff with full jitter (AWS architecture blog, "Exponential
 * Backoff And Jitter") on transient errors, a longer backoff on 429 (or the server's Retry-After
 * when response-capture.ts could read it). Writes are never retried.
 */
import type { OvhApiError } from './errors.js';

/** How reads are retried. */
export interface RetryPolicy {
  /** Attempts in total, the first included. */
  maxAttempts: number;
  /** Backoff ceiling of the first retry of a transient error. */
  baseDelayMs: number;
  /** No wait is longer than this. */
  maxDelayMs: number;
  /** Backoff ceiling of the first retry after a 429 without Retry-After. */
  rateLimitBaseDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 4,
  baseDelayMs: 500,
  maxDelayMs: 30_000,
  rateLimitBaseDelayMs: 5_000,
};

/** Transient and waiting errors are worth another read; an abort is not. */
export function isRetryable(error: OvhApiError): boolean {
  if (error.code === 'api-aborted') return false;
  return error.disposition === 'transient' || error.disposition === 'waiting';
}

/**
 * The wait before retry number `retry` (1 = first retry). Transient: uniform in
 * [0, min(max, base * 2^(retry-1))). Waiting: Retry-After if known, else uniform in the upper
 * half of min(max, rateLimitBase * 2^(retry-1)) so that a 429 is never retried at once.
 */
export function retryDelay(
  policy: RetryPolicy,
  retry: number,
  random: () => number,
  error: OvhApiError,
): number {
  const growth = 2 ** Math.max(0, retry - 1);
  if (error.disposition === 'waiting') {
    if (error.retryAfterMs !== undefined) return Math.min(policy.maxDelayMs, error.retryAfterMs);
    const ceiling = Math.min(policy.maxDelayMs, policy.rateLimitBaseDelayMs * growth);
    return Math.floor(ceiling / 2 + (random() * ceiling) / 2);
  }
  return Math.floor(random() * Math.min(policy.maxDelayMs, policy.baseDelayMs * growth));
}

/**
 * How long a 429 without Retry-After pauses the shared budget (request-budget.ts) for every
 * caller: the shortest first backoff {@link retryDelay} can pick, so the refused read is never
 * held past its own retry.
 */
export function rateLimitPauseMs(policy: RetryPolicy): number {
  return Math.floor(Math.min(policy.maxDelayMs, policy.rateLimitBaseDelayMs) / 2);
}
