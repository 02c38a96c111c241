/**
 * A server the sweep found with a running task leaves `sweepFound` only once a cycle observed it:
 * when its one-by-one reads fail (a 429 after the retries), the next cycle asks again instead of
 * reusing the cached observation that says no task runs (found by a hostile review).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { settleSweepFound } from '../../src/daemon/sweep-found.js';

describe('settleSweepFound', () => {
  it('keeps a server whose observation failed, forgets the one observed', () => {
    const found = new Set(['ns1.example.net', 'ns2.example.net']);

    settleSweepFound(found, new Set(found), new Map([['ns2.example.net', {}]]), () => true);

    expect([...found]).toEqual(['ns1.example.net']);
  });

  it('forgets a server that left the fleet (no spec, no record): no cycle will observe it again', () => {
    const found = new Set(['ns1.example.net', 'gone.example.net']);

    settleSweepFound(found, new Set(found), new Map(), (n) => n !== 'gone.example.net');

    expect([...found]).toEqual(['ns1.example.net']);
  });

  it('never forgets a server of the fleet no cycle observed, and never one found after the cycle began', () => {
    const name = fc.constantFrom('a', 'b', 'c', 'd', 'e');
    fc.assert(
      fc.property(
        fc.uniqueArray(name),
        fc.uniqueArray(name),
        fc.uniqueArray(name),
        fc.uniqueArray(name),
        (asked, observed, later, left) => {
          const found = new Set([...asked, ...later]);

          settleSweepFound(
            found,
            new Set(asked),
            new Map(observed.map((n) => [n, {}])),
            (n) => !(left as string[]).includes(n),
          );

          for (const n of [...asked, ...later]) {
            const forgotten = asked.includes(n) && (observed.includes(n) || left.includes(n));
            expect(found.has(n)).toBe(!forgotten);
          }
        },
      ),
    );
  });
});
