/**
 * The dashboard's routes on the daemon's listener: `GET /` (the page) and `GET /ui/<file>` (its
 * static files), each with the security headers. Read-only: anything but GET and HEAD is 405.
 * Authentication is checked by the caller (http-server.ts) before these run.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DaemonStatus } from '../types.js';
import type { UiAssets } from './ui-assets.js';
import { UI_SECURITY_HEADERS } from './ui-headers.js';
import { renderPage } from './page.js';
import { SERVER_DETAIL_PREFIX } from './server-detail.js';

/** True for the paths that make the dashboard (and need its authentication and headers). */
export function isUiPath(pathname: string): boolean {
  return (
    pathname === '/' ||
    pathname.startsWith('/ui/') ||
    pathname === '/api/status' ||
    pathname === '/api/events' ||
    pathname.startsWith(SERVER_DETAIL_PREFIX)
  );
}

/** Answers `/` or `/ui/<file>`; false when the path is neither. */
export async function serveUi(
  req: IncomingMessage,
  res: ServerResponse,
  pathname: string,
  status: () => DaemonStatus,
  assets: UiAssets,
): Promise<boolean> {
  if (pathname === '/') {
    const { servers, ...rest } = status();
    const html = renderPage({ ...rest, serverCount: servers.length }, await assets.modules());
    res.writeHead(200, {
      ...UI_SECURITY_HEADERS,
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
    });
    res.end(req.method === 'HEAD' ? undefined : html);
    return true;
  }
  if (!pathname.startsWith('/ui/')) return false;
  const asset = await assets.get(pathname.slice('/ui/'.length));
  if (!asset) {
    sendUiError(res, 404, 'not found');
    return true;
  }
  const headers = {
    ...UI_SECURITY_HEADERS,
    'content-type': asset.contentType,
    'cache-control': 'no-cache',
    etag: asset.etag,
  };
  if (req.headers['if-none-match'] === asset.etag) {
    res.writeHead(304, headers);
    res.end();
    return true;
  }
  res.writeHead(200, { ...headers, 'content-length': String(asset.body.length) });
  res.end(req.method === 'HEAD' ? undefined : asset.body);
  return true;
}

/** A JSON error with the dashboard's headers. */
export function sendUiError(
  res: ServerResponse,
  code: number,
  error: string,
  headers: Record<string, string> = {},
): void {
  res.writeHead(code, {
    ...UI_SECURITY_HEADERS,
    'content-type': 'application/json',
    'cache-control': 'no-store',
    ...headers,
  });
  res.end(`${JSON.stringify({ error })}\n`);
}
