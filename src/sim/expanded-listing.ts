/**
 * The answer side of expanded listing (API-NOTES §5.6): filters, sorts and pages a list of full
 * objects for an {@link ExpandedQuery}, and spoils a page on purpose for the `expandedAnswer`
 * fault (so the adapter's fallback can be tested). Pure: the objects come from the caller (a
 * snapshot of the object-list cache), nothing here reads state or a clock.
 *
 * Simulator choices where OVHcloud's behaviour is not recorded (docs/simulator.md): a null field
 * matches only `ne`; `like` is case-sensitive and only `%` is a wildcard; nulls sort first in ASC
 * and last in DESC; ties keep the order of the plain id list in both orders.
 */
import type { ExpandedFilter, ExpandedModel, ExpandedQuery } from './expanded-query.js';

/** A full object as the per-object GET answers it. */
export type ExpandedObject = Record<string, unknown>;

/** Views a model object (an interface without index signature) as an {@link ExpandedObject}. */
export function asExpandedObject(value: object): ExpandedObject {
  return value as ExpandedObject;
}

/** One page of an expanded listing. */
export interface ExpandedPage {
  objects: ExpandedObject[];
  /** `X-Pagination-Elements`: the number of objects after filters, on every page. */
  total: number;
}

/** How the `expandedAnswer` fault spoils expanded answers; `faithful` = no fault. */
export type ExpandedAnswerFault =
  | 'faithful'
  | 'ids'
  | 'missing-object'
  | 'extra-object'
  | 'malformed-object'
  | 'wrong-total'
  | 'shifting-list';

/** Every value of {@link ExpandedAnswerFault}. */
export const EXPANDED_ANSWER_FAULTS: readonly ExpandedAnswerFault[] = [
  'faithful',
  'ids',
  'missing-object',
  'extra-object',
  'malformed-object',
  'wrong-total',
  'shifting-list',
];

function likeRegExp(pattern: string): RegExp {
  const body = pattern
    .split('%')
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${body}$`, 's');
}

function compare(a: unknown, b: unknown): number {
  if (a === b) return 0;
  if (a === null || a === undefined) return -1;
  if (b === null || b === undefined) return 1;
  return (a as string | number) < (b as string | number) ? -1 : 1;
}

/** Whether one object passes one filter. */
export function matchesFilter(object: ExpandedObject, filter: ExpandedFilter): boolean {
  const value = object[filter.field];
  if (value === null || value === undefined) return filter.op === 'ne';
  const [first] = filter.values;
  switch (filter.op) {
    case 'eq':
      return value === first;
    case 'ne':
      return value !== first;
    case 'lt':
      return compare(value, first) < 0;
    case 'gt':
      return compare(value, first) > 0;
    case 'like':
      return typeof value === 'string' && likeRegExp(String(first)).test(value);
    case 'in':
      return filter.values.includes(value as string | number | boolean);
  }
}

/** Filters (every filter must pass) and sorts, without paging: the whole list the pages cut. */
export function filterAndSort(objects: readonly ExpandedObject[], query: ExpandedQuery): ExpandedObject[] {
  const kept = objects.filter((o) => query.filters.every((f) => matchesFilter(o, f)));
  const sort = query.sort;
  if (!sort) return kept;
  const sign = sort.order === 'DESC' ? -1 : 1;
  // Array.prototype.sort is stable: ties keep the plain list's order, in DESC too.
  return kept.sort((a, b) => sign * compare(a[sort.field], b[sort.field]));
}

/** Cuts page `query.number` of `query.size` objects out of the filtered, sorted list. */
export function pageOf(list: readonly ExpandedObject[], query: ExpandedQuery): ExpandedPage {
  const start = (query.number - 1) * query.size;
  return { objects: list.slice(start, start + query.size), total: list.length };
}

/** Filters, sorts and pages; see {@link filterAndSort} and {@link pageOf}. */
export function listExpanded(objects: readonly ExpandedObject[], query: ExpandedQuery): ExpandedPage {
  return pageOf(filterAndSort(objects, query), query);
}

/** A copy of `object` that is not in the account: its id changed to one nobody has. */
function phantomOf(model: ExpandedModel, object: ExpandedObject): ExpandedObject {
  const id = object[model.idField];
  const phantomId = typeof id === 'number' ? 1 : 'ns0000000.ip-0-0-0.eu';
  return { ...structuredClone(object), [model.idField]: phantomId };
}

/**
 * The page the `expandedAnswer` fault makes of a faithful one (`ids` is handled by the caller):
 * - `missing-object`: the middle object of the page is left out, the total still counts it;
 * - `extra-object`: an object whose id is in no list is added at the end of a non-empty page;
 * - `malformed-object`: the first object loses its id and its other fields turn into numbers;
 * - `wrong-total`: `X-Pagination-Elements` is one more than the list;
 * - `shifting-list`: from page 2 on, the list is cut as if its first object had disappeared
 *   since page 1 (offset paging then skips one object, and the total drops by one).
 */
export function spoilPage(
  model: ExpandedModel,
  fault: ExpandedAnswerFault,
  list: readonly ExpandedObject[],
  query: ExpandedQuery,
): ExpandedPage {
  const page = pageOf(list, query);
  const objects = page.objects;
  switch (fault) {
    case 'missing-object':
      return {
        ...page,
        objects: objects.filter((_, i) => i !== Math.floor(objects.length / 2)),
      };
    case 'extra-object': {
      // Only on non-empty pages: a client reading until an empty page must still get one.
      const [template] = objects;
      return template ? { ...page, objects: [...objects, phantomOf(model, template)] } : page;
    }
    case 'malformed-object': {
      const [first, ...rest] = objects;
      if (!first) return page;
      const broken: ExpandedObject = Object.fromEntries(
        Object.keys(first)
          .filter((k) => k !== model.idField)
          .map((k) => [k, 42]),
      );
      return { ...page, objects: [broken, ...rest] };
    }
    case 'wrong-total':
      return { ...page, total: page.total + 1 };
    case 'shifting-list':
      return query.number >= 2 ? pageOf(list.slice(1), query) : page;
    case 'faithful':
    case 'ids':
      return page;
  }
}
