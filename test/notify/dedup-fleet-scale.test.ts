/**
 * Review finding (fixed): docs/notifications.md promises "the same (server, revision, phase) is never
 * announced twice, even after a restart, even when a server goes back to a phase it already had
 * at that commit". The memory keeps each server's last key plus the last 20 000 keys. One rollout
 * of the fleet size the project targets (10 000 servers: pending, reinstalling, verifying, ready)
 * adds 40 000 keys, so an earlier key of a server that did not move is forgotten: when that server
 * goes back to a phase it had at the same spec commit (`drift: reinstall` at an unchanged spec),
 * the event is enqueued again, with the same idempotency key.
 */
import { describe, expect, it } from 'vitest';
import { eventsOfCycle, type NotifyMemory } from '../../src/notify/transitions.js';
import type { StatusPhase, StatusRecord } from '../../src/records/types.js';
import { commitOf, recordOf } from './helpers.js';

const X = 'ns0.ip-203-0-113.eu';
const others = Array.from({ length: 10_000 }, (_, i) => `ns${i + 1}.ip-203-0-113.eu`);
const R = commitOf(1);
const OLD = commitOf(2);
const NEW = commitOf(3);

function cycle(
  memory: NotifyMemory | null,
  x: [StatusPhase, string],
  rest: [StatusPhase, string],
  now: number,
) {
  const records: StatusRecord[] = [
    recordOf(X, x[0], x[1]),
    ...others.map((n) => recordOf(n, rest[0], rest[1])),
  ];
  return eventsOfCycle(memory, { records, halts: [], revision: NEW, planHash: null, now });
}

describe('never the same (server, revision, phase) twice, at fleet scale', () => {
  it('does not announce again a phase a server already had at that spec commit', () => {
    let t = Date.UTC(2026, 11, 3);
    let { memory } = cycle(null, ['ready', OLD], ['ready', OLD], t); // baseline
    // X is reinstalled at spec commit R.
    const announced: string[] = [];
    for (const phase of ['pending', 'reinstalling', 'ready'] as const) {
      const out = cycle(memory, [phase, R], ['ready', OLD], (t += 60_000));
      memory = out.memory;
      announced.push(...out.events.map((e) => e.idempotencyKey));
    }
    expect(announced).toContain(`ovh-fleet:${X}:${R}:reinstalling`);
    // A rollout of the rest of the fleet to a new commit; X stays ready at R.
    for (const phase of ['pending', 'reinstalling', 'verifying', 'ready'] as const)
      memory = cycle(memory, ['ready', R], [phase, NEW], (t += 60_000)).memory;

    // X drifted and `drift: reinstall` reinstalls it at the same spec commit R.
    const again = cycle(memory, ['reinstalling', R], ['ready', NEW], (t += 60_000));

    expect(again.events.map((e) => e.idempotencyKey)).toEqual([]);
  });
});
