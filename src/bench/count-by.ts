/** "3x value; 1x other" for the values, most frequent first (the benches' one-line summaries). */
export function countBy(values: string[]): string {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts]
    .sort((a, b) => b[1] - a[1])
    .map(([v, c]) => `${c}x ${v}`)
    .join('; ');
}
