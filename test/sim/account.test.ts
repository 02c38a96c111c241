import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildAccount } from '../../src/sim/account.js';
import { buildCatalog, startSimulator, type RunningSimulator, type SimServer } from '../../src/sim/index.js';
import { call, serverName } from './sim-client.js';

const NOW = Date.UTC(2026, 10, 27, 12, 0, 0);

describe('seeded account', () => {
  it('is identical, byte for byte, for the same seed and differs for another', () => {
    expect(JSON.stringify(buildAccount(12, 1))).toBe(JSON.stringify(buildAccount(12, 1)));
    expect(JSON.stringify(buildAccount(12, 2))).not.toBe(JSON.stringify(buildAccount(12, 1)));
  });

  it('has realistic unique service names and the two unclear OS answers', () => {
    const account = buildAccount(12, 1);

    expect(new Set(account.map((s) => s.server.name)).size).toBe(12);
    for (const s of account) expect(s.server.name).toMatch(/^ns\d{7}\.ip-\d+-\d+-\d+\.(eu|net)$/);
    expect(account.map((s) => s.server.os)).toContain('');
    expect(account.map((s) => s.server.os)).toContain('none_64');
  });

  it('varies compatible templates with the hardware', () => {
    const account = buildAccount(6, 1);
    const byDisks = (n: number): SimServer | undefined =>
      account.find(
        (s) => s.hardware.diskGroups[0]?.numberOfDisks === n && s.hardware.diskGroups.length === 1,
      );
    const single = byDisks(1);
    const pair = byDisks(2);

    expect(single?.hardware.diskGroups[0]?.description).toBe('1 X Disk SATA 2 TB, JBOD');
    expect(pair?.hardware.diskGroups[0]?.description).toBe('2 X Disk SSD 480 GB, JBOD');
    expect(single?.compatibleTemplates.ovh).not.toContain('win2022core-std_64');
    expect(single?.compatibleTemplates.ovh).not.toContain('proxmox8_64');
    expect(pair?.compatibleTemplates.ovh).toContain('proxmox8_64');
    expect(account.some((s) => s.hardware.diskGroups.some((g) => g.raidController))).toBe(true);
    expect(new Set(account.map((s) => s.compatibleTemplates.ovh.join())).size).toBeGreaterThan(2);
  });
});

describe('catalog', () => {
  it('lists the 14 templates with endOfInstall relative to the clock for two of them', () => {
    const { infos, templates } = buildCatalog(NOW);

    expect(templates.map((t) => t.templateName)).toEqual(
      expect.arrayContaining(['debian11_64', 'win2025core-std_64', 'byolinux_64']),
    );
    expect(infos).toHaveLength(14);
    expect(infos.find((i) => i.templateName === 'debian11_64')?.endOfInstall).toBe('2026-10-28');
    expect(infos.find((i) => i.templateName === 'ubuntu2204-server_64')?.endOfInstall).toBe('2027-01-11');
    expect(templates.find((t) => t.templateName === 'win2025core-std_64')?.inputs).toContainEqual({
      name: 'language',
      description: 'Display Language',
      default: 'en-us',
      mandatory: true,
      type: 'enum',
      enum: ['en-us', 'fr-fr'],
    });
  });
});

describe('account over HTTP', () => {
  let sim: RunningSimulator;
  beforeAll(async () => {
    sim = await startSimulator({ servers: 6 });
  });
  afterAll(() => sim.close());

  it('serves full server objects, hardware and compatible templates', async () => {
    const sn = serverName(sim, 0);

    const server = await call(sim, 'GET', `/dedicated/server/${sn}`);
    const hardware = await call(sim, 'GET', `/dedicated/server/${sn}/specifications/hardware`);
    const compatible = await call(sim, 'GET', `/dedicated/server/${sn}/install/compatibleTemplates`);
    const raid = await call(sim, 'GET', `/dedicated/server/${sn}/install/hardwareRaidProfile`);

    expect(Object.keys(server.body as object).sort()).toEqual(
      [
        'availabilityZone',
        'bootId',
        'bootScript',
        'commercialRange',
        'datacenter',
        'efiBootloaderPath',
        'iam',
        'ip',
        'linkSpeed',
        'monitoring',
        'name',
        'newUpgradeSystem',
        'noIntervention',
        'os',
        'powerState',
        'professionalUse',
        'rack',
        'region',
        'rescueMail',
        'rescueSshKey',
        'reverse',
        'rootDevice',
        'serverId',
        'state',
        'supportLevel',
      ].sort(),
    );
    expect(hardware.body).toMatchObject({ diskGroups: [{ diskGroupId: 1, numberOfDisks: 2 }] });
    expect(compatible.body).toMatchObject({ personal: [] });
    expect(raid).toMatchObject({
      status: 403,
      body: { message: 'Hardware RAID is not supported by this server' },
    });
  });

  it('changes a server out of band through POST /_sim/servers/{serviceName}', async () => {
    const sn = serverName(sim, 1);

    const patched = await call(sim, 'POST', `/_sim/servers/${sn}`, {
      body: { os: 'none_64', state: 'error' },
    });
    const server = await call(sim, 'GET', `/dedicated/server/${sn}`);
    const unknown = await call(sim, 'POST', '/_sim/servers/ns0.example', { body: { os: '' } });

    expect(patched.status).toBe(200);
    expect(server.body).toMatchObject({ os: 'none_64', state: 'error' });
    expect(unknown.status).toBe(404);
  });
});
