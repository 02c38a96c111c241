import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { runTemplates } from '../../src/cli/templates-command.js';
import type { OvhApi } from '../../src/ovh/ovh-api.js';
import type { Template } from '../../src/ovh/types.js';
import { buildCatalog } from '../../src/sim/catalog.js';
import { createFileValidator } from '../../src/validate/file-validator.js';
import { generateSchemas } from '../../src/validate/generate-schemas.js';
import { customizationsSkeleton } from '../../src/validate/skeleton.js';
import { fixtureCatalog, FIXTURE_META, NOW } from './helpers.js';
import { parsed } from './parse.js';

/** A read-only OvhApi over a catalog: the calls `templates` makes, nothing else. */
function catalogApi(catalog = fixtureCatalog()): OvhApi {
  return {
    listTemplateInfos: async () => catalog.infos,
    getTemplate: async (name: string) => catalog.templates.find((t) => t.templateName === name)!,
    getCompatibleTemplates: async () => ({ ovh: ['debian12_64', 'alma8_64'], personal: [] }),
    getHardware: async () => ({
      diskGroups: [
        { diskGroupId: 1, numberOfDisks: 2, description: '2 X Disk SSD 480 GB, JBOD', raidController: null },
      ],
    }),
  } as unknown as OvhApi;
}

async function run(options: { name?: string; server?: string; format?: 'text' | 'json' }): Promise<string> {
  let text = '';
  await runTemplates(catalogApi(), { format: 'text', ...options, now: NOW, out: (s) => (text += s) });
  return text;
}

describe('templates command', () => {
  it('lists the catalog and marks templates past or near their end', async () => {
    const out = await run({});

    expect(out).toMatch(/^debian11_64 .*2026-06-30 .*\(end of install passed\)$/m);
    expect(out).toMatch(/^alma8_64 .*2027-01-15 .*\(end of install within 90 days\)$/m);
    expect(out).toMatch(/^debian12_64 .*2028-07-04 +GPL-2.0-or-later$/m);
  });

  it('keeps the templates compatible with a server and shows its disk groups', async () => {
    const out = await run({ server: 'ns1.ip-1-2-3.eu' });

    expect(out).toContain('disk group 1: 2 X Disk SSD 480 GB, JBOD (2 disks, no RAID controller)');
    expect(
      out
        .split('\n')
        .filter((l) => /^[a-z0-9]+.*_64 /.test(l))
        .map((l) => l.split(' ')[0]),
    ).toEqual(['alma8_64', 'debian12_64']);
  });

  it('shows one template in full', async () => {
    const out = await run({ name: 'win2025core-std_64' });

    expect(out).toContain('file systems: ntfs');
    expect(out).toContain('softRaidOnlyMirroring: true, lvmReady: false, noPartitioning: false');
    expect(out).toContain('    language: enum, mandatory, one of en-us, fr-fr');
    expect(out).toContain('  language: en-us  # enum: en-us, fr-fr; mandatory, replace');
  });

  it('refuses an unknown name with a suggestion', async () => {
    await expect(run({ name: 'debian12' })).rejects.toMatchObject({
      code: 'template-not-found',
      message: expect.stringContaining('did you mean "debian12_64"?'),
    });
  });

  it('prints JSON', async () => {
    const out = JSON.parse(await run({ format: 'json' })) as {
      templates: { name: string; status: string }[];
    };

    expect(out.templates.find((t) => t.name === 'debian11_64')?.status).toBe('past');
  });
});

describe('the customizations skeleton validates against the schema', () => {
  const sim = buildCatalog(NOW);
  const catalogs: [string, Template][] = [
    ...fixtureCatalog().templates.map((t): [string, Template] => [`fixture ${t.templateName}`, t]),
    ...sim.templates.map((t): [string, Template] => [`simulator ${t.templateName}`, t]),
  ];
  const validators = {
    fixture: createFileValidator(generateSchemas(fixtureCatalog(), FIXTURE_META)),
    simulator: createFileValidator(generateSchemas(sim, FIXTURE_META)),
  };

  it.each(catalogs)('%s', (label, template) => {
    const skeleton = customizationsSkeleton(template);
    const text = `apiVersion: ovh-fleet/v1\nkind: Server\nserviceName: ns1.ip-1-2-3.eu\noperatingSystem: ${template.templateName}\n${skeleton}`;

    const out = validators[label.split(' ')[0] as 'fixture' | 'simulator'](parsed(text));

    expect(out).toEqual([]);
    expect(parse(skeleton)).toHaveProperty('customizations');
  });

  it('uncommenting every optional input still validates (debian12_64)', () => {
    const skeleton = customizationsSkeleton(
      fixtureCatalog().templates.find((t) => t.templateName === 'debian12_64')!,
    )
      .replace(/^ {2}# /gm, '  ')
      .replace(/^customizations: \{\}.*$/m, 'customizations:');
    const text = `apiVersion: ovh-fleet/v1\nkind: Server\nserviceName: ns1.ip-1-2-3.eu\noperatingSystem: debian12_64\n${skeleton}`;

    expect(validators.fixture(parsed(text))).toEqual([]);
  });
});
