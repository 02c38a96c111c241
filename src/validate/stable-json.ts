/**
 * Deterministic JSON for generated files: object keys sorted, 2-space indentation, trailing
 * newline, so that regenerating from the same catalog gives the same bytes (apart from the date).
 */

/** Returns `value` with every object's keys in sorted order (arrays keep their order). */
export function sortKeysDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeysDeep);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort())
      out[key] = sortKeysDeep((value as Record<string, unknown>)[key]);
    return out;
  }
  return value;
}

/** Sorted-key, 2-space JSON with a trailing newline. */
export function stableStringify(value: unknown): string {
  return `${JSON.stringify(sortKeysDeep(value), null, 2)}\n`;
}
