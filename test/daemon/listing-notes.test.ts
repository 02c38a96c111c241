/**
 * The daemon says why the expanded server list was set aside once per distinct reason, not every
 * cycle, and once when the list is usable again (src/daemon/listing-notes.ts).
 */
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/core/logger.js';
import { ListingNotes } from '../../src/daemon/listing-notes.js';

function capture(): {
  log: ReturnType<typeof createLogger>;
  lines: () => { level: string; msg: string; expandedReason?: string }[];
} {
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString('utf8');
      done();
    },
  });
  const log = createLogger({ level: 'info' }, stream);
  return {
    log,
    lines: () =>
      text
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as { level: string; msg: string; expandedReason?: string }),
  };
}

describe('ListingNotes', () => {
  it('warns once per reason, and says once when the list is used again', () => {
    const { log, lines } = capture();
    const notes = new ListingNotes();
    const ids = { expandedListing: 'unavailable' as const, expandedReason: 'the API answered ids' };

    notes.note({ expandedListing: 'objects', expandedReason: undefined }, log);
    notes.note(ids, log);
    notes.note(ids, log);
    notes.note(ids, log);
    notes.note({ expandedListing: 'unavailable', expandedReason: 'a page held 3 servers twice' }, log);
    notes.note({ expandedListing: 'not-used', expandedReason: undefined }, log);
    notes.note({ expandedListing: 'objects', expandedReason: undefined }, log);
    notes.note({ expandedListing: 'objects', expandedReason: undefined }, log);
    notes.note(ids, log);

    expect(lines().map((l) => [l.level, l.expandedReason ?? l.msg])).toEqual([
      ['warn', 'the API answered ids'],
      ['warn', 'a page held 3 servers twice'],
      ['info', 'the expanded server list is used again'],
      ['warn', 'the API answered ids'],
    ]);
  });
});
