import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderErrorsDoc } from '../../src/core/codes/errors-doc.js';
import { allCodes } from '../../src/core/codes/registry.js';

describe('docs/errors.md', () => {
  const page = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');

  it('is what the registry renders (run `npm run docs:errors` after changing a code)', () => {
    expect(page).toBe(renderErrorsDoc());
  });

  it('has exactly one entry per registered code', () => {
    const documented = [...page.matchAll(/^### `([^`]+)`$/gm)].map((m) => m[1]).sort();

    expect(documented).toEqual(allCodes());
  });
});
