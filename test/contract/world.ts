/**
 * The world the OvhApi contract (ovh-api-contract.ts) runs in: what each model gives it (a fresh
 * server, the API clock, a task another tool started, lost answers) and the helpers its tests share.
 */
import { expect } from 'vitest';
import { OvhApiError } from '../../src/ovh/errors.js';
import type { OvhApi } from '../../src/ovh/ovh-api.js';
import type { DedicatedServer, TaskStatus } from '../../src/ovh/types.js';

/** A server of the world that no other test used: idle, state `ok`, no task. */
export interface ContractServer {
  serviceName: string;
  /** The OS it runs now. */
  os: string;
  /** A catalog template it can install, other than `os`, whose inputs include `hostname`. */
  compatible: string;
  /** A catalog template it cannot install. */
  incompatible: string;
  /** A template it lists as compatible whose endOfInstall has passed. */
  ended: string;
}

/** What a test may do to the world behind the api, the same powers in both models. */
export interface ContractWorld {
  api: OvhApi;
  freshServer(): Promise<ContractServer>;
  /** Moves the API's clock forward; tasks progress with it. */
  advance(ms: number): Promise<void>;
  /** Starts a reinstall task nobody here posted (another tool), ending in `outcome`. */
  startForeignTask(serviceName: string, os: string, outcome: 'done' | 'customerError'): Promise<number>;
  /** Runs `act` while every reinstall POST creates its task but its answer is lost. */
  withLostReinstallAnswers<T>(act: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export const PENDING: readonly TaskStatus[] = ['init', 'todo', 'doing'];
/** Fields of dedicated.server.DedicatedWithIAM that ovh-fleet reads (src/ovh/types.ts). */
export const SERVER_FIELDS: readonly (keyof DedicatedServer)[] = [
  'name',
  'serverId',
  'os',
  'state',
  'datacenter',
  'ip',
  'reverse',
  'rack',
  'commercialRange',
  'powerState',
  'efiBootloaderPath',
  'bootId',
  'monitoring',
  'noIntervention',
  'professionalUse',
  'supportLevel',
  'linkSpeed',
  'rootDevice',
  'rescueMail',
  'newUpgradeSystem',
  'availabilityZone',
  'region',
  'iam',
];
export const UNKNOWN_SERVER = 'ns0000000.ip-203-0-113.eu';
export const STEP_MS = 5_000;
/** Longer than any task of either model, shorter than the retention of a finished one. */
export const TASK_END_MS = 30 * 60_000;
/** Longer than the retention of a finished task in either model. */
export const PURGE_MS = 100 * 3_600_000;

/** The OvhApiError `promise` rejects with (and fails the test when it resolves). */
export async function failure(promise: Promise<unknown>): Promise<OvhApiError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(OvhApiError);
  return error as OvhApiError;
}

/** Posts a reinstall of `server.compatible` and returns its task id. */
export async function post(world: ContractWorld, server: ContractServer): Promise<number> {
  return (await world.api.reinstall(server.serviceName, { operatingSystem: server.compatible })).taskId;
}

/** Advances in steps until the task has ended; returns every status seen (after `seen`), in order. */
export async function followToEnd(
  world: ContractWorld,
  server: ContractServer,
  taskId: number,
  seen: TaskStatus[] = [],
): Promise<TaskStatus[]> {
  for (let spent = 0; spent <= TASK_END_MS; spent += STEP_MS) {
    const { status } = await world.api.getTask(server.serviceName, taskId);
    if (seen[seen.length - 1] !== status) seen.push(status);
    if (!PENDING.includes(status)) return seen;
    await world.advance(STEP_MS);
  }
  throw new Error(`task ${taskId} still pending after ${TASK_END_MS} ms`);
}

/** Advances in steps until the task is `doing`. */
export async function advanceToDoing(
  world: ContractWorld,
  server: ContractServer,
  taskId: number,
): Promise<void> {
  for (let spent = 0; spent <= TASK_END_MS; spent += STEP_MS) {
    if ((await world.api.getTask(server.serviceName, taskId)).status === 'doing') return;
    await world.advance(STEP_MS);
  }
  throw new Error(`task ${taskId} never reached doing`);
}
