/**
 * The check across files of a fleet: a serviceName declared by two files makes both invalid
 * (neither is applied), each with a diagnostic naming the other files.
 */
import type { Diagnostic } from '../core/diagnostic.js';
import type { BuildResult } from './build-spec.js';
import type { InvalidSpec, ParsedFile, ServerSpec } from './types.js';

/** What reading one server file gave: its parsed form and built result (undefined if unreadable). */
export interface FileResult {
  file: string;
  parsed?: ParsedFile;
  result: BuildResult | undefined;
}

/** Splits the results into valid specs and invalid files; duplicates' diagnostics go to `diagnostics`. */
export function checkDuplicates(
  results: readonly FileResult[],
  diagnostics: Diagnostic[],
): { specs: ServerSpec[]; invalid: InvalidSpec[] } {
  const byName = new Map<string, string[]>();
  for (const { file, result } of results) {
    const name = result?.serviceName;
    if (name === undefined) continue;
    const files = byName.get(name);
    if (files) files.push(file);
    else byName.set(name, [file]);
  }
  const specs: ServerSpec[] = [];
  const invalid: InvalidSpec[] = [];
  for (const { file, parsed, result } of results) {
    const files = result?.serviceName === undefined ? undefined : byName.get(result.serviceName);
    if (files && files.length > 1) {
      const others = files.filter((f) => f !== file);
      const pos = parsed?.positionOf('/serviceName') ?? { line: 1, column: 1 };
      diagnostics.push({
        file,
        line: pos.line,
        column: pos.column,
        severity: 'error',
        code: 'duplicate-service-name',
        message: `serviceName ${result!.serviceName} is also declared by ${others.join(', ')}; both files are invalid`,
      });
      invalid.push({ file, serviceName: result!.serviceName });
    } else if (result?.spec) {
      specs.push(result.spec);
    } else {
      invalid.push({ file, serviceName: result?.serviceName });
    }
  }
  return { specs, invalid };
}
