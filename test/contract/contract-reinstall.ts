/** The OvhApi contract's reinstall POST: the task it answers and every refusal both models agree on. */
import { beforeAll, describe, expect, it } from 'vitest';
import type { OvhApi } from '../../src/ovh/ovh-api.js';
import { failure, followToEnd, post, type ContractServer, type ContractWorld } from './world.js';

/** Defines these tests for the world `get` returns (created in the suite's beforeAll). */
export function describeReinstall(get: () => ContractWorld): void {
  let world: ContractWorld;
  let api: OvhApi;
  beforeAll(() => {
    world = get();
    api = world.api;
  });

  describe('reinstall', () => {
    it('accepts a body and answers a task in `init`, dated in the API clock', async () => {
      const server = await world.freshServer();
      const before = await api.getApiTime();

      const task = await api.reinstall(server.serviceName, {
        operatingSystem: server.compatible,
        customizations: { hostname: 'web1.example.com' },
      });

      const after = await api.getApiTime();

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
      // getApiTime answers whole seconds: the start lies between the two readings.
      expect(Date.parse(task.startDate)).toBeGreaterThanOrEqual(before);
      expect(Date.parse(task.startDate)).toBeLessThan(after + 1000);
    });

    it('refuses a second reinstall while a task runs: 400 TaskAlreadyExists, busy', async () => {
      const server = await world.freshServer();
      const taskId = await post(world, server);

      const error = await failure(post(world, server));

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

      const error = await failure(post(world, server));

      expect(error).toMatchObject({ code: 'api-task-already-exists', disposition: 'busy' });
      expect(error.message).toContain(`Task ${foreign} `);
    });

    it('fails ambiguously when the answer is lost, and the task list shows the task', async () => {
      const server = await world.freshServer();

      const error = await failure(world.withLostReinstallAnswers(() => post(world, server)));

      expect(error).toMatchObject({ ambiguous: true, disposition: 'transient', method: 'POST' });
      expect(await api.listTasks(server.serviceName, { function: 'reinstallServer' })).toHaveLength(1);
    });

    it('accepts a new reinstall once the task has ended', async () => {
      const server = await world.freshServer();
      const first = await post(world, server);
      await followToEnd(world, server, first);

      const second = await post(world, server);

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
}
