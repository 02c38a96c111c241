import { mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runImport } from '../../src/cli/import-command.js';
import { runPlan } from '../../src/cli/plan-command.js';
import { importServer } from '../../src/import/import-spec.js';
import type { OvhApi } from '../../src/ovh/ovh-api.js';
import type { DedicatedServer, TemplateInfo } from '../../src/ovh/types.js';
import { startSimulator, type RunningSimulator } from '../../src/sim/index.js';
import { simApi } from '../support/sim-api.js';

describe('ovh-fleet import against a simulated account of 200 servers', () => {
  let sim: RunningSimulator;
  let api: OvhApi;
  let repo: string;

  beforeAll(async () => {
    sim = await startSimulator({ servers: 200, seed: 3 });
    api = simApi(sim);
    repo = await mkdtemp(join(tmpdir(), 'ovh-fleet-import-'));
  }, 60_000);

  afterAll(async () => {
    await sim.close();
  });

  it('writes a spec per declarable server, and the first plan adopts them all and reinstalls nothing', async () => {
    const imported = await runImport({ repo, api, print: () => {}, printErr: () => {} });
    const { plan, exitCode } = await runPlan({
      repo,
      format: 'json',
      api,
      revision: 'test',
      print: () => {},
      printErr: () => {},
    });

    expect(imported.written.length + imported.skipped.length).toBe(200);
    expect(imported.written.length).toBeGreaterThan(150);
    expect(plan.summary.reinstall).toBe(0);
    expect(plan.servers.map((s) => s.action)).toEqual(imported.written.map(() => 'adopt'));
    expect(exitCode).toBe(0);
  }, 120_000);

  it('never overwrites an existing spec', async () => {
    const dir = join(repo, 'servers/imported');
    const first = (await readdir(dir))[0]!;
    await writeFile(join(dir, first), '# mine\n');

    const again = await runImport({ repo, api, print: () => {}, printErr: () => {} });

    expect(again.written).toEqual([]);
    expect(await readFile(join(dir, first), 'utf8')).toBe('# mine\n');
  }, 60_000);
});

describe('importServer', () => {
  const server = {
    name: 'ns1.ip-1-2-3.eu',
    os: 'debian12_64',
    reverse: 'web-1.example.com.',
    datacenter: 'gra3',
    rack: 'R1',
  } as DedicatedServer;
  const info = (endOfInstall: string): TemplateInfo =>
    ({ templateName: 'debian12_64', endOfInstall }) as TemplateInfo;
  const templates = new Map([['debian12_64', { inputs: [{ name: 'hostname' }] }]]) as never;

  it.each([
    [{ os: '' }, 'OVHcloud reports no installed OS'],
    [{ os: 'none_64' }, 'installed OS "none_64" is not in the catalog'],
  ])('skips a server whose OS cannot be declared (%j)', (patch, reason) => {
    const decision = importServer(
      { ...server, ...patch },
      { infos: new Map([['debian12_64', info('2030-01-01')]]), templates },
      { today: '2026-11-27', schemaPath: 's' },
    );

    expect(decision).toEqual({ kind: 'skipped', serviceName: server.name, reason });
  });

  it.each(['../../etc/cron.d/x', 'a/b', '..', 'x'.repeat(201)])(
    'skips a server whose name %s is not a service name: it would name a file',
    (name) => {
      const decision = importServer(
        { ...server, name },
        { infos: new Map([['debian12_64', info('2030-01-01')]]), templates },
        { today: '2026-11-27', schemaPath: 's' },
      );

      expect(decision.kind).toBe('skipped');
    },
  );

  it('skips a server whose template is past its end of install', () => {
    const decision = importServer(
      server,
      { infos: new Map([['debian12_64', info('2026-11-26')]]), templates },
      { today: '2026-11-27', schemaPath: 's' },
    );

    expect(decision.kind).toBe('skipped');
  });

  it('declares the installed OS, the reverse name as hostname, and rack and datacenter labels', () => {
    const decision = importServer(
      server,
      { infos: new Map([['debian12_64', info('2030-01-01')]]), templates },
      { today: '2026-11-27', schemaPath: '../s.json' },
    );

    expect(decision.kind === 'spec' && decision.text).toBe(
      [
        '# yaml-language-server: $schema=../s.json',
        '# Imported from OVHcloud on 2026-11-27: declares the OS the server runs now.',
        'apiVersion: ovh-fleet/v1',
        'kind: Server',
        'serviceName: ns1.ip-1-2-3.eu',
        'labels:',
        '  datacenter: gra3',
        '  rack: R1',
        'operatingSystem: debian12_64',
        'customizations:',
        '  hostname: web-1.example.com',
        'reinstall:',
        '  generation: 1',
        '  protect: false',
        '',
      ].join('\n'),
    );
  });
});
