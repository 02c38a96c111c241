/**
 * Wall-clock arithmetic in an IANA time zone with Intl only (no dependency): the local calendar
 * parts of an instant, and the instant of a local time, with explicit rules for DST:
 * - a local time that occurs twice (autumn) resolves to its FIRST occurrence;
 * - a local time that does not exist (spring gap) resolves to the instant the clocks jump, i.e.
 *   the first instant after the gap (02:30 in Europe/Paris on the last Sunday of March -> 03:00 CEST).
 */

/** Local calendar fields (month 1-12). */
export interface LocalParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** The local calendar parts of `instant` in `timeZone`; throws RangeError for an unknown zone. */
export function localParts(instant: number, timeZone: string): LocalParts {
  const out: Record<string, number> = {};
  for (const part of formatter(timeZone).formatToParts(new Date(instant))) {
    if (part.type !== 'literal') out[part.type] = Number(part.value);
  }
  return {
    year: out.year ?? 0,
    month: out.month ?? 0,
    day: out.day ?? 0,
    hour: (out.hour ?? 0) % 24,
    minute: out.minute ?? 0,
    second: out.second ?? 0,
  };
}

function asUtc(p: LocalParts): number {
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
}

/** The zone's offset from UTC at `instant`, in milliseconds. */
export function offsetAt(instant: number, timeZone: string): number {
  const whole = Math.floor(instant / 1000) * 1000;
  return asUtc(localParts(whole, timeZone)) - whole;
}

function same(a: LocalParts, b: LocalParts): boolean {
  return (
    a.year === b.year &&
    a.month === b.month &&
    a.day === b.day &&
    a.hour === b.hour &&
    a.minute === b.minute &&
    a.second === b.second
  );
}

const DAY_MS = 86_400_000;

/** The instant of a local time in `timeZone` (see the module comment for DST). */
export function instantOf(local: LocalParts, timeZone: string): number {
  const guess = asUtc(local);
  const before = offsetAt(guess - DAY_MS, timeZone);
  const after = offsetAt(guess + DAY_MS, timeZone);
  const candidates = [guess - before, guess - after].filter((t) => same(localParts(t, timeZone), local));
  if (candidates.length > 0) return Math.min(...candidates);
  // In a spring gap: find the first second at which the later offset holds.
  let lo = guess - after;
  let hi = guess - before;
  if (lo > hi) [lo, hi] = [hi, lo];
  while (hi - lo > 1000) {
    const mid = Math.floor((lo + hi) / 2000) * 1000;
    if (offsetAt(mid, timeZone) === after) hi = mid;
    else lo = mid;
  }
  return hi;
}

/** The local date after `p` (time fields zeroed). */
export function nextLocalDay(p: LocalParts): LocalParts {
  const d = new Date(Date.UTC(p.year, p.month - 1, p.day + 1));
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: 0,
    minute: 0,
    second: 0,
  };
}
