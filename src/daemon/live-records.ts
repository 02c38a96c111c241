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
 */
import type { FollowProgress } from '../records/outcomes.js';
import type { StatusRecord } from '../records/types.js';
import { PENDING_TASK_STATUSES, type TaskStatus } from '../ovh/types.js';

/**
 * The follower's progress board: a Map for the cycles (their deletions are theirs), plus
 * `latest`, the last progress set per server, which only `prune` forgets.
 */
export class ProgressBoard extends Map<string, FollowProgress> {
  private readonly kept = new Map<string, FollowProgress>();

  /**
   * Empty (Map's constructor would call `set` with its entries before `kept` exists).
   * `onSet`: told of each progress set (the dashboard's event stream).
   */
  constructor(private readonly onSet: () => void = () => undefined) {
    super();
  }

  override set(serviceName: string, progress: FollowProgress): this {
    this.kept.set(serviceName, progress);
    super.set(serviceName, progress);
    this.onSet();
    return this;
  }

  /** The last progress seen per server, kept past the cycles' deletions. */
  get latest(): ReadonlyMap<string, FollowProgress> {
    return this.kept;
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
  latest: ReadonlyMap<string, FollowProgress>,
): StatusRecord[] {
  return [...records]
    .map((r) => {
      const p = latest.get(r.serviceName);
      if (!r.task || !p || p.taskId !== r.task.id) return r;
      // A record that already shows the task ended is newer than a running progress.
      if (!isPending(r.task.status) && isPending(p.taskStatus)) return r;
      return {
        ...r,
        task: {
          ...r.task,
          status: p.taskStatus,
          step: p.step,
          steps: p.steps,
          currentStep: p.currentStep,
          elapsedSeconds: Math.round(p.elapsedMs / 1000),
        },
      };
    })
    .sort((a, b) => a.serviceName.localeCompare(b.serviceName));
}

function isPending(status: string): boolean {
  return PENDING_TASK_STATUSES.includes(status as TaskStatus);
}
