/**
 * A reinstall the executor refused because a secret name is not allowed (`env-not-allowed`) is a
 * spec problem: the status record says `invalid`, its lastError has that code and names the variable, never
 * shows a value.
 */
import { describe, expect, it } from 'vitest';
import type { ApplyOutcome } from '../../src/records/outcomes.js';
import type { Plan } from '../../src/plan/types.js';
import { buildStatusRecords } from '../../src/status/build-records.js';
import { entry } from '../apply/helpers.js';

describe('status of a refused secret', () => {
  it.each(['env-not-allowed', 'secret-missing'] as const)('%s makes the record invalid', (code) => {
    const server = entry('ns1.ip-1-2-3.eu');
    const plan = { servers: [server], planHash: 'sha256:p', revision: 'r'.repeat(40) } as unknown as Plan;
    const outcome: ApplyOutcome = {
      serviceName: 'ns1.ip-1-2-3.eu',
      digest: server.digest,
      taskId: null,
      revision: plan.revision,
      planHash: plan.planHash,
      result: 'not-started',
      code,
      message: 'OVH_CONSUMER_KEY is not an allowed secret',
      posted: false,
    } as ApplyOutcome;

    const records = buildStatusRecords({
      plan,
      outcomes: [outcome],
      progress: new Map(),
      previous: new Map(),
      observed: new Map(),
      canonical: new Map(),
      specCommits: new Map(),
      now: 0,
    });

    expect(records.get('ns1.ip-1-2-3.eu')).toMatchObject({ phase: 'invalid', lastError: { code } });
  });
});
