/**
 * The safety rule of notifications: the same (server, revision, phase) is never enqueued twice,
 * whatever the sequence of transitions: servers moving through phases, back to a phase they had,
 * at old and new revisions, leaving and coming back, halts starting and lifting, and restarts in
 * between (the memory kept on disk, read again). Checked on the pure transitions with many runs,
 * and on the real notifier and outbox (restarts reopen the state directory) with fewer.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { systemClock } from '../../src/core/clock.js';
import { Notifier } from '../../src/notify/notifier.js';
import { eventsOfCycle, type CycleView, type NotifyMemory } from '../../src/notify/transitions.js';
import type { Delivery } from '../../src/notify/sink.js';
import { onePerEvent } from '../../src/notify/sink.js';
import type { StatusPhase } from '../../src/records/types.js';
import { commitOf, keptLogger, recordOf, until } from './helpers.js';

const PHASES: StatusPhase[] = [
  'pending',
  'reinstalling',
  'verifying',
  'ready',
  'unhealthy',
  'failed',
  'drifted',
  'unknown',
];
const SERVERS = ['ns1.example.net', 'ns2.example.net', 'ns3.example.net'];

/** One cycle: per server a phase and revision (or absent), and which cohorts are halted. */
const cycleArb = fc.record({
  servers: fc.array(
    fc.option(fc.record({ phase: fc.constantFrom(...PHASES), revision: fc.integer({ min: 1, max: 3 }) }), {
      nil: null,
    }),
    { minLength: SERVERS.length, maxLength: SERVERS.length },
  ),
  halts: fc.subarray([null, 'debian12_64/ADV-1/role=web']),
  head: fc.integer({ min: 1, max: 3 }),
  restart: fc.boolean(),
});

interface CycleSpec {
  servers: ({ phase: StatusPhase; revision: number } | null)[];
  halts: (string | null)[];
  head: number;
  restart: boolean;
}

function viewOf(c: CycleSpec, now: number): CycleView {
  const records = c.servers.flatMap((s, i) =>
    s ? [recordOf(SERVERS[i]!, s.phase, commitOf(s.revision))] : [],
  );
  return {
    records,
    halts: c.halts.map((cohort) => ({ cohort, servers: ['ns1.example.net'] })),
    revision: commitOf(100 + c.head),
    planHash: null,
    now,
  };
}

describe('notification de-duplication', () => {
  it('never returns the same (subject, revision, phase) twice, across restarts', () => {
    fc.assert(
      fc.property(fc.array(cycleArb, { minLength: 1, maxLength: 40 }), (cycles) => {
        let memory: NotifyMemory | null = null;
        const keys: string[] = [];
        cycles.forEach((c, i) => {
          const out = eventsOfCycle(memory, viewOf(c, i));
          keys.push(...out.events.map((e) => e.idempotencyKey));
          // A restart: the memory as it was written to disk, read again.
          memory = c.restart ? (JSON.parse(JSON.stringify(out.memory)) as NotifyMemory) : out.memory;
        });
        expect(new Set(keys).size).toBe(keys.length);
      }),
      { numRuns: 500 },
    );
  });

  it('announces a phase a server enters at a revision it has not had it at', () => {
    const base = eventsOfCycle(
      null,
      viewOf(
        { servers: [{ phase: 'ready', revision: 1 }, null, null], halts: [], head: 1, restart: false },
        0,
      ),
    );
    expect(base.events).toEqual([]);

    const next = eventsOfCycle(
      base.memory,
      viewOf(
        {
          servers: [{ phase: 'reinstalling', revision: 2 }, null, null],
          halts: [null],
          head: 2,
          restart: false,
        },
        1,
      ),
    );

    expect(next.events.map((e) => [e.involvedObject.name, e.phase])).toEqual([
      ['ns1.example.net', 'reinstalling'],
      ['fleet', 'halted'],
    ]);
  });

  it('the real notifier delivers no key twice through restarts of its outbox', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(cycleArb, { minLength: 1, maxLength: 8 }), async (cycles) => {
        const dir = mkdtempSync(path.join(tmpdir(), 'ovh-fleet-notify-prop-'));
        const sent: string[] = [];
        const open = (): Promise<Notifier> =>
          Notifier.start({
            stateDir: dir,
            sinks: [
              {
                sink: {
                  name: 'record',
                  package: onePerEvent,
                  send: (d: Delivery) => {
                    sent.push(d.key);
                    return Promise.resolve();
                  },
                },
                filters: { severities: null, reasons: null, labels: null },
              },
            ],
            clock: systemClock,
            log: keptLogger().logger,
            maxAttempts: 3,
            backoffMs: 10,
            maxBackoffMs: 10,
            pollMs: 10,
          });
        let notifier = await open();
        try {
          for (const [i, c] of cycles.entries()) {
            notifier.observe({ ...viewOf(c, i), labelsOf: () => undefined });
            if (c.restart) {
              await notifier.settled();
              await until(() => notifier.waiting === 0, 'the outbox to empty');
              await notifier.stop();
              notifier = await open();
            }
          }
          await notifier.settled();
          await until(() => notifier.waiting === 0, 'the outbox to empty');
        } finally {
          await notifier.stop();
          rmSync(dir, { recursive: true, force: true });
        }
        expect(new Set(sent).size).toBe(sent.length);
      }),
      { numRuns: 15 },
    );
  });
});
