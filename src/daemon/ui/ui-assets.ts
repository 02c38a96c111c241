/**
 * The dashboard's static files: the package's `ui/` folder (plain ES modules and CSS, shipped as
 * they are, no build step), read once into memory and served at `/ui/<name>`. Only the files
 * found there at the first request are served (no path ever reaches the filesystem), each with
 * a strong ETag so that browsers revalidate cheaply.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package's `ui/` folder (from src/daemon/ui and dist/daemon/ui alike). */
export const PACKAGE_UI_DIR = fileURLToPath(new URL('../../../ui/', import.meta.url));

/** One file served at `/ui/<name>`. */
export interface UiAsset {
  body: Buffer;
  contentType: string;
  etag: string;
}

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

/** A name the folder may serve: lower-case words, one known extension. */
const NAME = /^[a-z0-9][a-z0-9-]{0,63}\.(js|css|svg)$/;

/** The files of a folder by name, read once (a missing folder serves nothing). */
export class UiAssets {
  private loaded: Promise<ReadonlyMap<string, UiAsset>> | null = null;

  constructor(private readonly dir: string = PACKAGE_UI_DIR) {}

  /** The file, or undefined when the folder has none by that name. */
  async get(name: string): Promise<UiAsset | undefined> {
    if (!NAME.test(name)) return undefined;
    this.loaded ??= loadAssets(this.dir);
    return (await this.loaded).get(name);
  }

  /** The names of the JavaScript modules served, sorted (the page preloads them all). */
  async modules(): Promise<string[]> {
    this.loaded ??= loadAssets(this.dir);
    return [...(await this.loaded).keys()].filter((name) => name.endsWith('.js')).sort();
  }
}

async function loadAssets(dir: string): Promise<ReadonlyMap<string, UiAsset>> {
  const out = new Map<string, UiAsset>();
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return out;
  }
  for (const name of names) {
    if (!NAME.test(name)) continue;
    const body = await readFile(path.join(dir, name));
    const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`;
    out.set(name, { body, contentType: TYPES[path.extname(name)]!, etag });
  }
  return out;
}
