/**
 * The live view's board on its own (src/daemon/live-records.ts): the cycles' deletion of an
 * ended task's progress does not reach the view, a remembered cycle whose record no longer shows
 * the task makes the view forget it, and a running progress never overrides a record that
 * already shows its task ended.
 */
import { describe, expect, it } from 'vitest';
import { liveRecords, ProgressBoard } from '../../src/daemon/live-records.js';
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
