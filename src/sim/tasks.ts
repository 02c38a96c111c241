/**
 * The life of a simulated reinstall task, computed LAZILY from the sim clock: a task is stored
 * once (creation time, duration, decided outcome) and its status, comment and install steps are
 * derived from `now` whenever asked, so clock jumps move every task consistently and there is no
 * timer per task.
 *
 * Timeline (fractions of the task duration, 11 min 05 s at speed 1 — the ADVANCE-1 figure of
 * API-NOTES §7): `init` for the first 1 %, `todo` until 5 %, then `doing` while the 21 install
 * steps run, then `done` (or `customerError`/`ovhError` halfway through the failing step).
 * `install/status` answers 404 during init and todo and once the task is done; a failed task keeps
 * showing its steps (the failing one with status `error`) until it is purged or another starts.
 * Finished tasks are purged {@link TASK_RETENTION_MS} after they end (404 on GET task/{id}).
 */
import type { InstallProgress, InstallStepStatus, ServerTask, TaskResponse } from '../ovh/types.js';
import { createPrng, mixSeed } from './prng.js';
import type { SimTask, TaskOutcome, TaskView } from './types.js';

/** Duration of a reinstall at speed 1: 11 min 05 s (API-NOTES §7, S19). */
export const REINSTALL_DURATION_MS = 665_000;
/** How long a finished task stays visible: 72 hours of sim time (simulator's choice). */
export const TASK_RETENTION_MS = 72 * 3_600_000;
const INIT_END = 0.01;
const TODO_END = 0.05;

/**
 * The 21 steps of an install, with relative weights. Names at positions 1, 5, 6, 10, 13, 16, 19 and
 * 21 are OVHcloud's (API-NOTES §3.8, S19); the others are INVENTED and marked so.
 */
export const INSTALL_STEPS: readonly { comment: string; weight: number }[] = [
  { comment: 'Checking BIOS version', weight: 3 },
  { comment: 'Checking hardware compatibility', weight: 2 }, // invented
  { comment: 'Rebooting on installation environment', weight: 6 }, // invented
  { comment: 'Checking disks health', weight: 3 }, // invented
  { comment: 'Preparing disks for new Partitioning', weight: 3 },
  { comment: 'Cleaning Partitioning', weight: 4 },
  { comment: 'Configuring hardware RAID', weight: 2 }, // invented
  { comment: 'Creating software RAID arrays', weight: 3 }, // invented
  { comment: 'Setting up logical volumes', weight: 2 }, // invented
  { comment: 'Applying Partitioning', weight: 4 },
  { comment: 'Formatting partitions', weight: 4 }, // invented
  { comment: 'Mounting partitions', weight: 1 }, // invented
  { comment: 'Downloading OS image', weight: 12 },
  { comment: 'Deploying OS image', weight: 14 }, // invented
  { comment: 'Configuring bootloader', weight: 3 }, // invented
  { comment: 'Checking Partitioning', weight: 2 },
  { comment: 'Applying customizations', weight: 4 }, // invented
  { comment: 'Rebooting on installed operating system', weight: 10 }, // invented
  { comment: 'Waiting for services to be up', weight: 10 },
  { comment: 'Running post-installation script', weight: 4 }, // invented
  { comment: 'Sending end of installation mail', weight: 1 },
];
const TOTAL_WEIGHT = INSTALL_STEPS.reduce((sum, s) => sum + s.weight, 0);
/** Cumulative fraction of the doing phase at the START of each step (index 0..21). */
const STEP_STARTS: number[] = INSTALL_STEPS.reduce<number[]>(
  (acc, step) => [...acc, (acc[acc.length - 1] ?? 0) + step.weight / TOTAL_WEIGHT],
  [0],
);

const FAILURES: readonly {
  status: 'customerError' | 'ovhError';
  step: number;
  text: string;
  byo?: boolean;
}[] = [
  {
    status: 'customerError',
    step: 10,
    text: 'Partition of type primary with mountpoint /boot cannot fill the disk.',
  },
  {
    status: 'customerError',
    step: 16,
    text: '/boot (or / if no /boot defined) partition cannot be larger than 2097151 MiB on this hardware',
  },
  { status: 'customerError', step: 13, text: 'Could not download image: 404 Not Found', byo: true },
  // ovhError texts are invented: OVHcloud's are not recorded.
  {
    status: 'ovhError',
    step: 19,
    text: 'Server did not come back up after reboot; our technicians have been notified',
  },
  {
    status: 'ovhError',
    step: 3,
    text: 'Unable to boot the installation environment; our technicians have been notified',
  },
];

/** Decides once, from the seed and task id, how a new task ends. */
export function decideOutcome(
  seed: number,
  taskId: number,
  failureRate: number,
  operatingSystem: string,
): TaskOutcome {
  const prng = createPrng(mixSeed(seed, taskId, 0x7a5c));
  if (prng.next() >= failureRate) return { status: 'done' };
  const byo = operatingSystem.startsWith('byo');
  const candidates = FAILURES.filter((f) => (f.byo ?? false) === byo || f.status === 'ovhError');
  const failure = prng.pick(candidates);
  return { status: failure.status, failedStep: failure.step, comment: failure.text, error: failure.text };
}

/** The end of a failure picked by the caller (foreign tasks), with a fixed realistic text. */
export function failureOutcome(status: 'customerError' | 'ovhError'): TaskOutcome {
  const failure = FAILURES.find((f) => f.status === status) ?? FAILURES[0];
  if (!failure) throw new Error('no failure text');
  return { status, failedStep: failure.step, comment: failure.text, error: failure.text };
}

function doingStart(task: SimTask): number {
  return task.createdAt + Math.round(task.durationMs * TODO_END);
}

/** Sim time at which the task reaches its final status. */
export function taskEnd(task: SimTask): number {
  if (task.outcome.status === 'done') return task.createdAt + task.durationMs;
  const doingMs = task.durationMs * (1 - TODO_END);
  const step = task.outcome.failedStep - 1;
  const fraction = ((STEP_STARTS[step] ?? 0) + (STEP_STARTS[step + 1] ?? 1)) / 2;
  return doingStart(task) + Math.round(doingMs * fraction);
}

/** Whether the task has been purged at `now`. */
export function isPurged(task: SimTask, now: number): boolean {
  return now >= taskEnd(task) + TASK_RETENTION_MS;
}

/** The task's status at `now`. */
export function viewTask(task: SimTask, now: number): TaskView {
  const end = taskEnd(task);
  if (now >= end) {
    return {
      status: task.outcome.status,
      comment:
        task.outcome.status === 'done'
          ? 'Bare metal OS installation done'
          : (task.outcome as { comment: string }).comment,
      lastUpdate: end,
      doneAt: end,
    };
  }
  const initEnd = task.createdAt + Math.round(task.durationMs * INIT_END);
  if (now < initEnd)
    return {
      status: 'init',
      comment: 'Start bare metal OS installation',
      lastUpdate: task.createdAt,
      doneAt: null,
    };
  const start = doingStart(task);
  if (now < start)
    return {
      status: 'todo',
      comment: 'Bare metal OS installation scheduled',
      lastUpdate: initEnd,
      doneAt: null,
    };
  return {
    status: 'doing',
    comment: `Installing ${task.body.operatingSystem}`,
    lastUpdate: start,
    doneAt: null,
  };
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** `GET …/task/{id}` (dedicated.server.Task) at `now`. */
export function taskJson(task: SimTask, now: number): ServerTask {
  const view = viewTask(task, now);
  return {
    taskId: task.taskId,
    function: task.function,
    status: view.status,
    comment: view.comment,
    startDate: iso(task.createdAt),
    doneDate: view.doneAt === null ? null : iso(view.doneAt),
    lastUpdate: iso(view.lastUpdate),
    needSchedule: false,
    note: null,
    plannedInterventionId: null,
    tags: null,
    ticketReference: null,
  };
}

/** The `POST …/reinstall` answer (dedicated.server.task.Response): always `init`. */
export function taskResponseJson(task: SimTask): TaskResponse {
  return {
    taskId: task.taskId,
    function: task.function,
    status: 'init',
    comment: 'Start bare metal OS installation',
    startDate: iso(task.createdAt),
    doneDate: null,
  };
}

/** `GET …/install/status` for this task at `now`, or null when it answers 404. */
export function installProgress(task: SimTask, now: number): InstallProgress | null {
  const view = viewTask(task, now);
  if (view.status === 'init' || view.status === 'todo' || view.status === 'done') return null;
  const start = doingStart(task);
  const at = Math.min(now, taskEnd(task));
  const fraction = (at - start) / (task.durationMs * (1 - TODO_END));
  const failedIndex = task.outcome.status === 'done' ? -1 : task.outcome.failedStep - 1;
  const progress = INSTALL_STEPS.map((step, i) => {
    let status: InstallStepStatus = 'todo';
    let error: string | null = null;
    if (view.status !== 'doing' && i === failedIndex) {
      status = 'error';
      error = (task.outcome as { error: string }).error;
    } else if (view.status !== 'doing' && i > failedIndex) status = 'todo';
    else if (fraction >= (STEP_STARTS[i + 1] ?? 1)) status = 'done';
    else if (fraction >= (STEP_STARTS[i] ?? 0)) status = 'doing';
    return { comment: step.comment, status, error };
  });
  return { elapsedTime: Math.max(0, Math.floor((at - start) / 1000)), progress };
}
