/**
 * The OvhApi contract: the assertions every model of the OVHcloud API must pass, method by method
 * of the port (src/ovh/ovh-api.ts). It runs against the in-memory fake (fake.contract.test.ts) and
 * against the simulator through the real client (sim.contract.test.ts), so the two models cannot
 * drift apart. Each assertion states a fact of API-NOTES.md (the real API decides); the few that
 * state a simulator assumption on an unrecorded behaviour say so.
 */
import { afterAll, beforeAll, describe } from 'vitest';
import { describeReads } from './contract-reads.js';
import { describeReinstall } from './contract-reinstall.js';
import { describeTasks } from './contract-tasks.js';
import type { ContractWorld } from './world.js';

export type { ContractServer, ContractWorld } from './world.js';

/** Defines the contract's tests for one model; `create` builds its world (once per file). */
export function defineOvhApiContract(model: string, create: () => Promise<ContractWorld>): void {
  let world: ContractWorld;

  beforeAll(async () => {
    world = await create();
  });
  afterAll(async () => {
    await world.close();
  });

  describe(`OvhApi contract: ${model}`, () => {
    describeReads(() => world);
    describeReinstall(() => world);
    describeTasks(() => world);
  });
}
