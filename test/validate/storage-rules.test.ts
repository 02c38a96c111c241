import { describe, expect, it } from 'vitest';
import { createFileValidator } from '../../src/validate/file-validator.js';
import { generateSchemas } from '../../src/validate/generate-schemas.js';
import { buildCatalog } from '../../src/sim/catalog.js';
import { fixtureCatalog, FIXTURE_META, NOW } from './helpers.js';
import { parsed } from './parse.js';

const validate = createFileValidator(generateSchemas(fixtureCatalog(), FIXTURE_META));

const CUSTOM: Record<string, string> = {
  'win2025core-std_64': 'customizations: {language: en-us}\n',
  byolinux_64: 'customizations: {imageURL: "https://images.example/os.qcow2"}\n',
};

function codes(os: string, storage: string): string[] {
  const text = `apiVersion: ovh-fleet/v1\nkind: Server\nserviceName: ns1.ip-1-2-3.eu\noperatingSystem: ${os}\n${CUSTOM[os] ?? ''}storage:\n${storage}`;
  return validate(parsed(text))
    .map((d) => d.code)
    .sort();
}

const layout = (...parts: string[]): string =>
  `  - diskGroupId: 1\n    partitioning:\n      layout:\n${parts.map((p) => `        - ${p}\n`).join('')}`;

describe('storage rules', () => {
  it.each([
    ['debian12_64', layout('{mountPoint: /, fileSystem: ext4, raidLevel: 1, size: 0}')],
    [
      'debian12_64',
      layout(
        '{mountPoint: /, fileSystem: ext4, size: 20480}',
        '{mountPoint: swap, fileSystem: swap, size: 4096}',
        '{mountPoint: /data, fileSystem: xfs}',
      ),
    ],
    [
      'debian12_64',
      layout(
        '{mountPoint: /, fileSystem: ext4, size: 20480, extras: {lv: {name: root}}}',
        '{mountPoint: /var/lib/docker, fileSystem: zfs, raidLevel: 7, extras: {zp: {name: tank}}}',
      ),
    ],
    ['debian12_64', '  - hardwareRaid: [{raidLevel: 10, disks: 4, arrays: 2}]\n'],
    ['debian12_64', '  - diskGroupId: 2\n    partitioning: {disks: 2}\n'],
    ['win2025core-std_64', layout('{mountPoint: "c:", fileSystem: ntfs, raidLevel: 1, size: 0}')],
    ['byolinux_64', '  - partitioning: {disks: 1}\n'],
  ])('%s accepts %s', (os, storage) => {
    expect(codes(os, storage)).toEqual([]);
  });

  it.each([
    ['bad file system', 'debian12_64', layout('{mountPoint: /, fileSystem: ntfs}'), ['schema-enum']],
    ['two disk groups', 'debian12_64', '  - diskGroupId: 1\n  - diskGroupId: 2\n', ['schema-range']],
    ['negative size', 'debian12_64', layout('{mountPoint: /, fileSystem: ext4, size: -1}'), ['schema-range']],
    [
      'size in GB as a string',
      'debian12_64',
      layout('{mountPoint: /, fileSystem: ext4, size: "20G"}'),
      ['schema-type'],
    ],
    [
      'soft RAID 3',
      'debian12_64',
      layout('{mountPoint: /, fileSystem: ext4, raidLevel: 3}'),
      ['schema-enum'],
    ],
    ['hardware RAID 7', 'debian12_64', '  - hardwareRaid: [{raidLevel: 7}]\n', ['schema-enum']],
    [
      'two hardware RAID entries',
      'debian12_64',
      '  - hardwareRaid: [{raidLevel: 1}, {raidLevel: 0}]\n',
      ['schema-range'],
    ],
    [
      'relative mount point',
      'debian12_64',
      layout('{mountPoint: /, fileSystem: ext4, size: 1000}', '{mountPoint: var, fileSystem: ext4}'),
      ['schema-format'],
    ],
    [
      'trailing slash',
      'debian12_64',
      layout('{mountPoint: /, fileSystem: ext4, size: 1000}', '{mountPoint: /var/, fileSystem: ext4}'),
      ['schema-format'],
    ],
    [
      'dot-dot segment',
      'debian12_64',
      layout('{mountPoint: /, fileSystem: ext4, size: 1000}', '{mountPoint: /var/../etc, fileSystem: ext4}'),
      ['schema-format'],
    ],
    [
      'mount point too long',
      'debian12_64',
      layout(
        '{mountPoint: /, fileSystem: ext4, size: 1000}',
        `{mountPoint: /${'a'.repeat(256)}, fileSystem: ext4}`,
      ),
      ['schema-format'],
    ],
    ['missing root', 'debian12_64', layout('{mountPoint: /data, fileSystem: ext4}'), ['storage-mount-point']],
    [
      'duplicate mount point',
      'debian12_64',
      layout('{mountPoint: /, fileSystem: ext4, size: 1000}', '{mountPoint: /, fileSystem: xfs}'),
      ['storage-mount-point'],
    ],
    [
      'two size-0 partitions',
      'debian12_64',
      layout('{mountPoint: /, fileSystem: ext4, size: 0}', '{mountPoint: /data, fileSystem: xfs}'),
      ['storage-size-zero'],
    ],
    [
      'swap on RAID 0',
      'debian12_64',
      layout(
        '{mountPoint: /, fileSystem: ext4}',
        '{mountPoint: swap, fileSystem: swap, raidLevel: 0, size: 512}',
      ),
      ['storage-swap'],
    ],
    [
      'swap filling the disk',
      'debian12_64',
      layout('{mountPoint: /, fileSystem: ext4, size: 1000}', '{mountPoint: swap, fileSystem: swap}'),
      ['storage-swap'],
    ],
    [
      'ZFS on RAID 10',
      'debian12_64',
      layout(
        '{mountPoint: /, fileSystem: ext4, size: 1000}',
        '{mountPoint: /tank, fileSystem: zfs, raidLevel: 10}',
      ),
      ['storage-zfs'],
    ],
    [
      'RAID 7 without ZFS',
      'debian12_64',
      layout('{mountPoint: /, fileSystem: ext4, raidLevel: 7}'),
      ['storage-zfs'],
    ],
    [
      'LVM on a non-LVM template',
      'alma8_64',
      layout('{mountPoint: /, fileSystem: ext4, extras: {lv: {name: root}}}'),
      ['storage-unsupported'],
    ],
    [
      'ZFS extras without zfs',
      'alma8_64',
      layout('{mountPoint: /, fileSystem: ext4, extras: {zp: {name: tank}}}'),
      ['storage-unsupported'],
    ],
    [
      'bad LV name',
      'debian12_64',
      layout('{mountPoint: /, fileSystem: ext4, extras: {lv: {name: root-vol}}}'),
      ['schema-format'],
    ],
    [
      'bad zpool name',
      'debian12_64',
      layout('{mountPoint: /, fileSystem: zfs, extras: {zp: {name: 1tank}}}'),
      ['schema-format'],
    ],
    [
      'custom layout with noPartitioning',
      'byolinux_64',
      layout('{mountPoint: /, fileSystem: ext4}'),
      ['storage-unsupported'],
    ],
    [
      'RAID 5 on a mirroring-only template',
      'win2025core-std_64',
      layout('{mountPoint: "c:", fileSystem: ntfs, raidLevel: 5}'),
      ['schema-enum'],
    ],
    [
      'Unix mount point on Windows',
      'win2025core-std_64',
      layout('{mountPoint: /, fileSystem: ntfs}'),
      ['schema-format'],
    ],
    [
      'Windows layout not starting with c:',
      'win2025core-std_64',
      layout('{mountPoint: "d:", fileSystem: ntfs}'),
      ['storage-mount-point'],
    ],
    [
      'disks not a multiple of arrays',
      'debian12_64',
      '  - hardwareRaid: [{raidLevel: 50, disks: 5, arrays: 2}]\n',
      ['storage-hardware-raid'],
    ],
    ['unknown storage field', 'debian12_64', '  - diskGroupID: 1\n', ['schema-unknown-field']],
  ])('refuses %s', (_name, os, storage, expected) => {
    expect(codes(os, storage)).toEqual(expected);
  });
});

describe('templates that share one rule set', () => {
  const sim = buildCatalog(NOW);
  const schemas = generateSchemas(sim, FIXTURE_META);
  const simValidate = createFileValidator(schemas);
  const defs = schemas['server.schema.json']!.$defs as Record<string, { $ref?: string }>;
  const windows = sim.templates.filter((t) => t.family === 'windows').map((t) => t.templateName);
  const shared = windows.find((name) => defs[`storage-${name}`]?.$ref !== undefined);

  it('keep the Windows c: rule when the storage definition is shared', () => {
    expect(shared).toBeDefined();
    const t = sim.templates.find((x) => x.templateName === shared)!;
    const answers = (t.inputs ?? [])
      .filter((i) => i.mandatory && (i.default === null || i.default === ''))
      .map((i) => `  ${i.name}: ${i.type === 'enum' ? i.enum[0] : 'x'}\n`)
      .join('');
    const text = `apiVersion: ovh-fleet/v1\nkind: Server\nserviceName: ns1.ip-1-2-3.eu\noperatingSystem: ${shared}\n${answers ? `customizations:\n${answers}` : ''}storage:\n${layout('{mountPoint: "d:", fileSystem: ntfs}')}`;

    expect(simValidate(parsed(text)).map((d) => d.code)).toEqual(['storage-mount-point']);
  });
});
