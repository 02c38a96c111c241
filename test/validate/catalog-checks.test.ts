import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../src/core/virtual-clock.js';
import type { OvhApi } from '../../src/ovh/ovh-api.js';
import type { CatalogFacts } from '../../src/validate/catalog-facts.js';
import { createCatalogFactsReader } from '../../src/validate/catalog-facts.js';
import { createFileValidator } from '../../src/validate/file-validator.js';
import { generateSchemas } from '../../src/validate/generate-schemas.js';
import { fixtureCatalog, FIXTURE_META, NOW } from './helpers.js';
import { parsed } from './parse.js';

const schemas = generateSchemas(fixtureCatalog(), FIXTURE_META);
const DAY = 86_400_000;

const facts: CatalogFacts = {
  fetchedAt: NOW,
  endOfInstall: Object.fromEntries(fixtureCatalog().infos.map((i) => [i.templateName, i.endOfInstall])),
  accountServers: ['ns1.ip-1-2-3.eu', 'ns2.ip-1-2-3.eu'],
  servers: {
    'ns1.ip-1-2-3.eu': {
      compatibleTemplates: ['debian12_64', 'debian11_64', 'alma8_64'],
      diskGroups: [
        { diskGroupId: 1, numberOfDisks: 2, raidController: null, description: '2 X Disk SSD 480 GB, JBOD' },
        {
          diskGroupId: 2,
          numberOfDisks: 4,
          raidController: 'LSI 9361-4i',
          description: '4 X Disk HDD 4 TB, RAID',
        },
      ],
    },
    'ns2.ip-1-2-3.eu': { compatibleTemplates: ['debian12_64'], diskGroups: [] },
  },
};

function check(os: string, extra = '', now = NOW, serviceName = 'ns1.ip-1-2-3.eu'): string[] {
  const validate = createFileValidator(schemas, facts, { now });
  const text = `apiVersion: ovh-fleet/v1\nkind: Server\nserviceName: ${serviceName}\noperatingSystem: ${os}\n${extra}`;
  return validate(parsed(text)).map((d) => `${d.severity} ${d.code}`);
}

describe('catalog checks', () => {
  it.each([
    ['a current template', 'debian12_64', NOW, []],
    ['endOfInstall past', 'debian11_64', NOW, ['error os-end-of-install']],
    ['endOfInstall within 90 days', 'alma8_64', NOW, ['warning os-end-of-install-soon']],
    ['endOfInstall still 91 days away', 'alma8_64', Date.UTC(2027, 0, 16) - 91 * DAY, []],
    [
      'endOfInstall day itself still installs',
      'alma8_64',
      Date.UTC(2027, 0, 15, 23, 59),
      ['warning os-end-of-install-soon'],
    ],
    ['the day after endOfInstall', 'alma8_64', Date.UTC(2027, 0, 16), ['error os-end-of-install']],
  ])('%s', (_name, os, now, expected) => {
    expect(check(os, '', now)).toEqual(expected);
  });

  it('refuses an OS the server is not compatible with', () => {
    expect(
      check('byoi_64', 'customizations: {imageURL: "https://x.example/i", efiBootloaderPath: x}\n'),
    ).toEqual(['error os-incompatible']);
  });

  it('refuses a server that is not in the account, with a suggestion', () => {
    const validate = createFileValidator(schemas, facts, { now: NOW });

    const out = validate(
      parsed(
        'apiVersion: ovh-fleet/v1\nkind: Server\nserviceName: ns3.ip-1-2-3.eu\noperatingSystem: debian12_64\n',
      ),
    );

    expect(out.map((d) => `${d.line}:${d.column} ${d.code} ${d.message}`)).toEqual([
      '3:14 server-not-in-account serviceName: "ns3.ip-1-2-3.eu" is not a dedicated server of this account; did you mean "ns1.ip-1-2-3.eu"?',
    ]);
  });

  it.each([
    ['an existing disk group', '  - diskGroupId: 2\n    hardwareRaid: [{raidLevel: 5, disks: 4}]\n', []],
    ['an unknown disk group', '  - diskGroupId: 3\n', ['error storage-disk-group']],
    [
      'hardware RAID without a controller',
      '  - diskGroupId: 1\n    hardwareRaid: [{raidLevel: 1}]\n',
      ['error storage-no-raid-controller'],
    ],
    [
      'more disks than the group has',
      '  - diskGroupId: 1\n    partitioning: {disks: 3}\n',
      ['error storage-too-many-disks'],
    ],
    [
      'the default group (0) with too many disks',
      '  - partitioning: {disks: 4}\n',
      ['error storage-too-many-disks'],
    ],
  ])('storage against the hardware: %s', (_name, storage, expected) => {
    expect(check('debian12_64', `storage:\n${storage}`)).toEqual(expected);
  });

  it('reports nothing from the API offline (no facts)', () => {
    const validate = createFileValidator(schemas);

    expect(
      validate(
        parsed('apiVersion: ovh-fleet/v1\nkind: Server\nserviceName: nsX\noperatingSystem: debian11_64\n'),
      ),
    ).toEqual([]);
  });
});

describe('catalog facts reader', () => {
  it('reads through the port and keeps answers for their lifetime', async () => {
    const calls: string[] = [];
    const api = {
      listTemplateInfos: async () => (calls.push('infos'), fixtureCatalog().infos),
      listServers: async () => (calls.push('servers'), ['ns1']),
      getCompatibleTemplates: async (n: string) => (
        calls.push(`compat ${n}`),
        { ovh: ['debian12_64'], personal: [] }
      ),
      getHardware: async (n: string) => (calls.push(`hw ${n}`), { diskGroups: [] }),
    } as unknown as OvhApi;
    const clock = new VirtualClock(NOW);
    const reader = createCatalogFactsReader(api, clock);

    const first = await reader.read(['ns1', 'nsX']);
    await reader.read(['ns1']);
    await clock.advance(3_600_001);
    await reader.read(['ns1']);

    expect(first.servers).toEqual({ ns1: { compatibleTemplates: ['debian12_64'], diskGroups: [] } });
    expect(calls).toEqual(['infos', 'servers', 'compat ns1', 'hw ns1', 'servers', 'compat ns1', 'hw ns1']);
  });
});

describe('validators over the same schemas', () => {
  it('share the schema results but apply their own facts and now', () => {
    const text =
      'apiVersion: ovh-fleet/v1\nkind: Server\nserviceName: ns1.ip-1-2-3.eu\noperatingSystem: alma8_64\n';
    const early = createFileValidator(schemas, facts, { now: Date.UTC(2026, 6, 1) });
    const late = createFileValidator(schemas, facts, { now: NOW });

    const first = early(parsed(text)).map((d) => d.code);
    const second = late(parsed(text)).map((d) => d.code);

    expect(first).toEqual([]);
    expect(second).toEqual(['os-end-of-install-soon']);
  });
});
