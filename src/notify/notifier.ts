/**
 * The notifier: the shell around the outbox (docs/notifications.md). `observe` takes what a cycle
 * left in git and returns at once: the transitions' events are routed, packaged and written to
 * the outbox on the notifier's own queue, and a background loop with its own timer sends what is
 * due. Nothing here is awaited by a cycle, a reinstall or a status commit: a receiver that hangs
 * holds only this loop (each request has a timeout), one that is down pauses only its own sink.
 * A failed attempt backs off (doubling, capped); after `maxAttempts` the delivery goes to dead/.
 */
import type { SinkFilters } from '../config/notify-config.js';
import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/logger.js';
import { Outbox, type OutboxEntry } from './outbox.js';
import { routeEvents, type LabelsOf } from './routing.js';
import { DeliveryError, type NotificationSink } from './sink.js';
import { eventsOfCycle, type CycleView } from './transitions.js';

/** The counters of /metrics the notifier moves (src/daemon/metrics.ts), by sink. */
export interface NotifyCounters {
  sent(sink: string): void;
  failed(sink: string): void;
  deadLettered(sink: string): void;
}

/** A sink and the filters of its configuration. */
export interface RoutedSink {
  sink: NotificationSink;
  filters: SinkFilters;
}

/** What the notifier needs. */
export interface NotifierOptions {
  stateDir: string;
  sinks: readonly RoutedSink[];
  clock: Clock;
  log: Logger;
  counters?: NotifyCounters;
  maxAttempts: number;
  backoffMs: number;
  maxBackoffMs: number;
  /** How often the loop looks for due deliveries (default 1000 ms); an enqueue wakes it at once. */
  pollMs?: number;
}

/** A cycle as the notifier reads it: the view of the transitions plus the servers' labels. */
export interface NotifyCycle extends CycleView {
  labelsOf: LabelsOf;
}

/** The delay before attempt `failures + 1`: `base`, doubled at each failure, at most `cap`. Pure. */
export function backoffDelay(failures: number, base: number, cap: number): number {
  return Math.min(cap, base * 2 ** Math.min(Math.max(failures - 1, 0), 30));
}

/** The running notifier of one daemon. */
export class Notifier {
  private queue: Promise<void> = Promise.resolve();
  private readonly stopping = new AbortController();
  private wake: (() => void) | null = null;
  private loop: Promise<void> = Promise.resolve();
  private readonly pausedUntil = new Map<string, number>();
  /** The pass of each sink under way: a slow receiver holds only its own sink. */
  private readonly busy = new Map<string, Promise<void>>();
  private readonly sinks: Map<string, RoutedSink>;
  private lastMemory: string;

  private constructor(
    private readonly outbox: Outbox,
    private readonly options: NotifierOptions,
  ) {
    this.sinks = new Map(options.sinks.map((s) => [s.sink.name, s]));
    this.lastMemory = JSON.stringify(outbox.memory);
  }

  /** Opens the outbox in `<stateDir>/notify/` and starts the delivery loop. */
  static async start(options: NotifierOptions): Promise<Notifier> {
    const { outbox, unreadable } = await Outbox.open(options.stateDir);
    if (unreadable.length > 0)
      options.log.warn({ files: unreadable }, 'notify: unreadable outbox files moved to dead/');
    const notifier = new Notifier(outbox, options);
    notifier.loop = notifier.run();
    return notifier;
  }

  /** Deliveries waiting in the outbox. */
  get waiting(): number {
    return this.outbox.size;
  }

  /** Takes a cycle's records; returns at once (the outbox is written on the notifier's queue). */
  observe(cycle: NotifyCycle): void {
    if (this.stopping.signal.aborted) return;
    this.queue = this.queue
      .then(() => this.enqueue(cycle))
      .catch((error: unknown) =>
        this.options.log.error({ err: error }, 'notify: events not enqueued; the next cycle tries again'),
      );
  }

  /** Resolves when every cycle observed so far is in the outbox (tests, shutdown). */
  settled(): Promise<void> {
    return this.queue;
  }

  /** Stops the loop and aborts requests in flight; what waits stays in the outbox for the next start. */
  async stop(): Promise<void> {
    await this.queue;
    this.stopping.abort(new Error('shutting down'));
    this.wake?.();
    await this.loop;
    await Promise.all(this.busy.values());
  }

  private async enqueue(cycle: NotifyCycle): Promise<void> {
    const { events, memory } = eventsOfCycle(this.outbox.memory, cycle);
    const deliveries = [];
    for (const { sink, filters } of this.sinks.values()) {
      const routed = routeEvents(events, filters, cycle.labelsOf);
      if (routed.length === 0) continue;
      for (const delivery of sink.package(routed, { revision: cycle.revision }))
        deliveries.push({ sink: sink.name, delivery });
    }
    const text = JSON.stringify(memory);
    if (deliveries.length === 0 && text === this.lastMemory) return;
    const written = await this.outbox.enqueue(deliveries, memory, this.options.clock.now());
    this.lastMemory = text;
    if (written.length > 0) {
      this.options.log.debug({ events: events.length, deliveries: written.length }, 'notify: enqueued');
      this.wake?.();
    }
  }

  private async run(): Promise<void> {
    const signal = this.stopping.signal;
    while (!signal.aborted) {
      this.deliverDue();
      if (signal.aborted) break;
      // One nap per turn, ended early by an enqueue, a pass that sent, or stop() (all call wake).
      const nap = new AbortController();
      this.wake = () => nap.abort();
      await this.options.clock.sleep(this.options.pollMs ?? 1000, nap.signal).catch(() => undefined);
      this.wake = null;
    }
  }

  /**
   * Starts a pass for each sink with deliveries waiting and no pass under way: it sends its due
   * deliveries, oldest first. The sinks go side by side and the loop waits for none of them.
   */
  private deliverDue(): void {
    const bySink = new Map<string, OutboxEntry[]>();
    for (const entry of this.outbox.waiting()) {
      if (this.busy.has(entry.sink)) continue;
      const list = bySink.get(entry.sink) ?? [];
      list.push(entry);
      bySink.set(entry.sink, list);
    }
    for (const [name, entries] of bySink) {
      const pass = this.deliverSink(name, entries)
        .catch((error: unknown) => {
          this.options.log.error({ err: error, sink: name }, 'notify: delivery pass failed');
          return false;
        })
        .then((progressed) => {
          this.busy.delete(name);
          // What came while this pass sent is looked at without waiting for the timer.
          if (progressed && !this.stopping.signal.aborted) this.wake?.();
        });
      this.busy.set(name, pass);
    }
  }

  /** One pass of a sink; true when it sent a delivery. */
  private async deliverSink(name: string, entries: OutboxEntry[]): Promise<boolean> {
    const { clock, log, counters } = this.options;
    const routed = this.sinks.get(name);
    if (!routed) {
      // The sink left the configuration: its deliveries are kept in dead/, not sent elsewhere.
      for (const entry of entries) await this.outbox.deadLetter(entry);
      log.warn(
        { sink: name, deliveries: entries.length },
        'notify: sink no longer configured; deliveries moved to dead/',
      );
      return false;
    }
    if ((this.pausedUntil.get(name) ?? 0) > clock.now()) return false;
    let sent = false;
    for (const entry of entries) {
      if (this.stopping.signal.aborted) return sent;
      // Oldest first, never around one: a delivery waiting for its retry holds the newer ones of
      // its sink (after a restart the sink's pause is forgotten, and a receiver got `ready` before
      // `reinstalling`).
      if (entry.nextAttemptAt > clock.now()) return sent;
      try {
        await routed.sink.send(entry.delivery, this.stopping.signal);
      } catch (caught) {
        if (this.stopping.signal.aborted) return sent;
        const error =
          caught instanceof DeliveryError ? caught : new DeliveryError('unreachable', 'send failed');
        const paused = await this.failed(entry, error);
        if (paused) return sent;
        continue;
      }
      await this.outbox.remove(entry);
      counters?.sent(name);
      sent = true;
    }
    return sent;
  }

  /** Records a failed attempt; true when the sink pauses (its receiver is down or overloaded). */
  private async failed(entry: OutboxEntry, error: DeliveryError): Promise<boolean> {
    const { clock, log, counters, maxAttempts, backoffMs, maxBackoffMs } = this.options;
    counters?.failed(entry.sink);
    const attempts = entry.attempts + 1;
    const retryAt = clock.now() + backoffDelay(attempts, backoffMs, maxBackoffMs);
    const next = await this.outbox.recordFailure(entry, error.message, retryAt);
    const fields = { sink: entry.sink, key: entry.delivery.key, attempts, error: error.message };
    if (attempts >= maxAttempts) {
      await this.outbox.deadLetter(next);
      counters?.deadLettered(entry.sink);
      log.error(fields, 'notify: delivery failed too often; moved to dead/');
    } else {
      log.warn(fields, 'notify: delivery failed; retried later');
    }
    if (error.kind === 'rejected') return false;
    this.pausedUntil.set(entry.sink, retryAt);
    return true;
  }
}
