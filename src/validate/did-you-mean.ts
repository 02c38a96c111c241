/** "Did you mean …?" suggestions for misspelt field and template names. */

/** Optimal-string-alignment distance (Levenshtein plus adjacent transpositions). */
export function damerauLevenshtein(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) =>
    Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      const row = d[i]!;
      const prev = d[i - 1]!;
      let best = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        best = Math.min(best, d[i - 2]![j - 2]! + 1);
      row[j] = best;
    }
  }
  return d[a.length]![b.length]!;
}

/**
 * The closest candidate to `input`, or undefined when none is close enough: case-insensitive
 * distance at most max(2, a third of the input's length), or one name being a prefix of the other
 * (`debian12` → `debian12_64`). Ties go to the earlier candidate in sorted order.
 */
export function didYouMean(input: string, candidates: readonly string[]): string | undefined {
  const needle = input.toLowerCase();
  if (needle.length === 0) return undefined;
  const limit = Math.max(2, Math.floor(needle.length / 3));
  let best: { name: string; score: number } | undefined;
  for (const name of [...candidates].sort()) {
    const hay = name.toLowerCase();
    if (hay === needle) return name;
    const prefix = needle.length >= 3 && (hay.startsWith(needle) || needle.startsWith(hay));
    const distance = damerauLevenshtein(needle, hay);
    const score = distance <= limit ? distance : prefix ? limit + 0.5 : Infinity;
    if (score !== Infinity && (!best || score < best.score)) best = { name, score };
  }
  return best?.name;
}

/** `; did you mean "x"?` or the empty string. */
export function suggestion(input: string, candidates: readonly string[]): string {
  const hit = didYouMean(input, candidates);
  return hit === undefined ? '' : `; did you mean "${hit}"?`;
}
