/**
 * The live view's board on its own (src/daemon/live-records.ts): the cycles' deletion of an
 * ended task's progress does not reach the view, a remembered cycle whose record no longer shows
 * the task makes the view forget it, and a running progress never overrides a record that
 * already shows its task ended. An ended task keeps its last known step; a running one carries
 * the follower's estimate, which never reaches a written status file.
 */
import { describe, expect, it } from 'vitest';
import { liveRecords, ProgressBoard } from '../../src/daemon/live-records.js';
import { serializeStatusRecord } from '../../src/records/status-record.js';
import type { FollowProgress } from '../../src/records/outcomes.js';
import type { StatusRecord } from '../../src/records/types.js';

function record(taskId: number | null, status = 'todo'): StatusRecord {
  return {
    serviceName: 'ns1.eu',
    phase: taskId === null ? 'ready' : 'reinstalling',
    reason: 'in-sync',
    message: '',
    since: '2026-12-03T09:00:00.000Z',
    spec: null,
    desiredDigest: null,
    observedOs: null,
    task:
      taskId === null
        ? null
        : {
            id: taskId,
            status,
            step: null,
            steps: null,
            currentStep: null,
            elapsedSeconds: null,
            startedAt: '2026-12-03T09:00:00.000Z',
          },
    lastApplied: null,
    lastAttempt: null,
    attempts: [],
    lastError: null,
  };
}

function progress(taskId: number, taskStatus: FollowProgress['taskStatus']): FollowProgress {
  return {
    serviceName: 'ns1.eu',
    taskId,
    taskStatus,
    step: 3,
    steps: 3,
    currentStep: 'rebooting',
    elapsedMs: 120_000,
    etaMs: null,
    stuck: false,
  };
}

const shown = (board: ProgressBoard, r: StatusRecord) => liveRecords([r], board.latest)[0]!.task?.status;

describe('the live view board', () => {
  it('keeps showing an ended task done after the cycle dropped its progress, until a remembered record moves on', () => {
    const board = new ProgressBoard();
    board.set('ns1.eu', progress(7, 'doing'));
    board.set('ns1.eu', progress(7, 'done'));
    board.delete('ns1.eu'); // the apply step saw the task end

    expect(board.has('ns1.eu')).toBe(false);
    expect(shown(board, record(7, 'todo'))).toBe('done');

    board.prune([record(7, 'done')]);
    expect(shown(board, record(7, 'done'))).toBe('done');
    board.prune([record(null)]);
    expect(board.latest.size).toBe(0);
    expect(shown(board, record(8, 'todo'))).toBe('todo');
  });

  it('never lays a running progress over a record that shows its task ended', () => {
    const board = new ProgressBoard();
    board.set('ns1.eu', progress(7, 'doing'));

    expect(shown(board, record(7, 'done'))).toBe('done');
    expect(shown(board, record(7, 'todo'))).toBe('doing');
    expect(shown(board, record(6, 'todo'))).toBe('todo');
  });
});

describe('the live view of an ended task', () => {
  it('keeps the last step known when the report of the end has none (a follower that saw only the end)', () => {
    const board = new ProgressBoard();
    board.set('ns1.eu', { ...progress(7, 'doing'), step: 5, steps: 21, currentStep: 'Rebooting' });
    board.set('ns1.eu', { ...progress(7, 'done'), step: null, steps: null, currentStep: null });

    const task = liveRecords([record(7, 'todo')], board.latest)[0]!.task!;
    expect(task).toMatchObject({ status: 'done', step: 5, steps: 21, currentStep: 'Rebooting' });
    expect(board.get('ns1.eu')?.steps).toBeNull(); // the cycles' board gets the report as it came
  });

  it("keeps the record's step when the board never knew one", () => {
    const board = new ProgressBoard();
    board.set('ns1.eu', { ...progress(7, 'done'), step: null, steps: null, currentStep: null });
    const r = record(7, 'doing');
    const withStep = { ...r, task: { ...r.task!, step: 4, steps: 21, currentStep: 'Formatting' } };

    expect(liveRecords([withStep], board.latest)[0]!.task).toMatchObject({
      status: 'done',
      step: 4,
      steps: 21,
      currentStep: 'Formatting',
    });
  });

  it("does not take another task's step", () => {
    const board = new ProgressBoard();
    board.set('ns1.eu', { ...progress(6, 'done'), step: 9, steps: 21 });
    board.set('ns1.eu', { ...progress(7, 'done'), step: null, steps: null, currentStep: null });

    expect(liveRecords([record(7, 'todo')], board.latest)[0]!.task).toMatchObject({
      step: null,
      steps: null,
    });
  });
});

describe('the estimate of a running task', () => {
  it('gives the seconds left and the expected end on the daemon clock while the task runs', () => {
    let now = Date.parse('2026-12-03T10:00:00.000Z');
    const board = new ProgressBoard(undefined, () => now);
    board.set('ns1.eu', { ...progress(7, 'doing'), etaMs: 90_400 });
    now += 60_000; // the view is read later: the estimate stands as the follower gave it

    expect(liveRecords([record(7, 'todo')], board.latest)[0]!.task).toMatchObject({
      status: 'doing',
      etaSeconds: 90,
      expectedEndAt: '2026-12-03T10:01:30.400Z',
    });
  });

  it('has none when the follower has none, once the task ended, and without progress', () => {
    const board = new ProgressBoard(undefined, () => 0);
    board.set('ns1.eu', progress(7, 'doing'));
    const none = { etaSeconds: null, expectedEndAt: null };
    expect(liveRecords([record(7, 'todo')], board.latest)[0]!.task).toMatchObject(none);
    board.set('ns1.eu', { ...progress(7, 'done'), etaMs: 5_000 });
    expect(liveRecords([record(7, 'todo')], board.latest)[0]!.task).toMatchObject(none);
    expect(liveRecords([record(8, 'todo')], board.latest)[0]!.task).toMatchObject(none);
    expect(liveRecords([record(null)], board.latest)[0]!.task).toBeNull();
  });

  it('never reaches a written status record', () => {
    const board = new ProgressBoard(undefined, () => 0);
    board.set('ns1.eu', { ...progress(7, 'doing'), etaMs: 90_000 });
    const live = liveRecords([record(7, 'todo')], board.latest)[0]!;
    expect(live.task?.etaSeconds).toBe(90);

    const text = serializeStatusRecord(live as StatusRecord);
    expect(text).not.toContain('etaSeconds');
    expect(text).not.toContain('expectedEndAt');
    const { etaSeconds: _eta, expectedEndAt: _end, ...task } = live.task!;
    expect(text).toBe(serializeStatusRecord({ ...(live as StatusRecord), task }));
  });
});
