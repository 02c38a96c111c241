/**
 * Maintenance windows: when reinstalls may START. A window opens at every instant its node-cron
 * expression matches in its time zone and stays open `durationMs`; [start, start + duration).
 *
 * node-cron 4.6.0 has no public "next match after an arbitrary instant": `getNextRuns()` starts
 * from the wall clock (a Date made inside), and its TimeMatcher is not exported. What it does export is
 * `parse()` (the expanded fields) and `createTask()`, which returns a STOPPED task (no timer)
 * whose `match(date)` evaluates the expression at any instant in the task's time zone. So:
 * the candidate times of day come from `parse()`; whether a local DAY matches (day of month,
 * month, day of week with node-cron's `L`, `W`, `#` tokens and its AND rule) is asked of
 * node-cron through a day-only task `0 0 12 DOM MON DOW` at local noon; the local time is turned
 * into an instant by zoned-time.ts, whose DST rules apply (a start in the spring gap opens when the
 * clocks jump; a start that occurs twice in autumn opens at its first occurrence).
 */
import { createTask, parse } from 'node-cron';
import type { MaintenanceWindow } from '../../specs/types.js';
import { instantOf, localParts, nextLocalDay, type LocalParts } from './zoned-time.js';

/** Where the windows stand at an instant. */
export interface WindowState {
  open: boolean;
  /** When closed: the next opening of any window (ms), null when none within the search horizon. */
  nextOpening: number | null;
  /** One sentence per window that cannot be evaluated (bad cron or time zone); such a window never opens. */
  problems: string[];
}

interface CompiledWindow {
  times: [number, number, number][];
  matchesDay: (noon: Date) => boolean;
  timezone: string;
}

/** Days searched for the next opening: 8 years covers `0 0 29 2 *` across a skipped leap year. */
const HORIZON_DAYS = 366 * 8;

const compiled = new Map<string, CompiledWindow | string>();

function compile(window: MaintenanceWindow): CompiledWindow | string {
  const key = `${window.cron}\u0000${window.timezone}`;
  const cached = compiled.get(key);
  if (cached !== undefined) return cached;
  let result: CompiledWindow | string;
  try {
    localParts(0, window.timezone); // throws RangeError for an unknown zone
    const fields = parse(window.cron);
    const dayExpression = `0 0 12 ${fields.dayOfMonth.join(',')} ${fields.month.join(',')} ${fields.dayOfWeek.join(',')}`;
    const dayTask = createTask(dayExpression, () => undefined, { timezone: window.timezone });
    // A stopped task never fires; destroying it only removes it from node-cron's registry.
    void dayTask.destroy();
    const times: [number, number, number][] = [];
    for (const h of [...fields.hour].sort((a, b) => a - b))
      for (const m of [...fields.minute].sort((a, b) => a - b))
        for (const s of [...fields.second].sort((a, b) => a - b)) times.push([h, m, s]);
    result = { times, matchesDay: (noon) => dayTask.match(noon), timezone: window.timezone };
  } catch (error) {
    result = `window "${window.cron}" (${window.timezone}) cannot be evaluated: ${(error as Error).message}`;
  }
  compiled.set(key, result);
  return result;
}

/** The first start of the window at or after `from` (ms), or null within the horizon. */
export function nextWindowStart(window: MaintenanceWindow, from: number): number | null {
  const c = compile(window);
  if (typeof c === 'string') return null;
  let day: LocalParts = { ...localParts(from, c.timezone), hour: 0, minute: 0, second: 0 };
  for (let i = 0; i < HORIZON_DAYS; i++, day = nextLocalDay(day)) {
    const noon = instantOf({ ...day, hour: 12 }, c.timezone);
    if (!c.matchesDay(new Date(noon))) continue;
    for (const [hour, minute, second] of c.times) {
      const start = instantOf({ ...day, hour, minute, second }, c.timezone);
      if (start >= from) return start;
    }
  }
  return null;
}

/**
 * Whether any window is open at `now`, and if not, when the next one opens. A window opening
 * exactly at `now` is open. No windows at all means "always open".
 */
export function evaluateWindows(windows: readonly MaintenanceWindow[], now: number): WindowState {
  if (windows.length === 0) return { open: true, nextOpening: null, problems: [] };
  const problems: string[] = [];
  let nextOpening: number | null = null;
  for (const window of windows) {
    const c = compile(window);
    if (typeof c === 'string') {
      problems.push(c);
      continue;
    }
    // The latest start in (now - duration, now] keeps the window open at now.
    const start = nextWindowStart(window, now - window.durationMs + 1);
    if (start === null) continue;
    if (start <= now) return { open: true, nextOpening: null, problems };
    if (nextOpening === null || start < nextOpening) nextOpening = start;
  }
  return { open: false, nextOpening, problems };
}
