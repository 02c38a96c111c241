/**
 * Properties of the expanded-listing checks (src/ovh/expanded-listing.ts), over an in-memory
 * paging API: for any list and page size the objects come back complete and in order, and any
 * single corruption of one page (object missing, extra, duplicated or malformed, a changed or
 * absent total, ids instead of objects, headers lost) gives `unavailable`, never `objects`.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeTask } from '../../src/ovh/answer-guards.js';
import { collectExpanded, type ExpandedPage, type ExpandedResult } from '../../src/ovh/expanded-listing.js';
import type { ServerTask } from '../../src/ovh/types.js';
import { TASK } from './helpers/answers.js';

type Corruption =
  | { kind: 'drop'; index: number }
  | { kind: 'extra' }
  | { kind: 'duplicate'; index: number; from: number }
  | { kind: 'malform'; index: number }
  | { kind: 'total'; delta: number }
  | { kind: 'no-total' }
  | { kind: 'ids' }
  | { kind: 'headers-lost' };

const arbCorruption: fc.Arbitrary<Corruption> = fc.oneof(
  fc.record({ kind: fc.constant('drop' as const), index: fc.nat() }),
  fc.constant({ kind: 'extra' as const }),
  fc.record({ kind: fc.constant('duplicate' as const), index: fc.nat(), from: fc.nat() }),
  fc.record({ kind: fc.constant('malform' as const), index: fc.nat() }),
  fc.record({
    kind: fc.constant('total' as const),
    delta: fc.integer({ min: -3, max: 3 }).filter((d) => d !== 0),
  }),
  fc.constant({ kind: 'no-total' as const }),
  fc.constant({ kind: 'ids' as const }),
  fc.constant({ kind: 'headers-lost' as const }),
);

/** Tasks with distinct ids, shaped like the API's. */
const arbTasks = fc
  .uniqueArray(fc.integer({ min: 1, max: 1_000_000 }), { maxLength: 40 })
  .map((ids) => ids.map((taskId) => ({ ...TASK, taskId })));

/** The page `number` of `list` at `size` a page, as an honest API sends it. */
function honestPage(list: readonly unknown[], number: number, size: number): ExpandedPage {
  return {
    body: list.slice((number - 1) * size, number * size),
    requestHeadersSent: true,
    total: String(list.length),
  };
}

/** `page` with `corruption` applied; undefined when it cannot apply to this page (e.g. it is empty). */
function corrupt(
  page: ExpandedPage,
  corruption: Corruption,
  list: readonly { taskId: number }[],
): ExpandedPage | undefined {
  const body = [...(page.body as { taskId: number }[])];
  switch (corruption.kind) {
    case 'drop':
      if (body.length === 0) return undefined;
      body.splice(corruption.index % body.length, 1);
      return { ...page, body };
    case 'extra':
      return { ...page, body: [...body, { ...TASK, taskId: 0 }] };
    case 'duplicate': {
      if (list.length < 2 || body.length === 0) return undefined;
      const target = corruption.index % body.length;
      const original = body[target] as { taskId: number };
      const others = list.filter((t) => t.taskId !== original.taskId);
      body[target] = others[corruption.from % others.length] as { taskId: number };
      return { ...page, body };
    }
    case 'malform':
      if (body.length === 0) return undefined;
      body[corruption.index % body.length] = {
        ...body[corruption.index % body.length],
        status: 'sideways',
      } as { taskId: number };
      return { ...page, body };
    case 'total': {
      const total = Number(page.total) + corruption.delta;
      return total < 0 ? undefined : { ...page, total: String(total) };
    }
    case 'no-total': {
      const { total: _dropped, ...rest } = page;
      return rest;
    }
    case 'ids':
      return body.length === 0 ? undefined : { ...page, body: body.map((t) => t.taskId) };
    case 'headers-lost':
      return { ...page, requestHeadersSent: false };
  }
}

function list(
  tasks: readonly unknown[],
  pageSize: number,
  change?: (number: number, page: ExpandedPage) => ExpandedPage,
): Promise<ExpandedResult<ServerTask>> {
  return collectExpanded({
    pageSize,
    fetchPage: (number) => {
      const page = honestPage(tasks, number, pageSize);
      return Promise.resolve({ kind: 'page', page: change ? change(number, page) : page });
    },
    decode: decodeTask,
    idOf: (task) => task.taskId,
  });
}

describe('expanded listing checks (properties)', () => {
  it('brings back every object, in order, for any list and page size', async () => {
    await fc.assert(
      fc.asyncProperty(arbTasks, fc.integer({ min: 1, max: 12 }), async (tasks, pageSize) => {
        const result = await list(tasks, pageSize);

        expect(result.kind).toBe('objects');
        expect(result.kind === 'objects' && result.objects.map((t) => t.taskId)).toEqual(
          tasks.map((t) => t.taskId),
        );
      }),
    );
  });

  it('never answers objects when one page is corrupted', async () => {
    await fc.assert(
      fc.asyncProperty(
        arbTasks,
        fc.integer({ min: 1, max: 12 }),
        fc.nat(),
        arbCorruption,
        async (tasks, pageSize, pick, corruption) => {
          const pages = Math.max(1, Math.ceil(tasks.length / pageSize));
          const target = (pick % pages) + 1;
          fc.pre(corrupt(honestPage(tasks, target, pageSize), corruption, tasks) !== undefined);

          const result = await list(tasks, pageSize, (number, page) =>
            number === target ? (corrupt(page, corruption, tasks) as ExpandedPage) : page,
          );

          expect(result.kind).toBe('unavailable');
        },
      ),
      { numRuns: 500 },
    );
  });
});
