/**
 * Worker threads load built JavaScript. Run from dist/, a module's sibling `x.js` exists; run
 * from the TypeScript sources (vitest), it does not, and the built copy under dist/ is used when
 * the project has been built. Without either, callers stay in-thread.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The file URL of the built module for `url` (a `.js` URL next to the caller), or undefined. */
export function builtModuleUrl(url: URL): string | undefined {
  const file = fileURLToPath(url);
  if (existsSync(file)) return url.href;
  const marker = `${path.sep}src${path.sep}`;
  const at = file.lastIndexOf(marker);
  if (at < 0) return undefined;
  const built = `${file.slice(0, at)}${path.sep}dist${path.sep}${file.slice(at + marker.length)}`;
  return existsSync(built) ? pathToFileURL(built).href : undefined;
}
