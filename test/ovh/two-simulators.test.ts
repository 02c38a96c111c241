import { afterAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/core/clock.js';
import { createOvhApi } from '../../src/ovh/create-ovh-api.js';
import { RequestBudgetRegistry } from '../../src/ovh/request-budget.js';
import { simulatorCredentials } from '../../src/sim/client-credentials.js';
import { startSimulator, type RunningSimulator } from '../../src/sim/index.js';

const sims: RunningSimulator[] = [];

afterAll(async () => {
  await Promise.all(sims.map((s) => s.close()));
});

describe('one process trusting several simulators (benches run one after another)', () => {
  it('reaches each of them through its own certificate', async () => {
    const names: string[][] = [];
    for (const seed of [1, 2]) {
      const sim = await startSimulator({ servers: 3, seed });
      sims.push(sim);
      const api = createOvhApi(simulatorCredentials(sim, `two-sims-${seed}`), {
        budgets: new RequestBudgetRegistry(systemClock),
      });
      names.push(await api.listServers());
    }
    const again = createOvhApi(simulatorCredentials(sims[0]!, 'two-sims-again'), {
      budgets: new RequestBudgetRegistry(systemClock),
    });

    expect(names[0]).toHaveLength(3);
    expect(names[1]).toHaveLength(3);
    expect(await again.listServers()).toEqual(names[0]);
  });
});
