/**
 * The event is made only from fields that cannot hold a secret: a secret planted in every
 * free-text field of a status record (its message, the last error's and attempt's messages, the
 * task's step comment, a reason or code that is not a code) never reaches the event.
 */
import { describe, expect, it } from 'vitest';
import { haltEvent, serverEvent } from '../../src/notify/event.js';
import { IMAGE_TOKEN } from '../daemon/helpers.js';
import { commitOf, recordOf } from './helpers.js';

const SECRET = IMAGE_TOKEN;

describe('the notification event', () => {
  it.each(['failed', 'unhealthy', 'reinstalling'] as const)(
    'of a %s record carries no free text of the record',
    (phase) => {
      const record = recordOf('ns1.example.net', phase, commitOf(7), {
        message: `cloud-init said ${SECRET}`,
        reason: phase === 'failed' ? 'last-attempt-failed' : `weird ${SECRET}`,
        task: {
          id: 4242,
          status: 'doing',
          step: 2,
          steps: 5,
          currentStep: `writing ${SECRET}`,
          elapsedSeconds: 10,
          startedAt: '2026-01-01T00:00:00.000Z',
        },
        lastAttempt: {
          digest: 'sha256:x',
          result: 'failed',
          startedAt: 'a',
          finishedAt: 'b',
          taskId: 4242,
          message: SECRET,
        },
        lastError: {
          code: phase === 'failed' ? `code ${SECRET}` : 'reinstall-task-error',
          message: SECRET,
          at: 'c',
        },
      });

      const event = serverEvent(record, { planHash: `sha256:${'a'.repeat(64)}`, now: 0 });

      expect(JSON.stringify(event)).not.toContain('SECRETsecret');
      expect(event).toMatchObject({
        involvedObject: { kind: 'Server', name: 'ns1.example.net' },
        severity: phase === 'reinstalling' ? 'info' : 'error',
        phase,
        taskId: 4242,
        specCommit: commitOf(7),
        metadata: { revision: commitOf(7) },
        idempotencyKey: `ovh-fleet:ns1.example.net:${commitOf(7)}:${phase}`,
      });
      expect(event?.reason).toBe(phase === 'failed' ? 'last-attempt-failed' : 'unknown');
    },
  );

  it('of a failure names its error code when it is a code', () => {
    const record = recordOf('ns1.example.net', 'failed', commitOf(7), {
      lastError: { code: 'reinstall-task-error', message: 'task error', at: 'c' },
    });

    expect(serverEvent(record, { planHash: null, now: 0 })).toMatchObject({
      reason: 'reinstall-task-error',
      message: `ns1.example.net is failed (reinstall-task-error), spec commit ${commitOf(7).slice(0, 12)}`,
    });
  });

  it('of a halt counts the servers and says the cohort', () => {
    const event = haltEvent(
      { cohort: 'debian12_64/ADV-1/role=web', servers: ['ns1.example.net', 'ns2.example.net'] },
      commitOf(9),
      {
        planHash: null,
        now: 0,
      },
    );

    expect(event).toMatchObject({
      involvedObject: { kind: 'Rollout', name: 'debian12_64/ADV-1/role=web' },
      severity: 'error',
      reason: 'rollout-halted',
      phase: 'halted',
      serviceName: null,
      message:
        'rollout halted (cohort debian12_64/ADV-1/role=web): 2 unhealthy server(s); no new reinstall starts',
    });
  });
});
