/**
 * Property: whatever the clocks and the task list's lag (up to the settle time), a look never
 * declares an intent's task absent while the task exists, and never takes a task started well
 * before the intent (OVHcloud's clock) for ours.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { API_TIME_TOLERANCE_MS, DEFAULT_SETTLE_MS, resolveIntent } from '../../src/apply/our-task.js';
import type { OvhApi } from '../../src/ovh/ovh-api.js';
import type { ServerTask } from '../../src/ovh/types.js';

const SN = 'ns1.ip-1-2-3.eu';

/** The three calls resolveIntent makes, over a list that hides tasks younger than `lagMs`. */
function laggingApi(tasks: { taskId: number; createdAt: number }[], apiNow: number, lagMs: number): OvhApi {
  const task = (t: { taskId: number; createdAt: number }): ServerTask =>
    ({
      taskId: t.taskId,
      function: 'reinstallServer',
      status: 'doing',
      startDate: new Date(t.createdAt).toISOString(),
    }) as ServerTask;
  return {
    getApiTime: async () => Math.floor(apiNow / 1000) * 1000,
    listTasks: async () => tasks.filter((t) => apiNow - t.createdAt >= lagMs).map((t) => t.taskId),
    getTask: async (_sn: string, id: number) => task(tasks.find((t) => t.taskId === id)!),
  } as unknown as OvhApi;
}

describe('resolveIntent', () => {
  it('never says "absent" while our task exists, for any lag up to the settle time', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1_600_000_000_000, max: 1_900_000_000_000 }), // OVHcloud's time at the intent
        fc.integer({ min: 0, max: 30_000 }), // transit of the POST
        fc.integer({ min: 0, max: DEFAULT_SETTLE_MS - 30_000 }), // lag of the list
        fc.integer({ min: 0, max: 2 * DEFAULT_SETTLE_MS }), // when the look happens, after the POST
        fc.integer({ min: -3_600_000, max: 3_600_000 }), // our clock's error (must not matter)
        async (intentAt, transit, lagMs, lookAfter, ourError) => {
          const createdAt = intentAt + transit;
          const api = laggingApi([{ taskId: 7, createdAt }], createdAt + lookAfter, lagMs);
          const intent = {
            serviceName: SN,
            priorTaskIds: [1, 2],
            createdAtMs: intentAt + ourError,
            apiTimeMs: Math.floor(intentAt / 1000) * 1000,
          };

          const resolution = await resolveIntent(api, intent, {
            skewMs: 600_000,
            settleMs: DEFAULT_SETTLE_MS,
          });

          expect(resolution.kind).not.toBe('absent');
          if (lookAfter >= lagMs) expect(resolution).toMatchObject({ kind: 'found', task: { taskId: 7 } });
        },
      ),
      { numRuns: 500 },
    );
  });

  it('never takes a task started more than the tolerance before the intent for ours', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1_600_000_000_000, max: 1_900_000_000_000 }),
        fc.integer({ min: API_TIME_TOLERANCE_MS + 1_000, max: 86_400_000 }),
        async (intentAt, before) => {
          const api = laggingApi([{ taskId: 9, createdAt: intentAt - before }], intentAt + 60_000, 0);
          const intent = { serviceName: SN, priorTaskIds: [], createdAtMs: intentAt, apiTimeMs: intentAt };

          const resolution = await resolveIntent(api, intent, {
            skewMs: 600_000,
            settleMs: DEFAULT_SETTLE_MS,
          });

          expect(resolution.kind).not.toBe('found');
        },
      ),
      { numRuns: 300 },
    );
  });
});
