/**
 * The daemon says why the expanded server list was set aside once when it stops being usable, then
 * at most once an hour while it stays so, and once when it is usable again
 * (src/daemon/listing-notes.ts). Two reasons that alternate (found by a hostile review: they
 * logged a warning every cycle) are said once between them.
 */
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/core/logger.js';
import { ListingNotes, REPEAT_MS } from '../../src/daemon/listing-notes.js';

type Line = { level: string; msg: string; expandedReason?: string; otherReasonsMeanwhile?: string[] };

function capture(): { log: ReturnType<typeof createLogger>; lines: () => Line[] } {
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString('utf8');
      done();
    },
  });
  return {
    log: createLogger({ level: 'info' }, stream),
    lines: () =>
      text
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Line),
  };
}

const CYCLE = 2 * 60_000;
const ids = { expandedListing: 'unavailable' as const, expandedReason: 'the API answered ids' };
const refused = { expandedListing: 'unavailable' as const, expandedReason: 'the API refused page 1' };
const usable = { expandedListing: 'objects' as const, expandedReason: undefined };

describe('ListingNotes', () => {
  it('warns when the list stops being usable, and says once when it is used again', () => {
    const { log, lines } = capture();
    const notes = new ListingNotes();
    let now = 0;
    const cycle = (stats: Parameters<ListingNotes['note']>[0]): void =>
      notes.note(stats, log, (now += CYCLE));

    cycle(usable);
    cycle(ids);
    cycle(ids);
    cycle({ expandedListing: 'not-used', expandedReason: undefined });
    cycle(usable);
    cycle(usable);
    cycle(ids);

    expect(lines().map((l) => [l.level, l.expandedReason ?? l.msg])).toEqual([
      ['warn', 'the API answered ids'],
      ['info', 'the expanded server list is used again'],
      ['warn', 'the API answered ids'],
    ]);
  });

  it('says two alternating reasons once, then again after an hour with what else was seen', () => {
    const { log, lines } = capture();
    const notes = new ListingNotes();
    let now = 0;
    for (let i = 0; i < REPEAT_MS / CYCLE + 1; i++)
      notes.note(i % 2 === 0 ? ids : refused, log, (now += CYCLE));

    const warnings = lines().filter((l) => l.level === 'warn');
    expect(warnings.map((l) => l.expandedReason)).toEqual(['the API answered ids', 'the API answered ids']);
    expect(warnings[1]?.otherReasonsMeanwhile).toEqual(['the API refused page 1']);
  });
});
