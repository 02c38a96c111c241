/**
 * The daemon's live view of its records (/api/status, `status()`): the records of the last
 * remembered cycle with the follower's latest progress laid over their task.
 *
 * The progress board the cycles use (CycleDeps.progress) forgets a server's progress as soon as
 * the apply step sees its task end, so that the record step never takes an ended task for a
 * running one. The live view must not forget it then: until the cycle that records the end is
 * remembered, the remembered record is still the one of the cycle that posted the task (task
 * `todo`), and the view would go back from `done` to `todo` for as long as that cycle commits and
 * pushes. So the board also keeps, for the view, the last progress of each server's task until a
 * remembered cycle's records no longer need it (`prune`), and the view never lays a running
 * status over a task its record already shows ended.
 *
 * A follower that sees a task end at its first look (a cycle's follow, a restart) reports no
 * step: the view keeps the last step known of that task (the board's, else the record's), so an
 * ended reinstall never shows as not started. The view's task also carries the follower's
 * estimate (`etaSeconds`, `expectedEndAt`): the live view's only, never written to a status file
 * (status-record.ts writes the record's fields by name).
 */
import type { FollowProgress } from '../records/outcomes.js';
import type { StatusRecord, TaskProgress } from '../records/types.js';
import { PENDING_TASK_STATUSES, type TaskStatus } from '../ovh/types.js';

/** A task of the live view: the record's, with the follower's estimate while it runs. */
export interface LiveTask extends TaskProgress {
  /**
   * Seconds left as the follower estimated them from the step durations at its last reading;
   * null when unknown or once the task ended. Absent from the records files.
   */
  etaSeconds?: number | null;
  /** When the follower's estimate puts the end (ISO, daemon clock); null when unknown. */
  expectedEndAt?: string | null;
}

/** A status record as /api/status shows it. */
export interface LiveRecord extends Omit<StatusRecord, 'task'> {
  task: LiveTask | null;
}

/** A progress as the board keeps it for the view: when it came (daemon clock), when known. */
export interface KeptProgress extends FollowProgress {
  receivedAt?: number;
}

/**
 * The follower's progress board: a Map for the cycles (their deletions are theirs), plus
 * `latest`, the last progress set per server, which only `prune` forgets.
 */
export class ProgressBoard extends Map<string, FollowProgress> {
  private readonly kept = new Map<string, KeptProgress>();

  /**
   * Empty (Map's constructor would call `set` with its entries before `kept` exists).
   * `onSet`: told of each progress set (the dashboard's event stream); `now`: the daemon's clock
   * (the expected end of a task), none in tests that do not need it.
   */
  constructor(
    private readonly onSet: () => void = () => undefined,
    private readonly now?: () => number,
  ) {
    super();
  }

  override set(serviceName: string, progress: FollowProgress): this {
    this.kept.set(serviceName, this.forView(this.kept.get(serviceName), progress));
    super.set(serviceName, progress);
    this.onSet();
    return this;
  }

  /** The last progress seen per server, kept past the cycles' deletions. */
  get latest(): ReadonlyMap<string, KeptProgress> {
    return this.kept;
  }

  /** The progress the view keeps: a report without steps keeps the steps known of that task. */
  private forView(before: KeptProgress | undefined, progress: FollowProgress): KeptProgress {
    const stamped = this.now ? { ...progress, receivedAt: this.now() } : progress;
    if (progress.steps !== null || before?.taskId !== progress.taskId || before.steps === null)
      return stamped;
    return { ...stamped, step: before.step, steps: before.steps, currentStep: before.currentStep };
  }

  /**
   * After a cycle is remembered: forgets the kept progress of every server whose remembered
   * record no longer shows that task (another task, no task, no record).
   */
  prune(records: Iterable<StatusRecord>): void {
    const taskOf = new Map<string, number | undefined>();
    for (const r of records) taskOf.set(r.serviceName, r.task?.id);
    for (const [name, p] of this.kept) if (taskOf.get(name) !== p.taskId) this.kept.delete(name);
  }
}

/** The records with the latest progress laid over their task, by service name. */
export function liveRecords(
  records: Iterable<StatusRecord>,
  latest: ReadonlyMap<string, KeptProgress>,
): LiveRecord[] {
  return [...records]
    .map((r): LiveRecord => {
      const p = latest.get(r.serviceName);
      if (!r.task) return r;
      const unknown = { etaSeconds: null, expectedEndAt: null };
      if (!p || p.taskId !== r.task.id) return { ...r, task: { ...r.task, ...unknown } };
      // A record that already shows the task ended is newer than a running progress.
      if (!isPending(r.task.status) && isPending(p.taskStatus))
        return { ...r, task: { ...r.task, ...unknown } };
      // A report without steps (a follower that saw the end at its first look) keeps the record's.
      const steps = p.steps !== null ? p : r.task;
      return {
        ...r,
        task: {
          ...r.task,
          status: p.taskStatus,
          step: steps.step,
          steps: steps.steps,
          currentStep: steps.currentStep,
          elapsedSeconds: Math.round(p.elapsedMs / 1000),
          ...(isPending(p.taskStatus) ? estimate(p) : unknown),
        },
      };
    })
    .sort((a, b) => a.serviceName.localeCompare(b.serviceName));
}

/** The follower's estimate of a running task: seconds left, and the end on the daemon's clock. */
function estimate(p: KeptProgress): Pick<LiveTask, 'etaSeconds' | 'expectedEndAt'> {
  if (p.etaMs === null) return { etaSeconds: null, expectedEndAt: null };
  return {
    etaSeconds: Math.round(p.etaMs / 1000),
    expectedEndAt: p.receivedAt === undefined ? null : new Date(p.receivedAt + p.etaMs).toISOString(),
  };
}

function isPending(status: string): boolean {
  return PENDING_TASK_STATUSES.includes(status as TaskStatus);
}
