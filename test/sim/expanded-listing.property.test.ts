import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listExpanded } from '../../src/sim/expanded-listing.js';
import { readExpandedQuery, SERVER_MODEL } from '../../src/sim/expanded-query.js';
import { startSimulator, type RunningSimulator } from '../../src/sim/index.js';
import { call } from './sim-client.js';

/**
 * Property: for any list, page size, filters and sort, the pages of an expanded listing, read in
 * order until an empty one, are exactly the filtered and sorted list (checked against a
 * separate oracle), and every page's X-Pagination-Elements is its length. Once on the pure
 * module with many runs, once over HTTPS against the simulator with fewer.
 */

type Obj = Record<string, unknown>;
type Filter =
  | { field: string; op: 'eq' | 'ne' | 'lt' | 'gt'; value: string | number | boolean }
  | { field: string; op: 'in'; values: (string | number)[] }
  | { field: string; op: 'like'; kind: 'prefix' | 'infix'; text: string };

const DCS = ['gra3', 'rbx8', 'sbg5', 'bhs8', 'waw1'];
const OSES = ['debian12_64', 'rocky9_64', 'alma9_64', 'ubuntu2404-server_64'];

function filterArb(serverIds: fc.Arbitrary<number>, names: string[]): fc.Arbitrary<Filter> {
  const text = names.length > 0 ? fc.constantFrom(...names) : fc.constant('ns5');
  return fc.oneof(
    fc.record({
      field: fc.constant('datacenter'),
      op: fc.constantFrom('eq', 'ne', 'lt', 'gt'),
      value: fc.constantFrom(...DCS),
    }),
    fc.record({
      field: fc.constant('datacenter'),
      op: fc.constant('in'),
      values: fc.subarray(DCS, { minLength: 1 }),
    }),
    fc.record({
      field: fc.constant('serverId'),
      op: fc.constantFrom('eq', 'ne', 'lt', 'gt'),
      value: serverIds,
    }),
    fc.record({ field: fc.constant('monitoring'), op: fc.constantFrom('eq', 'ne'), value: fc.boolean() }),
    fc.record({ field: fc.constant('os'), op: fc.constantFrom('eq', 'ne'), value: fc.constantFrom(...OSES) }),
    fc.record({
      field: fc.constant('os'),
      op: fc.constant('in'),
      values: fc.subarray(OSES, { minLength: 1 }),
    }),
    fc.record({
      field: fc.constant('name'),
      op: fc.constant('like'),
      kind: fc.constantFrom('prefix', 'infix'),
      text: fc
        .tuple(text, fc.nat(), fc.nat())
        .map(([n, a, b]) => n.slice(Math.min(a, b) % 8, (Math.min(a, b) % 8) + 1 + (Math.max(a, b) % 6))),
    }),
  ) as fc.Arbitrary<Filter>;
}

function header(filter: Filter): string {
  if (filter.op === 'in')
    return `${filter.field}:in=${filter.values.map((v) => encodeURIComponent(String(v))).join(',')}`;
  if (filter.op === 'like') {
    const pattern = filter.kind === 'prefix' ? `${filter.text}%` : `%${filter.text}%`;
    return `${filter.field}:like=${encodeURIComponent(pattern)}`;
  }
  return `${filter.field}:${filter.op}=${encodeURIComponent(String(filter.value))}`;
}

/** The oracle: what the filter keeps, written independently of the simulator's code. */
function keeps(filter: Filter, object: Obj): boolean {
  const v = object[filter.field] as string | number | boolean | null;
  if (filter.op === 'ne') return v === null || v !== filter.value;
  if (v === null) return false;
  switch (filter.op) {
    case 'eq':
      return v === filter.value;
    case 'lt':
      return v < filter.value;
    case 'gt':
      return v > filter.value;
    case 'in':
      return filter.values.includes(v as string | number);
    case 'like':
      return filter.kind === 'prefix' ? String(v).startsWith(filter.text) : String(v).includes(filter.text);
  }
}

interface Sort {
  field: 'serverId' | 'datacenter' | 'os' | 'name';
  order: 'ASC' | 'DESC';
}

/** The oracle's sort: nulls lowest, ties in list order in both directions. */
function oracle(objects: Obj[], filters: Filter[], sort: Sort | null): string[] {
  const kept = objects.map((o, i) => ({ o, i })).filter(({ o }) => filters.every((f) => keeps(f, o)));
  if (sort) {
    const sign = sort.order === 'DESC' ? -1 : 1;
    const key = (o: Obj): string | number | null => o[sort.field] as string | number | null;
    kept.sort((a, b) => {
      const x = key(a.o);
      const y = key(b.o);
      const c = x === y ? 0 : x === null ? -1 : y === null ? 1 : x < y ? -1 : 1;
      return c !== 0 ? sign * c : a.i - b.i;
    });
  }
  return kept.map(({ o }) => o['name'] as string);
}

const sortArb: fc.Arbitrary<Sort | null> = fc.option(
  fc.record({
    field: fc.constantFrom('serverId', 'datacenter', 'os', 'name') as fc.Arbitrary<Sort['field']>,
    order: fc.constantFrom('ASC', 'DESC') as fc.Arbitrary<Sort['order']>,
  }),
);

function requestHeaders(
  filters: Filter[],
  sort: Sort | null,
  size: number,
  number: number,
): Record<string, string> {
  return {
    'x-pagination-mode': 'CachedObjectList-Pages',
    'x-pagination-size': String(size),
    'x-pagination-number': String(number),
    ...(filters.length > 0 ? { 'x-pagination-filter': filters.map(header).join('&') } : {}),
    ...(sort ? { 'x-pagination-sort': sort.field, 'x-pagination-sort-order': sort.order } : {}),
  };
}

const objectArb: fc.Arbitrary<Obj[]> = fc
  .array(
    fc.record({
      datacenter: fc.constantFrom(...DCS),
      serverId: fc.integer({ min: 1, max: 30 }),
      monitoring: fc.boolean(),
      os: fc.option(fc.constantFrom(...OSES)),
      word: fc.stringMatching(/^[a-z0-9.-]{0,6}$/),
    }),
    { maxLength: 40 },
  )
  .map((items) => items.map(({ word, ...rest }, i) => ({ name: `ns${5_000_000 + i}.${word}`, ...rest })));

describe('expanded listing pages (property)', () => {
  it('on the pure module: the pages are the oracle list, in order, and the total its length', () => {
    fc.assert(
      fc.property(
        objectArb.chain((objects) =>
          fc.tuple(
            fc.constant(objects),
            fc.array(
              filterArb(
                fc.integer({ min: 0, max: 31 }),
                objects.map((o) => o['name'] as string),
              ),
              { maxLength: 3 },
            ),
            sortArb,
            fc.integer({ min: 1, max: 12 }),
          ),
        ),
        ([objects, filters, sort, size]) => {
          const expected = oracle(objects, filters, sort);
          const seen: string[] = [];
          for (let number = 1; ; number++) {
            const headers = requestHeaders(filters, sort, size, number);
            const query = readExpandedQuery(SERVER_MODEL, (name) => headers[name], 10_000);
            if (!query) throw new Error('the expanded mode header was not read');
            const page = listExpanded(objects, query);
            expect(page.total).toBe(expected.length);
            if (page.objects.length === 0) break;
            expect(page.objects.length).toBeLessThanOrEqual(size);
            seen.push(...page.objects.map((o) => o['name'] as string));
          }
          expect(seen).toEqual(expected);
        },
      ),
      { numRuns: 300 },
    );
  });

  describe('over HTTPS against the simulator', () => {
    let sim: RunningSimulator;
    beforeAll(async () => {
      sim = await startSimulator({ servers: 25, seed: 7, faults: { expandedCacheMs: 0 } });
    });
    afterAll(() => sim.close());

    it('the union of all pages equals the filtered id list in order, X-Pagination-Elements its length', async () => {
      const account = sim.control.account();
      const names = account.map((s) => s.server.name);
      const serverIds = account.map((s) => s.server.serverId);
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.tuple(fc.nat(24), fc.constantFrom(...OSES), fc.boolean()), { maxLength: 6 }),
          fc.array(filterArb(fc.constantFrom(...serverIds), names), { maxLength: 2 }),
          sortArb,
          fc.integer({ min: 1, max: 9 }),
          async (patches, filters, sort, size) => {
            for (const [index, os, monitoring] of patches)
              sim.control.updateServer(names[index] as string, { os, monitoring });
            const ids = (await call(sim, 'GET', '/dedicated/server')).body as string[];
            const current = new Map(sim.control.account().map((s) => [s.server.name, s.server]));
            const objects = ids.map((id) => current.get(id) as unknown as Obj);
            const expected = oracle(objects, filters, sort);

            const seen: string[] = [];
            for (let number = 1; ; number++) {
              const answer = await call(sim, 'GET', '/dedicated/server', {
                headers: requestHeaders(filters, sort, size, number),
              });
              expect(answer.status).toBe(200);
              expect(answer.headers['x-pagination-elements']).toBe(String(expected.length));
              const page = answer.body as Obj[];
              if (page.length === 0) break;
              seen.push(...page.map((o) => o['name'] as string));
            }
            expect(seen).toEqual(expected);
          },
        ),
        { numRuns: 20 },
      );
    });
  });
});
