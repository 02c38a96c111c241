/**
 * The OvhApi contract: the assertions every model of the OVHcloud API must pass, method by method
 * of the port (src/ovh/ovh-api.ts). It runs against the in-memory fake (fake.contract.test.ts) and
 * against the simulator through the real client (sim.contract.test.ts), so the two models cannot
 * drift apart. Each assertion states a fact of API-NOTES.md (the real API decides); the few that
 * state a simulator assumption on an unrecorded behaviour say so.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

const PENDING: readonly TaskStatus[] = ['init', 'todo', 'doing'];
/** Fields of dedicated.server.DedicatedWithIAM that ovh-fleet reads (src/ovh/types.ts). */
const SERVER_FIELDS: readonly (keyof DedicatedServer)[] = [
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
const UNKNOWN_SERVER = 'ns0000000.ip-203-0-113.eu';
const STEP_MS = 5_000;
/** Longer than any task of either model, shorter than the retention of a finished one. */
const TASK_END_MS = 30 * 60_000;
/** Longer than the retention of a finished task in either model. */
const PURGE_MS = 100 * 3_600_000;

async function failure(promise: Promise<unknown>): Promise<OvhApiError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(OvhApiError);
  return error as OvhApiError;
}

/** Defines the contract's tests for one model; `create` builds its world (once per file). */
export function defineOvhApiContract(model: string, create: () => Promise<ContractWorld>): void {
  let world: ContractWorld;
  let api: OvhApi;

  beforeAll(async () => {
    world = await create();
    api = world.api;
  });
  afterAll(async () => {
    await world.close();
  });

  /** Posts a reinstall of `server.compatible` and returns its task id. */
  async function post(server: ContractServer): Promise<number> {
    return (await api.reinstall(server.serviceName, { operatingSystem: server.compatible })).taskId;
  }

  /** Advances in steps until the task has ended; returns every status seen, in order. */
  async function followToEnd(server: ContractServer, taskId: number): Promise<TaskStatus[]> {
    const seen: TaskStatus[] = [];
    for (let spent = 0; spent <= TASK_END_MS; spent += STEP_MS) {
      const { status } = await api.getTask(server.serviceName, taskId);
      if (seen[seen.length - 1] !== status) seen.push(status);
      if (!PENDING.includes(status)) return seen;
      await world.advance(STEP_MS);
    }
    throw new Error(`task ${taskId} still pending after ${TASK_END_MS} ms`);
  }

  /** Advances in steps until the task is `doing`. */
  async function advanceToDoing(server: ContractServer, taskId: number): Promise<void> {
    for (let spent = 0; spent <= TASK_END_MS; spent += STEP_MS) {
      if ((await api.getTask(server.serviceName, taskId)).status === 'doing') return;
      await world.advance(STEP_MS);
    }
    throw new Error(`task ${taskId} never reached doing`);
  }

  describe(`OvhApi contract: ${model}`, () => {
    describe('servers', () => {
      it('lists a server and reads it in full', async () => {
        const server = await world.freshServer();

        const names = await api.listServers();
        const read = await api.getServer(server.serviceName);

        expect(names).toContain(server.serviceName);
        expect(Object.keys(read)).toEqual(expect.arrayContaining([...SERVER_FIELDS]));
        expect(read).toMatchObject({ name: server.serviceName, os: server.os, state: 'ok' });
        expect(typeof read.serverId).toBe('number');
      });

      it('lists compatible templates under `ovh`, with `personal` empty', async () => {
        const server = await world.freshServer();

        const compatible = await api.getCompatibleTemplates(server.serviceName);

        expect(compatible.ovh).toEqual(expect.arrayContaining([server.compatible, server.ended]));
        expect(compatible.ovh).not.toContain(server.incompatible);
        expect(compatible.personal).toEqual([]);
      });

      it('reads the hardware with at least one disk group', async () => {
        const server = await world.freshServer();

        const hardware = await api.getHardware(server.serviceName);

        expect(['legacy', 'uefi', 'uefi-legacy']).toContain(hardware.bootMode);
        expect(hardware.diskGroups.length).toBeGreaterThan(0);
        for (const group of hardware.diskGroups) {
          expect(group.diskGroupId).toBeGreaterThan(0);
          expect(group.numberOfDisks).toBeGreaterThan(0);
          expect(group.diskSize.value).toBeGreaterThan(0);
        }
      });

      it.each([
        ['getServer', (a: OvhApi) => a.getServer(UNKNOWN_SERVER), 'GET', ''],
        [
          'getCompatibleTemplates',
          (a: OvhApi) => a.getCompatibleTemplates(UNKNOWN_SERVER),
          'GET',
          '/install/compatibleTemplates',
        ],
        ['getHardware', (a: OvhApi) => a.getHardware(UNKNOWN_SERVER), 'GET', '/specifications/hardware'],
        ['listTasks', (a: OvhApi) => a.listTasks(UNKNOWN_SERVER), 'GET', '/task'],
        ['getTask', (a: OvhApi) => a.getTask(UNKNOWN_SERVER, 1), 'GET', '/task/1'],
        ['getInstallProgress', (a: OvhApi) => a.getInstallProgress(UNKNOWN_SERVER), 'GET', '/install/status'],
        [
          'reinstall',
          (a: OvhApi) => a.reinstall(UNKNOWN_SERVER, { operatingSystem: 'debian12_64' }),
          'POST',
          '/reinstall',
        ],
      ])('%s of a server outside the account is not-found (404)', async (_name, call, method, tail) => {
        const error = await failure(call(api));

        expect(error).toMatchObject({
          code: 'api-not-found',
          disposition: 'not-found',
          status: 404,
          ambiguous: false,
          method,
          path: `/dedicated/server/${UNKNOWN_SERVER}${tail}`,
        });
      });
    });

    describe('catalog', () => {
      it('lists template infos and reads each named template with its inputs', async () => {
        const server = await world.freshServer();

        const infos = await api.listTemplateInfos();
        const template = await api.getTemplate(server.compatible);

        const names = infos.map((t) => t.templateName);
        expect(names).toEqual(expect.arrayContaining([server.compatible, server.incompatible, server.ended]));
        for (const info of infos) expect(info.endOfInstall ?? '2999-12-31').toMatch(/^\d{4}-\d{2}-\d{2}$/);
        expect(template.templateName).toBe(server.compatible);
        expect(template.inputs?.map((i) => i.name)).toContain('hostname');
      });

      it('answers not-found (404) for an unknown template', async () => {
        const error = await failure(api.getTemplate('nosuchos_64'));

        expect(error).toMatchObject({ code: 'api-not-found', disposition: 'not-found', status: 404 });
      });
    });

    describe('reinstall', () => {
      it('accepts a body and answers a task in `init`, dated in the API clock', async () => {
        const server = await world.freshServer();
        const apiNow = await api.getApiTime();

        const task = await api.reinstall(server.serviceName, {
          operatingSystem: server.compatible,
          customizations: { hostname: 'web1.example.com' },
        });

        // dedicated.server.task.Response: these six fields and no others (API-NOTES §3.2).
        expect(Object.keys(task).sort()).toEqual([
          'comment',
          'doneDate',
          'function',
          'startDate',
          'status',
          'taskId',
        ]);
        expect(task).toMatchObject({ function: 'reinstallServer', status: 'init', doneDate: null });
        expect(typeof task.taskId).toBe('number');
        expect(typeof task.comment).toBe('string');
        expect(Math.abs(Date.parse(task.startDate) - apiNow)).toBeLessThan(5_000);
      });

      it('refuses a second reinstall while a task runs: 400 TaskAlreadyExists, busy', async () => {
        const server = await world.freshServer();
        const taskId = await post(server);

        const error = await failure(post(server));

        expect(error).toMatchObject({
          code: 'api-task-already-exists',
          disposition: 'busy',
          status: 400,
          ovhClass: 'Client::BadRequest::TaskAlreadyExists',
          ambiguous: false,
          method: 'POST',
          path: `/dedicated/server/${server.serviceName}/reinstall`,
        });
        expect(error.message).toMatch(
          new RegExp(
            `^Task ${taskId} of type reinstallServer with status (init|todo|doing) is already running on server ${server.serviceName.replace(/\./g, '\\.')}`,
          ),
        );
      });

      it('refuses a reinstall while a task another tool started runs', async () => {
        const server = await world.freshServer();
        const foreign = await world.startForeignTask(server.serviceName, server.compatible, 'done');

        const error = await failure(post(server));

        expect(error).toMatchObject({ code: 'api-task-already-exists', disposition: 'busy' });
        expect(error.message).toContain(`Task ${foreign} `);
      });

      it('fails ambiguously when the answer is lost, and the task list shows the task', async () => {
        const server = await world.freshServer();

        const error = await failure(world.withLostReinstallAnswers(() => post(server)));

        expect(error).toMatchObject({ ambiguous: true, disposition: 'transient', method: 'POST' });
        expect(await api.listTasks(server.serviceName, { function: 'reinstallServer' })).toHaveLength(1);
      });

      it('accepts a new reinstall once the task has ended', async () => {
        const server = await world.freshServer();
        const first = await post(server);
        await followToEnd(server, first);

        const second = await post(server);

        expect(second).not.toBe(first);
      });

      it.each([
        [
          'an unknown OS: 404 OperatingSystem',
          () => ({ operatingSystem: 'nosuchos_64' }),
          { code: 'api-os-not-found', status: 404, ovhClass: 'Client::NotFound::OperatingSystem' },
          'Operating system nosuchos_64 could not be found',
        ],
        [
          'an OS the server cannot install: 409 OperatingSystemIncompatible',
          (s: ContractServer) => ({ operatingSystem: s.incompatible }),
          {
            code: 'api-os-incompatible',
            status: 409,
            ovhClass: 'Client::Conflict::OperatingSystemIncompatible',
          },
          'is not compatible for server',
        ],
        [
          // The class is the simulator's assumption: OVHcloud's answer is not recorded.
          'a template past its endOfInstall: 409 OperatingSystemIncompatible',
          (s: ContractServer) => ({ operatingSystem: s.ended }),
          {
            code: 'api-os-incompatible',
            status: 409,
            ovhClass: 'Client::Conflict::OperatingSystemIncompatible',
          },
          'is not compatible for server',
        ],
        [
          'a customization the template does not ask: 400 CustomizationName',
          (s: ContractServer) => ({
            operatingSystem: s.compatible,
            customizations: { favouriteColour: 'blue' },
          }),
          { code: 'api-customization-name', status: 400, ovhClass: 'Client::BadRequest::CustomizationName' },
          `Customization favouriteColour doesn't exist for operating system`,
        ],
        [
          'a customization of the wrong JSON type: 400 CustomizationInvalidFormat',
          (s: ContractServer) => ({ operatingSystem: s.compatible, customizations: { hostname: 42 } }),
          {
            code: 'api-customization-invalid-format',
            status: 400,
            ovhClass: 'Client::BadRequest::CustomizationInvalidFormat',
          },
          'Invalid customization format for hostname of type hostname',
        ],
      ])('refuses %s, terminal, and starts no task', async (_name, body, expected, text) => {
        const server = await world.freshServer();

        const error = await failure(api.reinstall(server.serviceName, body(server)));

        expect(error).toMatchObject({
          ...expected,
          disposition: 'terminal',
          ambiguous: false,
          method: 'POST',
          path: `/dedicated/server/${server.serviceName}/reinstall`,
        });
        expect(error.message).toContain(text);
        expect(await api.listTasks(server.serviceName)).toEqual([]);
      });
    });

    describe('tasks', () => {
      it('lists the task of a reinstall, filtered by function and status', async () => {
        const server = await world.freshServer();
        expect(await api.listTasks(server.serviceName)).toEqual([]);
        const taskId = await post(server);

        const all = await api.listTasks(server.serviceName);
        const reinstalls = await api.listTasks(server.serviceName, { function: 'reinstallServer' });
        const reboots = await api.listTasks(server.serviceName, { function: 'hardReboot' });
        const init = await api.listTasks(server.serviceName, { status: 'init' });
        const done = await api.listTasks(server.serviceName, { status: 'done' });

        expect(all).toEqual([taskId]);
        expect(reinstalls).toEqual([taskId]);
        expect(reboots).toEqual([]);
        expect(init).toEqual([taskId]);
        expect(done).toEqual([]);
      });

      it('moves a task init -> todo -> doing -> done and then installs the new OS', async () => {
        const server = await world.freshServer();
        const taskId = await post(server);
        const first = await api.getTask(server.serviceName, taskId);

        const seen = await followToEnd(server, taskId);

        const last = await api.getTask(server.serviceName, taskId);
        expect(first).toMatchObject({ taskId, function: 'reinstallServer', status: 'init', doneDate: null });
        expect(seen).toEqual(['init', 'todo', 'doing', 'done']);
        expect(Date.parse(last.doneDate ?? '')).toBeGreaterThan(Date.parse(last.startDate));
        expect((await api.getServer(server.serviceName)).os).toBe(server.compatible);
        expect(await api.listTasks(server.serviceName, { status: 'done' })).toEqual([taskId]);
      });

      it('ends a failed task in customerError with a comment and leaves the OS', async () => {
        const server = await world.freshServer();
        const taskId = await world.startForeignTask(server.serviceName, server.compatible, 'customerError');

        const seen = await followToEnd(server, taskId);

        const task = await api.getTask(server.serviceName, taskId);
        expect(seen[seen.length - 1]).toBe('customerError');
        expect(task.comment).toMatch(/\S/);
        expect(task.doneDate).not.toBeNull();
        expect((await api.getServer(server.serviceName)).os).toBe(server.os);
      });

      it('purges a finished task after a while: 404 and gone from the list', async () => {
        const server = await world.freshServer();
        const taskId = await post(server);
        await followToEnd(server, taskId);

        await world.advance(PURGE_MS);

        const error = await failure(api.getTask(server.serviceName, taskId));
        expect(error).toMatchObject({ code: 'api-not-found', disposition: 'not-found', status: 404 });
        expect(await api.listTasks(server.serviceName)).toEqual([]);
      });

      it('answers not-found (404) for a task id the server never had', async () => {
        const server = await world.freshServer();

        const error = await failure(api.getTask(server.serviceName, 999_999_999));

        expect(error).toMatchObject({
          code: 'api-not-found',
          status: 404,
          path: `/dedicated/server/${server.serviceName}/task/999999999`,
        });
      });
    });

    describe('install progress', () => {
      it('is null (404 "not being installed") when idle and while the task waits', async () => {
        const server = await world.freshServer();
        const idle = await api.getInstallProgress(server.serviceName);
        await post(server);

        const waiting = await api.getInstallProgress(server.serviceName);

        expect(idle).toBeNull();
        expect(waiting).toBeNull();
      });

      it('shows the steps while the task is doing, and is null again once it is done', async () => {
        const server = await world.freshServer();
        const taskId = await post(server);
        await advanceToDoing(server, taskId);

        const doing = await api.getInstallProgress(server.serviceName);
        await followToEnd(server, taskId);
        const after = await api.getInstallProgress(server.serviceName);

        expect(doing?.elapsedTime).toBeGreaterThanOrEqual(0);
        expect(doing?.progress?.[0]?.comment).toBe('Checking BIOS version');
        expect(doing?.progress?.filter((s) => s.status === 'doing')).toHaveLength(1);
        expect(doing?.progress?.[doing.progress.length - 1]?.comment).toBe(
          'Sending end of installation mail',
        );
        expect(after).toBeNull();
      });

      it('keeps showing the failed step, with its error, after a task failed', async () => {
        const server = await world.freshServer();
        const taskId = await world.startForeignTask(server.serviceName, server.compatible, 'customerError');
        await followToEnd(server, taskId);

        const failed = await api.getInstallProgress(server.serviceName);

        const errors = failed?.progress?.filter((s) => s.status === 'error') ?? [];
        expect(errors).toHaveLength(1);
        expect(errors[0]?.error).toMatch(/\S/);
        expect(failed?.progress?.some((s) => s.status === 'doing')).toBe(false);
      });
    });

    describe('API clock', () => {
      it('answers whole seconds that move with the API clock', async () => {
        const before = await api.getApiTime();

        await world.advance(60_000);
        const after = await api.getApiTime();

        expect(before % 1000).toBe(0);
        expect(after - before).toBeGreaterThanOrEqual(60_000);
        expect(after - before).toBeLessThan(65_000);
      });
    });
  });
}
