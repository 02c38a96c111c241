/**
 * A problem found in the fleet repository. Validation returns diagnostics, it does not throw:
 * every problem of every file is collected in one pass. `code` is registered in
 * src/core/codes/diagnostic-codes.ts and documented in docs/errors.md.
 */
import type { ErrorCode } from './codes/registry.js';

export type Severity = 'error' | 'warning';

export interface Diagnostic {
  /** Path relative to the fleet repository root, with forward slashes. */
  file: string;
  /** 1-based; 1 when the problem concerns the whole file. */
  line: number;
  /** 1-based. */
  column: number;
  severity: Severity;
  code: ErrorCode;
  /** A sentence a person understands; names the field concerned. */
  message: string;
}

/** Sorts by file, line, column, then code: the order `validate` prints. */
export function sortDiagnostics(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return [...diagnostics].sort(
    (a, b) =>
      a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column || a.code.localeCompare(b.code),
  );
}

/** `FILE:LINE:COL severity CODE message`, the line format of `ovh-fleet validate`. */
export function formatDiagnostic(d: Diagnostic): string {
  return `${d.file}:${d.line}:${d.column} ${d.severity} ${d.code} ${d.message}`;
}
