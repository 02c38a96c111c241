/**
 * Which reinstall tasks count toward rollout.maxConcurrent (docs/plan.md, "In flight"): a task on
 * any server the fleet NAMES (a spec, protected or not, or a status record) counts, whoever
 * started it; a server the fleet does not name is not observed, so its tasks do not count.
 */
import { describe, expect, it } from 'vitest';
import { makePlan } from '../../src/plan/make-plan.js';
import { input, observed, policy, record, spec } from './helpers.js';

const A = 'ns1.ip-1-2-3.eu';
const B = 'ns2.ip-1-2-3.eu';
const PINNED = 'ns3.ip-1-2-3.eu';
const running = { taskId: 77, status: 'doing' as const, startDate: '2026-11-27T11:50:00Z' };

function fleet(pinnedTask: boolean) {
  // A and B were applied with debian12 and now ask for ubuntu: two reinstalls wanted.
  const specs = [A, B].map((n) => spec(n, { operatingSystem: 'ubuntu2404-server_64' }));
  const applied = new Map([A, B].map((n) => [n, record(n, spec(n))]));
  const pinned = spec(PINNED, { reinstall: { generation: 1, protect: true } });
  applied.set(PINNED, record(PINNED, pinned));
  return input({
    specs: [...specs, pinned],
    applied,
    observed: new Map([
      [A, observed()],
      [B, observed()],
      [PINNED, observed({ runningTask: pinnedTask ? running : null })],
    ]),
    policy: policy({ maxConcurrent: 2 }),
  });
}

describe('tasks counted toward maxConcurrent', () => {
  it('counts a foreign reinstall on a protected server the fleet names', () => {
    const idle = makePlan(fleet(false));
    const busy = makePlan(fleet(true));

    expect(idle.servers.filter((s) => s.action === 'reinstall')).toHaveLength(2);
    expect(busy.servers.filter((s) => s.action === 'reinstall')).toHaveLength(1);
    expect(busy.servers.find((s) => s.action === 'deferred')?.reason).toBe('concurrency-limit');
  });
});
