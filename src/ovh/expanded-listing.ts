/**
 * Expanded listing (API-NOTES §5.6): `X-Pagination-Mode: CachedObjectList-Pages` turns an id-list
 * GET into pages of full objects, with the total in `X-Pagination-Elements`. This module builds
 * the request headers of a page and checks every page before any object is used (count against
 * the total, decoding, duplicate ids, a total that changes, the filter asked for): a list that
 * is not proven complete and consistent is `unavailable`, with the reason, and the caller falls
 * back to per-object calls. Nothing here throws for a bad answer; only the page fetch may throw
 * (transport failures, as other reads do).
 */
import { DecodeError, type Decoder } from './decode.js';
import { PAGINATION_MODE_HEADER } from './request-counts.js';

/** What OVHcloud's control panel asks for (API-NOTES §5.6). */
export const EXPANDED_PAGE_SIZE = 5_000;
export const PAGINATION_MODE = 'CachedObjectList-Pages';
/** The response header with the number of objects in the whole list. */
export const PAGINATION_ELEMENTS_HEADER = 'x-pagination-elements';

/** One page as the transport brought it back. */
export interface ExpandedPage {
  body: unknown;
  /** False when the paging headers did not go out with the request (see response-capture.ts). */
  requestHeadersSent: boolean;
  /** The `X-Pagination-Elements` header, as received. */
  total?: string;
}

/** A page, or the reason there is none that can be used (e.g. the API refused the headers). */
export type PageFetch = { kind: 'page'; page: ExpandedPage } | { kind: 'unavailable'; reason: string };

/** How to list one collection. */
export interface ExpandedListing<T> {
  pageSize: number;
  /** Fetches page `number` (from 1). May throw what a read throws. */
  fetchPage(number: number): Promise<PageFetch>;
  decode: Decoder<T>;
  /** The object's id (serviceName, taskId); two objects with one id make the list unusable. */
  idOf(item: T): string | number;
  /** Why an object does not belong to what was asked (a filter it fails), or null. */
  mismatch?(item: T): string | null;
}

/** The checked list, or why there is none. */
export type ExpandedResult<T> = { kind: 'objects'; objects: T[] } | { kind: 'unavailable'; reason: string };

/** The request headers of page `number` (from 1). */
export function pagingHeaders(
  number: number,
  pageSize: number,
  fresh: boolean,
  filter?: string,
): Record<string, string> {
  return {
    [PAGINATION_MODE_HEADER]: PAGINATION_MODE,
    'X-Pagination-Size': String(pageSize),
    'X-Pagination-Number': String(number),
    ...(filter ? { 'X-Pagination-Filter': filter } : {}),
    ...(fresh ? { Pragma: 'no-cache' } : {}),
  };
}

/** Fetches and checks every page; objects come back in the API's order. */
export async function collectExpanded<T>(listing: ExpandedListing<T>): Promise<ExpandedResult<T>> {
  const objects: T[] = [];
  const seen = new Set<string | number>();
  let total: number | undefined;
  // Pages until one that is not full: when the total is an exact multiple of the page size, one
  // more (empty) page proves the list ends there. Stopping at the total alone would trust a total
  // too small by a page's worth, read on page 1 only.
  for (let number = 1; total === undefined || number <= Math.floor(total / listing.pageSize) + 1; number++) {
    const fetched = await listing.fetchPage(number);
    if (fetched.kind === 'unavailable') return fetched;
    const checked = checkPage(listing, fetched.page, number, total);
    if (checked.kind === 'unavailable') return checked;
    total = checked.total;
    for (const item of checked.items) {
      const id = listing.idOf(item);
      if (seen.has(id))
        return unavailable(
          `id ${JSON.stringify(id)} appears twice (page ${number}): the list changed between pages or repeats objects`,
        );
      seen.add(id);
      const mismatch = listing.mismatch?.(item) ?? null;
      if (mismatch !== null)
        return unavailable(`id ${JSON.stringify(id)} (page ${number}) is not what was asked: ${mismatch}`);
      objects.push(item);
    }
  }
  return { kind: 'objects', objects };
}

type CheckedPage<T> = { kind: 'page'; items: T[]; total: number } | { kind: 'unavailable'; reason: string };

/** Checks one page against the paging protocol and the decoder. */
function checkPage<T>(
  listing: ExpandedListing<T>,
  page: ExpandedPage,
  number: number,
  knownTotal: number | undefined,
): CheckedPage<T> {
  const where = `page ${number}`;
  if (!Array.isArray(page.body)) return unavailable(`${where} is not a list (${kindOf(page.body)})`);
  const body: unknown[] = page.body;
  const scalar = body.find((item) => typeof item !== 'object' || item === null || Array.isArray(item));
  if (scalar !== undefined || !page.requestHeadersSent) {
    if (!page.requestHeadersSent)
      return unavailable(
        `the paging headers could not be set on the request (the official client's request ran outside the capture's context), so the API answered a plain list`,
      );
    return typeof scalar === 'number' || typeof scalar === 'string'
      ? unavailable(`the API answered ids, not objects (it ignored ${PAGINATION_MODE_HEADER})`)
      : unavailable(`${where} holds ${kindOf(scalar)} where objects were expected`);
  }
  const total = parseCount(page.total);
  if (total === undefined)
    return unavailable(
      page.total === undefined
        ? `${where} has no X-Pagination-Elements header`
        : `${where}: X-Pagination-Elements ${JSON.stringify(page.total)} is not a count`,
    );
  if (knownTotal !== undefined && total !== knownTotal)
    return unavailable(`the total changed between pages: ${knownTotal} on page 1, ${total} on ${where}`);
  const expected = Math.max(0, Math.min(listing.pageSize, total - (number - 1) * listing.pageSize));
  if (body.length > expected)
    return unavailable(
      `${where} has ${body.length} objects, more than the ${expected} expected from X-Pagination-Elements ${total}`,
    );
  if (body.length < expected)
    return unavailable(
      `${where} has ${body.length} objects, fewer than the ${expected} expected from X-Pagination-Elements ${total}`,
    );
  const items: T[] = [];
  for (const [index, raw] of body.entries()) {
    try {
      items.push(listing.decode(raw, `[${index}]`));
    } catch (error) {
      if (!(error instanceof DecodeError)) throw error;
      return unavailable(`${where}, object ${index} is malformed: ${error.message}`);
    }
  }
  return { kind: 'page', items, total };
}

function parseCount(value: string | undefined): number | undefined {
  if (value === undefined || !/^\d{1,15}$/.test(value.trim())) return undefined;
  return Number(value.trim());
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return `a ${typeof value}`;
}

function unavailable(reason: string): { kind: 'unavailable'; reason: string } {
  return { kind: 'unavailable', reason };
}
