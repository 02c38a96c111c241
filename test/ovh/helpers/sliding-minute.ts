/** The most of `times` (ms) that fall in any sliding minute: what a request budget may never exceed. */
export function maxPerSlidingMinute(times: readonly number[]): number {
  const sorted = [...times].sort((a, b) => a - b);
  let max = 0;
  let start = 0;
  for (let end = 0; end < sorted.length; end++) {
    while ((sorted[end] as number) - (sorted[start] as number) >= 60_000) start++;
    max = Math.max(max, end - start + 1);
  }
  return max;
}
