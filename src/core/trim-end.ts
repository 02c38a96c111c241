/**
 * Trailing characters removed without a regular expression (test/core/regex-safety.test.ts: an
 * anchored `(x)+$` backtracks quadratically on long runs of x that do not end the text).
 */

/** `text` without the characters of `chars` at its end. */
export function trimEndOf(text: string, chars: string): string {
  let end = text.length;
  while (end > 0 && chars.includes(text[end - 1]!)) end--;
  return text.slice(0, end);
}
