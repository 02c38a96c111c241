/**
 * What starts cycles besides the webhook: the node-cron schedule (UTC, noOverlap, node-cron's own
 * log lines routed to pino) and, when the repository is a local directory, a chokidar watcher on
 * it (ignoring .git and status/, debounced), plus the runner that keeps cycles one at a time: a
 * trigger during a cycle runs ONE more cycle after it.
 */
import path from 'node:path';
import { watch, type FSWatcher } from 'chokidar';
import cron, { type Logger as CronLogger, type ScheduledTask } from 'node-cron';
import type { Logger } from '../core/logger.js';
import type { CycleSummary, TriggerKind } from './types.js';

/** Triggers that run a full cycle even when only status/ changed. */
const FULL: ReadonlySet<TriggerKind> = new Set([
  'start',
  'schedule',
  'manual',
  'task-ended',
  'task-found',
  'verified',
]);

/** Runs cycles one at a time; triggers during a cycle merge into one follow-up cycle. */
export class CycleRunner {
  private current: Promise<CycleSummary> | null = null;
  private pending: {
    kind: TriggerKind;
    promise: Promise<CycleSummary | null>;
    resolve: (s: CycleSummary | null) => void;
  } | null = null;
  private stopped = false;

  constructor(private readonly run: (kind: TriggerKind) => Promise<CycleSummary>) {}

  /** Asks for a cycle; resolves with the summary of the cycle that served it (null once stopped). */
  trigger(kind: TriggerKind): Promise<CycleSummary | null> {
    if (this.stopped) return Promise.resolve(null);
    if (this.current === null) return this.start(kind);
    if (this.pending) {
      if (FULL.has(kind)) this.pending.kind = kind;
      return this.pending.promise;
    }
    let resolve!: (s: CycleSummary | null) => void;
    const promise = new Promise<CycleSummary | null>((r) => (resolve = r));
    this.pending = { kind, promise, resolve };
    return promise;
  }

  /** True while a cycle runs. */
  get busy(): boolean {
    return this.current !== null;
  }

  /** No new cycle starts; resolves when the running one (if any) has ended. */
  async stop(): Promise<void> {
    this.stopped = true;
    const current = this.current;
    if (current) await current.catch(() => undefined);
  }

  private start(kind: TriggerKind): Promise<CycleSummary> {
    const promise = this.run(kind).finally(() => {
      this.current = null;
      const next = this.pending;
      this.pending = null;
      // Stopped: the triggers that waited for the follow-up cycle are answered, with null.
      if (next && this.stopped) next.resolve(null);
      else if (next) void this.start(next.kind).then(next.resolve);
    });
    this.current = promise;
    return promise;
  }
}

/** The cron task; node-cron's own messages go to `log`. */
export function startSchedule(expression: string, onTick: () => void, log: Logger): ScheduledTask {
  const cronLog = log.child({ component: 'node-cron' });
  const logger: CronLogger = {
    info: (m) => cronLog.info({ detail: String(m) }, 'node-cron'),
    warn: (m) => cronLog.warn({ detail: String(m) }, 'node-cron'),
    error: (m) => cronLog.error({ detail: String(m) }, 'node-cron'),
    debug: (m) => cronLog.debug({ detail: String(m) }, 'node-cron'),
  };
  cron.setLogger(logger);
  return cron.schedule(expression, () => onTick(), {
    name: 'ovh-fleet-cycle',
    noOverlap: true,
    timezone: 'UTC',
    logger,
  });
}

/** Milliseconds between two runs of the schedule (for /readyz), from its next two runs. */
export function scheduleIntervalMs(expression: string): number {
  const task = cron.createTask(expression, () => undefined, { timezone: 'UTC' });
  const [a, b] = task.getNextRuns(2);
  void task.destroy();
  return a && b ? Math.max(1000, b.getTime() - a.getTime()) : 120_000;
}

/** True when the repository URL names a local directory (absolute path or file://). */
export function localRepositoryDir(url: string): string | null {
  if (url.startsWith('file://')) return new URL(url).pathname;
  return path.isAbsolute(url) ? url : null;
}

/** Watches a local repository directory; `onChange` is called at most once per `debounceMs` burst. */
export function startWatcher(dir: string, debounceMs: number, onChange: () => void, log: Logger): FSWatcher {
  let timer: NodeJS.Timeout | null = null;
  const ignored = (p: string): boolean => {
    const rel = path.relative(dir, p).split(path.sep);
    // chokidar calls this twice per path (without, then with stats): decide on the path alone.
    return rel.includes('.git') || rel[0] === 'status' || rel.includes('node_modules');
  };
  const watcher = watch(dir, { ignoreInitial: true, ignored });
  watcher.on('all', () => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = null;
      onChange();
    }, debounceMs);
  });
  watcher.on('error', (error) => log.warn({ err: error }, 'watcher error'));
  const close = watcher.close.bind(watcher);
  watcher.close = async () => {
    if (timer) clearTimeout(timer);
    await close();
  };
  return watcher;
}
