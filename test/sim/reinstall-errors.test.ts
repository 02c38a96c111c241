import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type RunningSimulator } from '../../src/sim/index.js';
import { call, serverName } from './sim-client.js';

// Servers of the default account by index: 0 ssd-jbod (2 SSD), 1 nvme, 2 hw-raid (4 SSD behind a
// controller), 3 single-disk (legacy boot), 4 sata-4, 5 dual-group (NVMe pair + 4 SATA).
const BYOI = {
  imageURL: 'https://example.com/img.qcow2',
  imageType: 'qcow2',
  efiBootloaderPath: '\\efi\\boot\\bootx64.efi',
};
const root = { mountPoint: '/', fileSystem: 'ext4', size: 0 };

const CASES: [string, number, unknown, number, string, RegExp?][] = [
  [
    'an unknown top-level field',
    0,
    { operatingSystem: 'debian12_64', foo: 1 },
    400,
    'Client::BadRequest',
    /\[foo\] Unknown property/,
  ],
  [
    'operatingSystem of the wrong type',
    0,
    { operatingSystem: 12 },
    400,
    'Client::BadRequest',
    /\[operatingSystem\] Given data \(12\)/,
  ],
  ['a missing operatingSystem', 0, {}, 400, 'Client::BadRequest', /Property is mandatory/],
  [
    'a diskGroupId string',
    0,
    { operatingSystem: 'debian12_64', storage: [{ diskGroupId: '1' }] },
    400,
    'Client::BadRequest',
    /type long/,
  ],
  [
    'an unknown OS',
    0,
    { operatingSystem: 'plan9_64' },
    404,
    'Client::NotFound::OperatingSystem',
    /^Operating system plan9_64 could not be found$/,
  ],
  [
    'an OS incompatible with the server',
    3,
    { operatingSystem: 'win2022core-std_64' },
    409,
    'Client::Conflict::OperatingSystemIncompatible',
    /^Operating system win2022core-std_64 is not compatible for server ns/,
  ],
  [
    'an OS past its endOfInstall',
    0,
    { operatingSystem: 'debian11_64' },
    409,
    'Client::Conflict::OperatingSystemIncompatible',
  ],
  [
    'an unknown customization',
    0,
    { operatingSystem: 'debian12_64', customizations: { foo: 'x' } },
    400,
    'Client::BadRequest::CustomizationName',
    /^Customization foo doesn't exist for operating system debian12_64$/,
  ],
  [
    'a boolean sent as a string',
    0,
    { operatingSystem: 'debian13_64', customizations: { enableLacpBonding: 'true' } },
    400,
    'Client::BadRequest::CustomizationInvalidFormat',
    /^Invalid customization format for enableLacpBonding of type boolean: /,
  ],
  [
    'an RFC 1035 invalid hostname',
    0,
    { operatingSystem: 'debian12_64', customizations: { hostname: 'web_1.example.com' } },
    400,
    'Client::BadRequest::CustomizationInvalidFormat',
    /hostname of type hostname/,
  ],
  [
    'a malformed ssh key',
    0,
    { operatingSystem: 'debian12_64', customizations: { sshKey: 'not a key' } },
    400,
    'Client::BadRequest::CustomizationInvalidFormat',
    /sshKey of type sshPubKey/,
  ],
  [
    'a value outside the enum',
    0,
    { operatingSystem: 'win2025core-std_64', customizations: { language: 'de-de' } },
    400,
    'Client::BadRequest::CustomizationInvalidFormat',
    /language of type enum/,
  ],
  [
    'a keyValue with a non-string value',
    0,
    { operatingSystem: 'debian13_64', customizations: { configDriveMetadata: { a: 1 } } },
    400,
    'Client::BadRequest::CustomizationInvalidFormat',
  ],
  [
    'a missing mandatory input',
    0,
    { operatingSystem: 'byoi_64', customizations: { imageType: 'raw', efiBootloaderPath: 'x' } },
    400,
    'Client::BadRequest::CustomizationMandatory',
    /imageURL is mandatory/,
  ],
  [
    'two storage entries',
    5,
    { operatingSystem: 'debian12_64', storage: [{ diskGroupId: 1 }, { diskGroupId: 2 }] },
    501,
    'Server::NotImplemented::DiskGroupMultipleConfigs',
    /^Multiple \(2\) disk groups/,
  ],
  [
    'an unknown disk group',
    0,
    { operatingSystem: 'debian12_64', storage: [{ diskGroupId: 9 }] },
    404,
    'Client::NotFound::DiskGroup',
    /could not be found on server/,
  ],
  [
    'a hardware RAID without controller',
    0,
    { operatingSystem: 'debian12_64', storage: [{ hardwareRaid: [{ raidLevel: 1 }] }] },
    409,
    'Client::Conflict::HardwareRaidIncompatibleOnServer',
  ],
  [
    'a file system the OS lacks',
    0,
    {
      operatingSystem: 'alma9_64',
      storage: [{ partitioning: { layout: [{ ...root, fileSystem: 'zfs' }] } }],
    },
    400,
    'Client::BadRequest::PartitionIncompatibleFs',
    /must be one of \[ext4, swap, xfs\]/,
  ],
  [
    'RAID 0 on a mirroring-only OS',
    0,
    {
      operatingSystem: 'win2022core-std_64',
      storage: [{ partitioning: { layout: [{ mountPoint: 'c:', fileSystem: 'ntfs', raidLevel: 0 }] } }],
    },
    400,
    'Client::BadRequest::PartitionIncompatibleRaidLevel',
  ],
  [
    'two partitions of size 0',
    0,
    {
      operatingSystem: 'debian12_64',
      storage: [{ partitioning: { layout: [root, { mountPoint: '/data', fileSystem: 'xfs', size: 0 }] } }],
    },
    400,
    'Client::BadRequest::PartitionDuplicatedAttribute',
    /size value 0/,
  ],
  [
    'a mount point without leading slash',
    0,
    {
      operatingSystem: 'debian12_64',
      storage: [{ partitioning: { layout: [root, { mountPoint: 'data', fileSystem: 'xfs', size: 10 }] } }],
    },
    400,
    'Client::BadRequest::PartitionInvalidUnixMountpointPrefix',
  ],
  [
    'a forbidden mount point',
    0,
    {
      operatingSystem: 'debian12_64',
      storage: [{ partitioning: { layout: [root, { mountPoint: '/proc', fileSystem: 'xfs', size: 10 }] } }],
    },
    400,
    'Client::BadRequest::PartitionForbiddenMountpoint',
  ],
  [
    'LVM extras on an OS without lvmReady',
    0,
    {
      operatingSystem: 'win2022core-std_64',
      storage: [
        {
          partitioning: {
            layout: [{ mountPoint: 'c:', fileSystem: 'ntfs', extras: { lv: { name: 'root' } } }],
          },
        },
      ],
    },
    400,
    'Client::BadRequest::PartitionIncompatibleLvm',
  ],
  [
    'a custom layout on a noPartitioning OS',
    0,
    { operatingSystem: 'byoi_64', customizations: BYOI, storage: [{ partitioning: { layout: [root] } }] },
    400,
    'Client::BadRequest::PartitionIncompatibleCustomPartitioning',
    /^Operating system {2}byoi_64 doesn't support/,
  ],
  [
    'a layout without the root mount point',
    0,
    {
      operatingSystem: 'debian12_64',
      storage: [{ partitioning: { layout: [{ mountPoint: '/data', fileSystem: 'xfs' }] } }],
    },
    400,
    'Client::BadRequest::PartitionMissingRootMountpoint',
  ],
  [
    'too many disks for a hardware RAID',
    2,
    { operatingSystem: 'debian12_64', storage: [{ hardwareRaid: [{ disks: 8 }] }] },
    409,
    'Client::Conflict::HardwareRaidTooManyDisks',
  ],
];

describe('POST /dedicated/server/{sn}/reinstall validation', () => {
  let sim: RunningSimulator;
  beforeAll(async () => {
    sim = await startSimulator();
  });
  afterAll(() => sim.close());

  it.each(CASES)('refuses %s', async (_name, index, body, status, errorClass, message) => {
    const res = await call(sim, 'POST', `/dedicated/server/${serverName(sim, index)}/reinstall`, { body });

    expect(res.status).toBe(status);
    expect(res.body).toMatchObject({ class: errorClass });
    if (message) expect((res.body as { message: string }).message).toMatch(message);
  });

  it('creates no task for a refused reinstall', async () => {
    const name = serverName(sim, 0);

    const tasks = await call(sim, 'GET', `/dedicated/server/${name}/task`);

    expect(tasks.body).toEqual([]);
  });

  it('refuses a body that is not JSON', async () => {
    const res = await call(sim, 'POST', `/dedicated/server/${serverName(sim, 0)}/reinstall`, {
      rawBody: '{oops',
    });

    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ class: 'Client::BadRequest', message: 'Invalid JSON received' });
  });

  it.each([
    [
      'hardware RAID on the controller box',
      2,
      { operatingSystem: 'debian12_64', storage: [{ hardwareRaid: [{ raidLevel: 5 }] }] },
    ],
    [
      'a layout on disk group 2',
      5,
      {
        operatingSystem: 'debian12_64',
        storage: [
          {
            diskGroupId: 2,
            partitioning: { layout: [root, { mountPoint: 'swap', fileSystem: 'swap', size: 2048 }] },
          },
        ],
      },
    ],
    ['byoi with its mandatory inputs', 1, { operatingSystem: 'byoi_64', customizations: BYOI }],
    [
      'windows with defaults for mandatory inputs',
      4,
      { operatingSystem: 'win2025core-std_64', customizations: { enableLacpBonding: true } },
    ],
  ])('accepts %s', async (_name, index, body) => {
    const res = await call(sim, 'POST', `/dedicated/server/${serverName(sim, index)}/reinstall`, { body });

    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ function: 'reinstallServer', status: 'init', doneDate: null });
  });
});
