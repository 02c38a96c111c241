/**
 * A small HTTPS stand-in for the expanded listing of `GET /dedicated/server` and
 * `GET /dedicated/server/{serviceName}/task` (API-NOTES §5.6), for tests of the real official
 * client: it pages through the objects it is given when `X-Pagination-Mode` is sent, answers plain
 * ids otherwise, and lets a test replace any page's answer to corrupt it.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendJson, startHttpsServer, type TestServer } from './https-server.js';

/** One page as the stand-in would send it; a test may change any part. */
export interface PageAnswer {
  status: number;
  body: unknown;
  /** X-Pagination-Elements; undefined leaves the header out. */
  total: string | undefined;
}

/** What a page request asked for. */
export interface PageAsk {
  path: string;
  number: number;
  size: number;
  /** The query string of the request (task filters). */
  query: URLSearchParams;
}

export interface ExpandedServer {
  server: TestServer;
  /** The objects of each listed path, e.g. `/dedicated/server`. */
  lists: Map<string, unknown[]>;
  /** Rewrites the answer to a page (default: none). */
  tamper: ((ask: PageAsk, answer: PageAnswer) => PageAnswer) | null;
  /** When true, the stand-in ignores the paging headers and answers ids (an old endpoint). */
  ignoreHeaders: boolean;
}

function idOf(item: unknown): unknown {
  const object = item as { name?: unknown; taskId?: unknown };
  return object.name ?? object.taskId;
}

/** Starts the stand-in on 127.0.0.1:0. */
export async function startExpandedServer(): Promise<ExpandedServer> {
  const state: Omit<ExpandedServer, 'server'> = { lists: new Map(), tamper: null, ignoreHeaders: false };
  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    const url = new URL(req.url ?? '/', 'https://127.0.0.1');
    const path = url.pathname.replace(/^\/1\.0/, '');
    if (path === '/auth/time') return sendJson(res, 200, Math.floor(Date.now() / 1000));
    const list = state.lists.get(path);
    if (!list) return sendJson(res, 404, { message: `no route ${path}` });
    const filtered = list.filter((item) =>
      [...url.searchParams].every(([key, value]) => (item as Record<string, unknown>)[key] === value),
    );
    if (req.headers['x-pagination-mode'] !== 'CachedObjectList-Pages' || state.ignoreHeaders)
      return sendJson(res, 200, filtered.map(idOf));
    const number = Number(req.headers['x-pagination-number'] ?? 1);
    const size = Number(req.headers['x-pagination-size'] ?? 5000);
    const ask: PageAsk = { path, number, size, query: url.searchParams };
    let answer: PageAnswer = {
      status: 200,
      body: filtered.slice((number - 1) * size, number * size),
      total: String(filtered.length),
    };
    if (state.tamper) answer = state.tamper(ask, answer);
    sendJson(
      res,
      answer.status,
      answer.body,
      answer.total === undefined ? {} : { 'X-Pagination-Elements': answer.total },
    );
  };
  const server = await startHttpsServer(handler);
  return Object.assign(state, { server });
}
