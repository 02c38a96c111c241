/**
 * Which events a cycle makes (docs/notifications.md, "Delivery guarantees"). Pure: from what the
 * notifier remembers (NotifyMemory) and what git now holds after a cycle (CycleView), the events
 * of the transitions and the memory after them. A key (subject, revision, phase) is never
 * returned twice: `seen` holds each subject's last key (bounded by the fleet's size: a server that
 * leaves the records is dropped), `recent` the last keys enqueued (bounded by `recentLimit`), so a
 * server that goes back to a phase at the same revision is not announced again. With no memory
 * at all (the first cycle after notifications are turned on) the cycle is the baseline: nothing
 * is announced, so that turning notifications on does not post one `ready` per server.
 */
import type { StatusRecord } from '../records/types.js';
import {
  haltEvent,
  idempotencyKeyOf,
  NOTIFIED_PHASES,
  revisionOf,
  serverEvent,
  type HaltView,
  type NotificationEvent,
} from './event.js';

/** What the notifier keeps between cycles and restarts (`<stateDir>/notify/memory.json`). */
export interface NotifyMemory {
  formatVersion: 1;
  /** Subject (`server/<name>`, `rollout/<fleet|cohort>`) → the key of its state last seen. */
  seen: Record<string, string>;
  /** Keys enqueued, oldest first, at most `recentLimit`. */
  recent: string[];
  /**
   * Server subject → `[revision, ...phases announced at that revision]`: exact for each server's
   * current spec commit however large the fleet (`recent` alone forgets at fleet scale). Absent in
   * memories written before it; then `recent` alone answers.
   */
  announced?: Record<string, string[]>;
}

/** What a cycle left in git, as the notifier reads it. */
export interface CycleView {
  /** The records git holds now, every server. */
  records: Iterable<StatusRecord>;
  /** The plan's halts (`rollout-halted` only; pauses are not announced). */
  halts: readonly HaltView[];
  /** The branch head of the cycle (a halt's revision). */
  revision: string;
  planHash: string | null;
  now: number;
}

/** How many enqueued keys are remembered besides each subject's last one. */
export const DEFAULT_RECENT_LIMIT = 20_000;

/** The events of the cycle's transitions, and the memory after them. */
export function eventsOfCycle(
  memory: NotifyMemory | null,
  view: CycleView,
  recentLimit = DEFAULT_RECENT_LIMIT,
): { events: NotificationEvent[]; memory: NotifyMemory } {
  const baseline = memory === null;
  const seen: Record<string, string> = {};
  const recent = new Set(memory?.recent ?? []);
  const added: string[] = [];
  const events: NotificationEvent[] = [];
  const context = { planHash: view.planHash, now: view.now };
  const announced: Record<string, string[]> = {};
  /** True when the subject already announced `phase` at `revision` (servers only). */
  const announcedBefore = (subject: string, revision: string, phase: string): boolean => {
    const [rev, ...phases] = memory?.announced?.[subject] ?? [];
    return rev === revision && phases.includes(phase);
  };
  const remember = (subject: string, revision: string, phase: string): void => {
    const [rev, ...phases] = announced[subject] ?? memory?.announced?.[subject] ?? [];
    announced[subject] = rev === revision ? [rev, ...new Set([...phases, phase])] : [revision, phase];
  };
  const consider = (
    subject: string,
    key: string,
    make: () => NotificationEvent | null,
    server?: { revision: string; phase: string },
  ): void => {
    const before = memory?.seen[subject];
    seen[subject] = key;
    if (server) {
      const kept = memory?.announced?.[subject];
      if (kept) announced[subject] = kept;
    }
    if (baseline || before === key || recent.has(key)) return;
    if (server && announcedBefore(subject, server.revision, server.phase)) return;
    const event = make();
    if (event === null) return;
    recent.add(key);
    added.push(key);
    events.push(event);
    if (server) remember(subject, server.revision, server.phase);
  };
  for (const record of view.records) {
    const phase = record.phase;
    const revision = revisionOf(record);
    const key = idempotencyKeyOf(record.serviceName, revision, phase as never);
    consider(
      `server/${record.serviceName}`,
      key,
      () => (NOTIFIED_PHASES.has(phase) ? serverEvent(record, context) : null),
      { revision, phase },
    );
  }
  for (const halt of view.halts) {
    const event = haltEvent(halt, view.revision, context);
    const subject = `rollout/${event.involvedObject.name}`;
    // A halt is announced when it starts; while it lasts, the subject keeps the key it started with.
    const key = memory?.seen[subject] ?? event.idempotencyKey;
    consider(subject, key, () => event);
  }
  const all = [...(memory?.recent ?? []), ...added];
  return {
    events,
    memory: {
      formatVersion: 1,
      seen,
      recent: all.slice(Math.max(0, all.length - recentLimit)),
      announced,
    },
  };
}
