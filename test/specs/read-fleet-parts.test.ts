/**
 * The plain parts readFleet is made of: duplicate detection across files, and the loop that
 * yields to the event loop (test/specs/read-fleet*.test.ts and parallel-read.test.ts cover the
 * whole read, the cache and the worker pool over real repositories).
 */
import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../src/core/diagnostic.js';
import { checkDuplicates, type FileResult } from '../../src/specs/duplicates.js';
import type { ServerSpec } from '../../src/specs/types.js';
import { forEachYielding, YIELD_EVERY } from '../../src/specs/yield-loop.js';

function valid(file: string, serviceName: string): FileResult {
  const spec = { file, serviceName } as ServerSpec;
  return { file, result: { spec, serviceName, diagnostics: [], references: [] } };
}

describe('checkDuplicates', () => {
  it('makes every file of a shared serviceName invalid, naming the others; the rest stay as they are', () => {
    const diagnostics: Diagnostic[] = [];
    const results = [
      valid('servers/a.yaml', 'ns1.eu'),
      valid('servers/b.yaml', 'ns2.eu'),
      valid('servers/c.yaml', 'ns1.eu'),
      { file: 'servers/d.yaml', result: { diagnostics: [], references: [], serviceName: 'ns3.eu' } },
      { file: 'servers/e.yaml', result: undefined },
    ];

    const { specs, invalid } = checkDuplicates(results, diagnostics);

    expect(specs.map((s) => s.file)).toEqual(['servers/b.yaml']);
    expect(invalid).toEqual([
      { file: 'servers/a.yaml', serviceName: 'ns1.eu' },
      { file: 'servers/c.yaml', serviceName: 'ns1.eu' },
      { file: 'servers/d.yaml', serviceName: 'ns3.eu' },
      { file: 'servers/e.yaml', serviceName: undefined },
    ]);
    expect(diagnostics.map((d) => [d.file, d.code, d.message])).toEqual([
      [
        'servers/a.yaml',
        'duplicate-service-name',
        'serviceName ns1.eu is also declared by servers/c.yaml; both files are invalid',
      ],
      [
        'servers/c.yaml',
        'duplicate-service-name',
        'serviceName ns1.eu is also declared by servers/a.yaml; both files are invalid',
      ],
    ]);
  });
});

describe('forEachYielding', () => {
  it('visits every item in order and lets the event loop run between chunks', async () => {
    const items = Array.from({ length: YIELD_EVERY * 2 + 1 }, (_, i) => i);
    const seen: number[] = [];
    const turns: number[] = [];
    const timer = setImmediate(() => turns.push(seen.length));

    await forEachYielding(items, (item, index) => {
      expect(index).toBe(item);
      seen.push(item);
    });
    clearImmediate(timer);

    expect(seen).toEqual(items);
    expect(turns).toEqual([YIELD_EVERY]);
  });
});
