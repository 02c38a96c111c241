/**
 * A Clock that IS the simulator's clock and runs like a discrete-event simulation: whenever no
 * HTTP request of the adapter is in flight, it moves the simulator's clock to the earliest
 * sleeper and wakes it. While a request is in flight time only passes as in reality (the
 * simulator's clock follows real time), so the instant the adapter takes a budget token and the
 * instant the simulator logs the request differ by real milliseconds only. The executor, the
 * adapter's retries and its request budget all use this clock: the simulator's one-minute
 * rate-limit windows, its Retry-After, the budget's sliding minute and the request log are in
 * one time, and minutes pass in a fraction of a second.
 */
import createOvhClient from '@ovhcloud/node-ovh';
import { parseEndpoint, type OvhEndpoint } from '../../src/config/endpoints.js';
import type { Clock } from '../../src/core/clock.js';
import { silentLogger } from '../../src/core/logger.js';
import { clientOptions } from '../../src/ovh/create-ovh-api.js';
import { NodeOvhTransport } from '../../src/ovh/node-ovh-transport.js';
import { OvhClientAdapter } from '../../src/ovh/ovh-client-adapter.js';
import type { OvhApi } from '../../src/ovh/ovh-api.js';
import { RequestBudgetRegistry } from '../../src/ovh/request-budget.js';
import { installResponseCapture } from '../../src/ovh/response-capture.js';
import { trustExtraCa } from '../../src/ovh/tls-trust.js';
import type { OvhTransport, TransportRequest } from '../../src/ovh/transport.js';
import type { RunningSimulator } from '../../src/sim/index.js';

interface Sleeper {
  at: number;
  seq: number;
  resolve: () => void;
}

export class SimEventClock implements Clock {
  private sleepers: Sleeper[] = [];
  private seq = 0;
  private inFlight = 0;
  private timer: NodeJS.Timeout | undefined;
  /**
   * The longest a request was in flight (ms of this clock, which then follows real time): the
   * simulator logs a request at most this long after its budget token was taken.
   */
  maxInFlightMs = 0;

  constructor(private readonly sim: RunningSimulator) {}

  /** Starts moving time; `stop` wakes every sleeper left. */
  start(): void {
    const tick = (): void => {
      this.step();
      this.timer = setTimeout(tick, 1);
    };
    tick();
  }

  stop(): void {
    clearTimeout(this.timer);
    for (const s of this.sleepers.splice(0)) s.resolve();
  }

  now(): number {
    return this.sim.control.now();
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason as Error);
      const sleeper: Sleeper = { at: this.now() + Math.max(0, ms), seq: this.seq++, resolve };
      this.sleepers.push(sleeper);
      signal?.addEventListener(
        'abort',
        () => {
          this.sleepers = this.sleepers.filter((s) => s !== sleeper);
          reject(signal.reason as Error);
        },
        { once: true },
      );
    });
  }

  /** Counts `call` as a request in flight while it runs. */
  async inFlightWhile<T>(call: () => Promise<T>): Promise<T> {
    this.inFlight++;
    const started = this.now();
    try {
      return await call();
    } finally {
      this.inFlight--;
      this.maxInFlightMs = Math.max(this.maxInFlightMs, this.now() - started);
    }
  }

  private step(): void {
    const now = this.now();
    if (this.inFlight === 0 && this.sleepers.length > 0) {
      const next = Math.min(...this.sleepers.map((s) => s.at));
      if (next > now) this.sim.control.advanceClock(next - now);
    }
    const time = this.now();
    const due = this.sleepers.filter((s) => s.at <= time).sort((a, b) => a.at - b.at || a.seq - b.seq);
    this.sleepers = this.sleepers.filter((s) => s.at > time);
    for (const s of due) s.resolve();
  }
}

/** The real adapter (official client, transport, budget) for the simulator, on `clock`. */
export function simEventApi(sim: RunningSimulator, requestsPerMinute: number, clock: SimEventClock): OvhApi {
  const credentials = {
    endpoint: parseEndpoint(sim.url) as OvhEndpoint,
    auth: {
      kind: 'application' as const,
      applicationKey: sim.credentials.appKey,
      applicationSecret: sim.credentials.appSecret,
      consumerKey: sim.credentials.consumerKey,
    },
    caFile: sim.certPath,
    caPem: sim.caCert,
    budgetKey: `apply-faults-${Math.random()}`,
  };
  trustExtraCa(sim.caCert);
  installResponseCapture();
  const client = createOvhClient(clientOptions(credentials, 20_000, silentLogger()));
  const inner = new NodeOvhTransport(client, clock, { deadlineMs: 600_000, idleTimeoutMs: 20_000 });
  const transport: OvhTransport = {
    request: (request: TransportRequest) => clock.inFlightWhile(() => inner.request(request)),
    exchange: (request: TransportRequest) => clock.inFlightWhile(() => inner.exchange(request)),
  };
  return new OvhClientAdapter({
    transport,
    budget: new RequestBudgetRegistry(clock).setLimit(credentials.budgetKey, requestsPerMinute),
    clock,
  });
}
