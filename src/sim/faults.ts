/**
 * Fault injection: the default (no faults), parsing of the `--faults` option (JSON or a
 * `key=value,key=value` list), and the per-request draws. Draws come from a PRNG seeded with the
 * simulator's seed, so a given request sequence meets the same faults on every run. The rate
 * limit counts requests per consumer key in fixed one-minute windows of the sim clock and answers
 * 429 with `Retry-After` (seconds to the end of the window).
 */
import { configError } from '../core/errors.js';
import { EXPANDED_ANSWER_FAULTS, type ExpandedAnswerFault } from './expanded-listing.js';
import { DEFAULT_EXPANDED_PAGE_SIZE_LIMIT } from './expanded-query.js';
import { PROBE_FAULTS, type ProbeFault } from './probe-state.js';
import { createPrng, mixSeed, type Prng } from './prng.js';
import type { FaultConfig } from './types.js';

/** No faults; timestamps accepted within ±300 s of the sim clock. */
export const DEFAULT_FAULTS: Readonly<FaultConfig> = Object.freeze({
  rateLimitPerMinute: 0,
  errorRate: 0,
  latencyMs: 0,
  latencyJitterMs: 0,
  dropRate: 0,
  taskFailureRate: 0,
  ambiguousWrites: false,
  timestampToleranceSec: 300,
  taskListLagMs: 0,
  lostReinstallAnswers: 0,
  expandedCacheMs: 60_000,
  expandedPageSizeLimit: DEFAULT_EXPANDED_PAGE_SIZE_LIMIT,
  expandedAnswer: 'faithful',
  probeFault: 'none',
  probeLateSec: 60,
  probeFlapSec: 10,
});

const KEYS = Object.keys(DEFAULT_FAULTS) as (keyof FaultConfig)[];
const SHARES: (keyof FaultConfig)[] = ['errorRate', 'dropRate', 'taskFailureRate', 'lostReinstallAnswers'];

/** Checks and normalises a partial fault configuration (throws config-invalid). */
export function validateFaults(partial: Record<string, unknown>): Partial<FaultConfig> {
  const out: Partial<FaultConfig> = {};
  for (const [key, raw] of Object.entries(partial)) {
    if (!KEYS.includes(key as keyof FaultConfig)) {
      throw configError('config-invalid', `unknown fault "${key}" (known: ${KEYS.join(', ')})`);
    }
    const name = key as keyof FaultConfig;
    if (name === 'ambiguousWrites') {
      const value = raw === 'true' ? true : raw === 'false' ? false : raw;
      if (typeof value !== 'boolean')
        throw configError('config-invalid', `fault ${key} must be true or false`);
      out.ambiguousWrites = value;
      continue;
    }
    if (name === 'expandedAnswer') {
      if (!EXPANDED_ANSWER_FAULTS.includes(raw as ExpandedAnswerFault))
        throw configError(
          'config-invalid',
          `fault ${key} must be one of ${EXPANDED_ANSWER_FAULTS.join(', ')}`,
        );
      out.expandedAnswer = raw as ExpandedAnswerFault;
      continue;
    }
    if (name === 'probeFault') {
      if (!PROBE_FAULTS.includes(raw as ProbeFault))
        throw configError('config-invalid', `fault ${key} must be one of ${PROBE_FAULTS.join(', ')}`);
      out.probeFault = raw as ProbeFault;
      continue;
    }
    const value = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      throw configError('config-invalid', `fault ${key} must be a number >= 0`);
    }
    if (SHARES.includes(name) && value > 1)
      throw configError('config-invalid', `fault ${key} is a share between 0 and 1`);
    if (name === 'probeFlapSec' && value <= 0)
      throw configError('config-invalid', `fault ${key} must be a number > 0`);
    if (name === 'expandedPageSizeLimit' && (!Number.isInteger(value) || value < 1))
      throw configError('config-invalid', `fault ${key} must be an integer >= 1`);
    out[name] = value as never;
  }
  return out;
}

/** Parses `--faults`: a JSON object, or `key=value` pairs separated by commas. */
export function parseFaultSpec(spec: string): Partial<FaultConfig> {
  const text = spec.trim();
  if (text === '') return {};
  if (text.startsWith('{')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      throw configError('config-invalid', `--faults is not valid JSON: ${(error as Error).message}`);
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw configError('config-invalid', '--faults JSON must be an object');
    }
    return validateFaults(parsed as Record<string, unknown>);
  }
  const pairs: Record<string, string> = {};
  for (const item of text.split(',')) {
    const [key, value, ...rest] = item.split('=');
    if (!key || value === undefined || rest.length > 0) {
      throw configError('config-invalid', `--faults item "${item}" is not key=value`);
    }
    pairs[key.trim()] = value.trim();
  }
  return validateFaults(pairs);
}

/** What happens to one API request, decided before it is served. */
export type FaultDecision =
  | { kind: 'none' }
  | { kind: 'rate-limited'; retryAfterSec: number }
  | { kind: 'error'; status: 500 | 503 }
  | { kind: 'drop' };

/** The mutable fault state of a running simulator. */
export class FaultInjector {
  private config: FaultConfig;
  private readonly prng: Prng;
  private window = -1;
  private counts = new Map<string, number>();

  constructor(seed: number, initial: Partial<FaultConfig> = {}) {
    this.config = { ...DEFAULT_FAULTS, ...initial };
    this.prng = createPrng(mixSeed(seed, 0xfa017));
  }

  get current(): FaultConfig {
    return { ...this.config };
  }

  update(partial: Partial<FaultConfig>): FaultConfig {
    this.config = { ...this.config, ...validateFaults(partial as Record<string, unknown>) };
    return this.current;
  }

  /** Rate limit check for one request of `consumerKey` at sim time `now` (counts the request). */
  rateLimit(consumerKey: string, now: number): FaultDecision {
    const limit = this.config.rateLimitPerMinute;
    if (limit <= 0) return { kind: 'none' };
    const window = Math.floor(now / 60_000);
    if (window !== this.window) {
      this.window = window;
      this.counts = new Map();
    }
    const count = (this.counts.get(consumerKey) ?? 0) + 1;
    this.counts.set(consumerKey, count);
    if (count <= limit) return { kind: 'none' };
    return {
      kind: 'rate-limited',
      retryAfterSec: Math.max(1, Math.ceil(((window + 1) * 60_000 - now) / 1000)),
    };
  }

  /** Draws a 5xx or a drop for one request (independently of the rate limit). */
  drawFailure(): FaultDecision {
    const { errorRate, dropRate } = this.config;
    if (errorRate <= 0 && dropRate <= 0) return { kind: 'none' };
    const roll = this.prng.next();
    if (roll < dropRate) return { kind: 'drop' };
    if (roll < dropRate + errorRate) return { kind: 'error', status: this.prng.next() < 0.75 ? 500 : 503 };
    return { kind: 'none' };
  }

  /** Whether the answer to this reinstall POST is lost after the task was created. */
  drawLostReinstallAnswer(): boolean {
    const share = this.config.lostReinstallAnswers;
    return share > 0 && this.prng.next() < share;
  }

  /** Real milliseconds to wait before answering. */
  drawLatency(): number {
    const { latencyMs, latencyJitterMs } = this.config;
    if (latencyMs <= 0 && latencyJitterMs <= 0) return 0;
    return latencyMs + (latencyJitterMs > 0 ? Math.floor(this.prng.next() * latencyJitterMs) : 0);
  }
}
