import { describe, expect, it } from 'vitest';
import { ENTRIES, nestings, runChild } from './yaml-child.js';

describe('deeply nested YAML never takes the process down (issue 11, failure 6)', () => {
  it.each(ENTRIES)('%s: 1,000 then ~120,000 levels, in the same process', (entry) => {
    const inputs = [
      { entry, text: nestings.flowSeq(1000) },
      { entry, text: nestings.flowSeq(120_000) },
      { entry, text: nestings.compactSeq(1000) },
      { entry, text: nestings.compactSeq(120_000) },
      { entry, text: nestings.flowMap(1000) },
      { entry, text: nestings.flowMap(50_000) },
      { entry, text: nestings.unclosed(120_000) },
    ];

    const child = runChild(inputs);

    expect(child.stderr).not.toMatch(/FATAL|Maximum call stack/);
    expect({ status: child.status, signal: child.signal }).toEqual({ status: 0, signal: null });
    expect(child.results).toHaveLength(inputs.length);
    for (const result of child.results) expect(result.ok).toBe(false);
  });

  it('names the file, line, column and code of the nesting in a spec', () => {
    const { results } = runChild([{ entry: 'fleet', text: `apiVersion: x\n${nestings.flowSeq(120_000)}` }]);

    expect(results[0]!.diagnostics).toEqual([
      { code: 'yaml-too-deep', line: 2, column: 35, message: expect.stringMatching(/nested more than 64/) },
    ]);
  });

  it('a status record nested too deep is ignored with a warning that says why', () => {
    const { results } = runChild([{ entry: 'status', text: nestings.compactSeq(120_000) }]);

    expect(results[0]!.diagnostics).toEqual([
      expect.objectContaining({
        code: 'status-record-invalid',
        line: 2,
        column: 127,
        message: expect.stringMatching(/nested more than 64 levels/),
      }),
    ]);
  });

  it('the daemon configuration nested too deep is a configuration error with its line', () => {
    const { results } = runChild([{ entry: 'config', text: nestings.flowMap(1000) }]);

    expect(results[0]!.error).toMatch(/config\.yaml:1:.*nested more than 64 levels/);
  });
});
