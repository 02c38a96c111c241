/**
 * Serves the expanded form of the two list routes OVHcloud's schema marks `x-expanded-response`
 * (`GET /dedicated/server` and `GET /dedicated/server/{serviceName}/task`, API-NOTES §5.6): reads
 * the query from the headers, answers from the cached object list (or a fresh one), filters,
 * sorts, pages, applies the `expandedAnswer` fault and sets the `X-Pagination-*` answer headers.
 */
import type { ExpandedAnswerFault, ExpandedObject } from './expanded-listing.js';
import { filterAndSort, spoilPage } from './expanded-listing.js';
import { readExpandedQuery, type ExpandedModel, type HeaderReader } from './expanded-query.js';
import type { ObjectListCache } from './object-list-cache.js';

/** What the expanded routes need from the simulator. */
export interface ExpandedContext {
  cache: ObjectListCache;
  /** The settings in force (FaultConfig's `expanded*` fields), read on every request. */
  settings: () => { cacheMs: number; pageSizeLimit: number; answer: ExpandedAnswerFault };
}

/** The request as the expanded routes see it. */
export interface ExpandedRequest {
  header: HeaderReader;
  consumerKey: string | null;
  /** The list path without query, the cache key with the consumer key. */
  listPath: string;
}

/** A 200 answer with its pagination headers. */
export interface ExpandedAnswer {
  status: 200;
  body: ExpandedObject[];
  headers: Record<string, string>;
}

/**
 * The expanded answer, or null when the plain id list must be answered (no `X-Pagination-Mode`,
 * or the `ids` fault: an endpoint that ignores the header). Throws SimHttpError 400 for a bad
 * query. `take` returns copies of every object of the list, in the id list's order, at `now`;
 * `keep` applies the route's own query-string filters (e.g. `function`, `status` of the task list).
 */
export function answerExpanded(
  expanded: ExpandedContext,
  request: ExpandedRequest,
  now: number,
  model: ExpandedModel,
  take: () => ExpandedObject[],
  keep: (object: ExpandedObject) => boolean = () => true,
): ExpandedAnswer | null {
  const settings = expanded.settings();
  if (settings.answer === 'ids') return null;
  const query = readExpandedQuery(model, request.header, settings.pageSizeLimit);
  if (!query) return null;
  const snapshot = expanded.cache.snapshot(
    { consumerKey: request.consumerKey, listPath: request.listPath },
    now,
    settings.cacheMs,
    query.noCache,
    take,
  );
  const list = filterAndSort(snapshot.objects.filter(keep), query);
  const page = spoilPage(model, settings.answer, list, query);
  return {
    status: 200,
    body: page.objects,
    headers: {
      'X-Pagination-Elements': String(page.total),
      'X-Pagination-Number': String(query.number),
      'X-Pagination-Size': String(query.size),
    },
  };
}
