import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createFileValidator } from '../../src/validate/file-validator.js';
import { generateSchemas } from '../../src/validate/generate-schemas.js';
import { fixtureCatalog, FIXTURE_META } from './helpers.js';
import { parsed } from './parse.js';

const dir = new URL('../fixtures/invalid/schema/', import.meta.url);
const cases = readdirSync(dir)
  .filter((f) => f.endsWith('.yaml'))
  .sort()
  .map((f) => {
    const text = readFileSync(new URL(f, dir), 'utf8');
    return [f, text, /^# expect: (.+)$/m.exec(text)?.[1] ?? '(no expect line)'] as const;
  });
const validate = createFileValidator(generateSchemas(fixtureCatalog(), FIXTURE_META));

describe('invalid corpus: schema cases', () => {
  it('has at least 20 cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(20);
  });

  it.each(cases)('%s', (file, text, expected) => {
    const out = validate(parsed(text, `servers/${file}`));

    expect(out.map((d) => `${d.code} ${d.line}:${d.column}`)).toEqual([expected]);
    expect(out[0]!.file).toBe(`servers/${file}`);
  });
});
