/**
 * Live progress of `ovh-fleet apply --wait`: on a TTY, one line per server redrawn in place;
 * otherwise plain timestamped lines (one per change), fit for CI logs and journald.
 */
import type { ApplyEvent } from './apply-types.js';
import type { FollowProgress } from '../records/outcomes.js';

/** Where the printer writes. */
export interface PrinterOutput {
  write(text: string): void;
  isTTY: boolean;
}

/** Turns apply events into progress lines; returns the event handler. */
export function createProgressPrinter(out: PrinterOutput, now: () => number): (event: ApplyEvent) => void {
  const lines = new Map<string, string>();
  let drawn = 0;
  const redraw = (): void => {
    const text = [...lines.values()].map((l) => `\u001b[2K${l}\n`).join('');
    out.write(`${drawn > 0 ? `\u001b[${drawn}A` : ''}${text}`);
    drawn = lines.size;
  };
  const emit = (serviceName: string, line: string): void => {
    if (out.isTTY) {
      lines.set(serviceName, `${serviceName}  ${line}`);
      redraw();
    } else {
      out.write(`${new Date(now()).toISOString()} ${serviceName} ${line}\n`);
    }
  };
  return (event) => {
    switch (event.type) {
      case 'started':
        emit(event.serviceName, `${event.posted ? 'reinstall posted' : 'following'}: task ${event.taskId}`);
        break;
      case 'progress':
        emit(event.progress.serviceName, describeProgress(event.progress));
        break;
      case 'outcome':
        emit(
          event.outcome.serviceName,
          `${event.outcome.result} (${event.outcome.code}): ${event.outcome.message}`,
        );
        break;
      case 'circuit-open':
        emit(
          'fleet',
          `circuit breaker open: ${event.failures} failed reinstalls (maxFailures ${event.maxFailures}); no new reinstall starts`,
        );
        break;
      case 'journal-problem':
        emit(
          'journal',
          event.quarantinedTo === null
            ? `unreadable entry ${event.problem.file} blocks its server: ${event.problem.message}`
            : `unreadable entry moved aside to ${event.quarantinedTo}: ${event.problem.message}`,
        );
        break;
    }
  };
}

/** "doing, step 7/21 Applying Partitioning, 4m12s elapsed, ETA 6m" (and "STUCK" when stuck). */
export function describeProgress(p: FollowProgress): string {
  const parts: string[] = [p.taskStatus];
  if (p.step !== null && p.steps !== null)
    parts.push(`step ${p.step}/${p.steps} ${p.currentStep ?? ''}`.trimEnd());
  parts.push(`${duration(p.elapsedMs)} elapsed`);
  if (p.etaMs !== null) parts.push(`ETA ${duration(p.etaMs)}`);
  if (p.stuck) parts.push('STUCK: no progress');
  return parts.join(', ');
}

function duration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  const m = Math.floor(s / 60);
  return m > 0 ? `${m}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}
