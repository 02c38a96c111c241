/**
 * The dashboard's browser files ship: package.json `files` and the Dockerfile's runtime stage
 * include `ui/`, the page's script and stylesheet exist there, and every module the scripts
 * import is in the folder (a missing one would only show in a browser).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PACKAGE_UI_DIR } from '../../../src/daemon/ui/ui-assets.js';
import { renderPage } from '../../../src/daemon/ui/page.js';

const root = new URL('../../../', import.meta.url);

describe('the dashboard files', () => {
  it('are in the npm package and in the container image', () => {
    const pkg = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as { files: string[] };
    expect(pkg.files).toContain('ui');
    const runtime =
      readFileSync(new URL('Dockerfile', root), 'utf8')
        .split(/^FROM /m)
        .at(-1) ?? '';
    expect(runtime).toMatch(/^COPY ui \.\/ui$/m);
  });

  it('hold what the page and the modules load', () => {
    const names = new Set(readdirSync(PACKAGE_UI_DIR));
    const page = renderPage({
      ready: true,
      head: null,
      block: null,
      lastCycle: null,
      lastGoodCycleAt: null,
      tasksInFlight: 0,
      serverCount: 0,
    });
    for (const [, file] of page.matchAll(/(?:src|href)="\/ui\/([^"]+)"/g)) expect(names).toContain(file);
    for (const name of names) {
      if (!name.endsWith('.js')) continue;
      const text = readFileSync(`${PACKAGE_UI_DIR}${name}`, 'utf8');
      for (const [, file] of text.matchAll(/from '\.\/([^']+)'/g))
        expect(names, `${name} imports ${file}`).toContain(file);
    }
  });

  it('never build markup from text (no innerHTML, no inline handlers, no eval)', () => {
    for (const name of readdirSync(PACKAGE_UI_DIR).filter((n) => n.endsWith('.js'))) {
      const text = readFileSync(`${PACKAGE_UI_DIR}${name}`, 'utf8');
      expect(text, name).not.toMatch(
        /innerHTML|outerHTML|insertAdjacentHTML|document\.write|\beval\(|new Function/,
      );
    }
  });
});
