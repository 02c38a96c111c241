/**
 * The event is made only from fields that cannot hold a secret: a secret planted in every
 * free-text field of a status record (its message, the last error's and attempt's messages, the
 * task's step comment, a reason or code that is not a code) never reaches the event.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { haltEvent, serverEvent } from '../../src/notify/event.js';
import { IMAGE_TOKEN } from '../daemon/helpers.js';
import { commitOf, recordOf } from './helpers.js';

const SECRET = IMAGE_TOKEN;

/** Every string inside a value (not its JSON, where escapes could hide a match). */
function leaves(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (value === null || typeof value !== 'object') return [];
  return Object.values(value).flatMap(leaves);
}

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

  it('never carries a secret planted in any free-text field (property)', () => {
    const phases = ['pending', 'reinstalling', 'verifying', 'ready', 'unhealthy', 'failed'] as const;
    const secret = fc
      .string({ minLength: 8, maxLength: 40 })
      .map((s) => `Tok${s.replace(/\s/g, '')}X9`)
      .filter((s) => s.length >= 8);
    const around = (inner: string) => fc.tuple(fc.string(), fc.string()).map(([a, b]) => `${a}${inner}${b}`);
    fc.assert(
      fc.property(
        fc.constantFrom(...phases),
        secret.chain((value) =>
          fc.record({
            value: fc.constant(value),
            message: around(value),
            reason: around(value),
            code: around(value),
            errorMessage: around(value),
            attemptMessage: around(value),
            step: around(value),
            status: around(value),
          }),
        ),
        (phase, f) => {
          const record = recordOf('ns1.example.net', phase, commitOf(7), {
            message: f.message,
            reason: f.reason,
            task: {
              id: 1,
              status: f.status,
              step: 1,
              steps: 2,
              currentStep: f.step,
              elapsedSeconds: 1,
              startedAt: 'a',
            },
            lastAttempt: {
              digest: 'x',
              result: 'failed',
              startedAt: 'a',
              finishedAt: 'b',
              taskId: 1,
              message: f.attemptMessage,
            },
            lastError: { code: f.code, message: f.errorMessage, at: 'c' },
          });

          const event = serverEvent(record, { planHash: null, now: 0 });

          expect(leaves(event).filter((leaf) => leaf.includes(f.value))).toEqual([]);
        },
      ),
      { numRuns: 300 },
    );
  });

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
