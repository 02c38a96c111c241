/**
 * Turns ajv's errors into diagnostics a person understands, at the YAML position of the field.
 * ajv (allErrors) reports cascades: `if`/`then` wrappers, every branch of an `anyOf`, several
 * keywords of one format rule. These collapse into one diagnostic per real problem.
 * How one error is worded: ajv-drafts.ts (a table by keyword) and ajv-messages.ts (the texts).
 */
import type { ErrorObject } from 'ajv';
import type { Diagnostic } from '../core/diagnostic.js';
import type { ParsedFile } from '../specs/types.js';
import { anyOfDraft, draftFor, ruleOf } from './ajv-drafts.js';

export { displayPath } from './ajv-drafts.js';

/**
 * Maps ajv's errors for one file to diagnostics: cascades collapsed, one diagnostic per field and
 * problem, positioned through `parsed.positionOf`.
 */
export function diagnosticsFromAjv(errors: readonly ErrorObject[], parsed: ParsedFile): Diagnostic[] {
  const anyOfPaths = errors
    .filter((e) => e.keyword === 'anyOf' && !ruleOf(e.schemaPath))
    .map((e) => e.instancePath);
  // A wrong type makes every other complaint about the same value noise.
  // (Not a type error of one anyOf branch: another branch may accept the value's type.)
  const typePaths = new Set(
    errors
      .filter((e) => e.keyword === 'type' && !e.schemaPath.includes('/anyOf/'))
      .map((e) => e.instancePath),
  );
  const seen = new Set<string>();
  const out: Diagnostic[] = [];
  for (const error of errors) {
    if (error.keyword === 'if') continue; // the branch's own errors say what is wrong
    if (error.keyword !== 'type' && typePaths.has(error.instancePath)) continue;
    // Reported by the propertyNames / contains error itself, not per candidate.
    if (error.schemaPath.includes('/propertyNames/') || error.schemaPath.includes('/contains/')) continue;
    // Inside a generic anyOf (e.g. suspend.until: date-time or null) only the anyOf itself speaks.
    if (
      error.keyword !== 'anyOf' &&
      !ruleOf(error.schemaPath) &&
      anyOfPaths.includes(error.instancePath) &&
      error.schemaPath.includes('/anyOf/')
    )
      continue;
    const draft =
      error.keyword === 'anyOf' && !ruleOf(error.schemaPath)
        ? anyOfDraft(error)
        : draftFor(error, parsed.data);
    // One diagnostic per rule and field: a hostname that breaks both maxLength and pattern is one problem.
    const key = `${draft.pointer}\u0000${ruleOf(error.schemaPath) ?? `${draft.code}\u0000${draft.message}`}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const pos = parsed.positionOf(draft.pointer, draft.which);
    out.push({
      file: parsed.file,
      line: pos.line,
      column: pos.column,
      severity: 'error',
      code: draft.code,
      message: draft.message,
    });
  }
  return out;
}
