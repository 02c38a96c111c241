/** The OvhApi contract's reads: servers, hardware, the catalog and the API clock. */
import { beforeAll, describe, expect, it } from 'vitest';
import type { OvhApi } from '../../src/ovh/ovh-api.js';
import { failure, SERVER_FIELDS, UNKNOWN_SERVER, type ContractWorld } from './world.js';

/** Defines these tests for the world `get` returns (created in the suite's beforeAll). */
export function describeReads(get: () => ContractWorld): void {
  let world: ContractWorld;
  let api: OvhApi;
  beforeAll(() => {
    world = get();
    api = world.api;
  });

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

  describe('API clock', () => {
    it('answers whole seconds that move with the API clock', async () => {
      const before = await api.getApiTime();

      await world.advance(60_000);
      const after = await api.getApiTime();

      expect(before % 1000).toBe(0);
      expect(after - before).toBeGreaterThanOrEqual(60_000);
      expect(after % 1000).toBe(0);
    });
  });
}
