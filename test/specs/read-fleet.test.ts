import { createHash } from 'node:crypto';
import { chmodSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../src/core/diagnostic.js';
import { ReadCache } from '../../src/specs/read-cache.js';
import { readFleet } from '../../src/specs/read-fleet.js';
import type { FileValidator } from '../../src/specs/types.js';
import { makeOutsideDir, makeRepo, removeRepos, spec } from './temp-repo.js';

afterAll(removeRepos);

const GOOD = path.resolve(import.meta.dirname, '../fixtures/specs/good');
const sha = (s: string): string => createHash('sha256').update(s).digest('hex');

describe('readFleet on the good fixture', () => {
  it('reads the exact specs and policy', async () => {
    const repo = await readFleet(GOOD);

    expect(repo.diagnostics).toEqual([]);
    expect(repo.invalid).toEqual([]);
    expect(repo.policy).toEqual({
      rollout: {
        maxConcurrent: 1,
        maxConcurrentPerLabel: { rack: 1 },
        maxPerHour: 4,
        maxFailures: 2,
        maxFleetFraction: 0.25,
        windows: [
          { cron: '0 2 * * 6', durationMs: 4 * 3_600_000, timezone: 'Europe/Paris' },
          { cron: '30 1 * * 0', durationMs: 90 * 60_000, timezone: 'UTC' },
        ],
      },
      drift: 'reinstall',
      suspend: { reason: '', until: null },
      api: { requestsPerMinute: 60, steadyStateShare: 0.5 },
      acknowledgedPlanHashes: ['sha256:0f1e2d'],
    });
    expect(repo.specs.map(({ positions: _p, ...rest }) => rest)).toEqual([
      {
        file: 'servers/db/db-1.yaml',
        serviceName: 'ns5001300.ip-51-75-2.eu',
        labels: { role: 'db', rack: 'gra3-r12' },
        operatingSystem: 'ubuntu2404-server_64',
        customizations: {
          hostname: { kind: 'literal', value: 'db-1.example.com' },
          sshKey: { kind: 'env', name: 'FLEET_SECRET_OPS_SSH_KEY' },
        },
        storage: [
          {
            diskGroupId: 1,
            partitioning: {
              disks: 2,
              layout: [
                { mountPoint: '/boot', fileSystem: 'ext4', raidLevel: 1, size: 1024 },
                {
                  mountPoint: '/',
                  fileSystem: 'ext4',
                  raidLevel: 1,
                  size: 20480,
                  extras: { lv: { name: 'root' } },
                },
                {
                  mountPoint: '/var/lib/postgresql',
                  fileSystem: 'xfs',
                  raidLevel: 1,
                  size: 0,
                  extras: { lv: { name: 'pgdata' } },
                },
              ],
            },
          },
        ],
        reinstall: { generation: 3, protect: true },
      },
      {
        file: 'servers/web/web-1.yaml',
        serviceName: 'ns5001234.ip-51-75-1.eu',
        labels: { role: 'web', rack: 'gra3-r12' },
        operatingSystem: 'debian12_64',
        customizations: {
          hostname: { kind: 'literal', value: 'web-1.example.com' },
          sshKey: { kind: 'literal', value: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOps ops@example' },
          postInstallationScript: {
            kind: 'file',
            path: 'scripts/bootstrap.sh',
            content: '#!/bin/sh\nset -eu\napt-get update\n',
            sha256: sha('#!/bin/sh\nset -eu\napt-get update\n'),
          },
        },
        storage: [
          {
            diskGroupId: 1,
            partitioning: { layout: [{ mountPoint: '/', fileSystem: 'ext4', raidLevel: 1, size: 0 }] },
          },
        ],
        reinstall: { generation: 1, protect: false },
      },
      {
        file: 'servers/web/web-2.yml',
        serviceName: 'ns5001235.ip-51-75-1.eu',
        labels: { role: 'web', rack: 'gra3-r13' },
        operatingSystem: 'byolinux_64',
        customizations: {
          hostname: { kind: 'literal', value: 'web-2.example.com' },
          imageURL: { kind: 'literal', value: 'https://images.example.com/debian.qcow2' },
          configDriveUserData: {
            kind: 'file',
            path: 'scripts/user-data.yaml',
            content: '#cloud-config\npackages: [nginx]\n',
            sha256: sha('#cloud-config\npackages: [nginx]\n'),
          },
          httpHeaders: {
            kind: 'literal',
            value: { Authorization: { kind: 'env', name: 'FLEET_SECRET_IMAGE_TOKEN' }, 'X-Build': '42' },
          },
        },
        storage: undefined,
        reinstall: { generation: 0, protect: false },
      },
    ]);
    expect(repo.specs[1]!.positions['/operatingSystem']).toEqual({
      file: 'servers/web/web-1.yaml',
      line: 6,
      column: 18,
    });
  });

  it('gives the default policy when fleet.yaml is absent', async () => {
    const repo = await readFleet(makeRepo({ 'servers/a.yaml': spec() }));

    expect(repo.policy.suspend.reason).toBe('');
    expect(repo.specs.map((s) => s.serviceName)).toEqual(['ns1.ip-1-2-3.eu']);
  });
});

describe('readFleet across files', () => {
  it('makes both files invalid when they declare the same serviceName, each naming the other', async () => {
    const root = makeRepo({
      'servers/a.yaml': spec('dup.eu'),
      'servers/sub/b.yaml': spec('dup.eu'),
      'servers/c.yaml': spec('ok.eu'),
    });

    const repo = await readFleet(root);

    expect(repo.specs.map((s) => s.file)).toEqual(['servers/c.yaml']);
    expect(repo.invalid).toEqual([
      { file: 'servers/a.yaml', serviceName: 'dup.eu' },
      { file: 'servers/sub/b.yaml', serviceName: 'dup.eu' },
    ]);
    expect(repo.diagnostics).toEqual([
      expect.objectContaining({
        file: 'servers/a.yaml',
        code: 'duplicate-service-name',
        line: 3,
        column: 14,
        message: expect.stringContaining('servers/sub/b.yaml'),
      }),
      expect.objectContaining({
        file: 'servers/sub/b.yaml',
        code: 'duplicate-service-name',
        line: 3,
        column: 14,
        message: expect.stringContaining('servers/a.yaml'),
      }),
    ]);
  });

  it('keeps reading after a bad file, skips dot-directories and non-YAML files', async () => {
    const root = makeRepo({
      'servers/a.yaml': 'a: [\n',
      'servers/b.yaml': spec('b.eu'),
      'servers/.hidden/c.yaml': spec('c.eu'),
      'servers/README.md': '# not a spec',
    });

    const repo = await readFleet(root);

    expect(repo.specs.map((s) => s.serviceName)).toEqual(['b.eu']);
    expect(repo.invalid).toEqual([{ file: 'servers/a.yaml', serviceName: undefined }]);
  });

  it('turns a file it cannot read into a diagnostic of that file', async () => {
    const root = makeRepo({ 'servers/a.yaml': spec('a.eu'), 'servers/b.yaml': spec('b.eu') });
    chmodSync(path.join(root, 'servers/a.yaml'), 0o000);

    const repo = await readFleet(root);
    chmodSync(path.join(root, 'servers/a.yaml'), 0o644);

    // root can read anything: then the file simply reads fine.
    if (process.getuid?.() === 0) expect(repo.specs).toHaveLength(2);
    else
      expect(repo.diagnostics).toEqual([
        expect.objectContaining({ file: 'servers/a.yaml', code: 'file-unreadable' }),
      ]);
  });

  it('refuses a spec file that is a symbolic link leading outside the repository', async () => {
    const outside = makeOutsideDir({ 'x.yaml': spec('outside.eu') });
    const root = makeRepo({ 'servers/a.yaml': spec('a.eu') });
    symlinkSync(path.join(outside, 'x.yaml'), path.join(root, 'servers/link.yaml'));

    const repo = await readFleet(root);

    expect(repo.specs.map((s) => s.serviceName)).toEqual(['a.eu']);
    expect(repo.diagnostics).toEqual([
      expect.objectContaining({ file: 'servers/link.yaml', code: 'symlink-refused' }),
    ]);
  });

  it('runs the validator on each parsed file and does not build a file it rejects', async () => {
    const root = makeRepo({ 'servers/a.yaml': spec('a.eu'), 'servers/b.yaml': spec('b.eu') });
    const validate: FileValidator = (parsed) =>
      parsed.file === 'servers/a.yaml'
        ? [
            {
              ...parsed.positionOf('/operatingSystem'),
              severity: 'error',
              code: 'spec-structure',
              message: 'no',
            } as Diagnostic,
          ]
        : [];

    const repo = await readFleet(root, { validate });

    expect(repo.specs.map((s) => s.serviceName)).toEqual(['b.eu']);
    expect(repo.invalid).toEqual([{ file: 'servers/a.yaml', serviceName: 'a.eu' }]);
  });
});

describe('readFleet with a ReadCache', () => {
  it('reuses unchanged files, and notices a changed spec and a changed referenced file', async () => {
    const root = makeRepo({
      'servers/a.yaml': spec('a.eu', 'customizations:\n  postInstallationScript: {file: scripts/s.sh}\n'),
      'servers/b.yaml': spec('b.eu'),
      'scripts/s.sh': 'one\n',
    });
    const cache = new ReadCache();
    let validations = 0;
    const validate: FileValidator = () => {
      validations++;
      return [];
    };
    await readFleet(root, { cache, validate });

    const warm = await readFleet(root, { cache, validate });
    const warmStats = { ...cache.stats };
    writeFileSync(path.join(root, 'servers/b.yaml'), spec('b2.eu'));
    writeFileSync(path.join(root, 'scripts/s.sh'), 'two!\n');
    utimesSync(path.join(root, 'scripts/s.sh'), new Date(), new Date(Date.now() + 5000));
    const changed = await readFleet(root, { cache, validate });

    expect(warmStats).toEqual({ statHits: 2, hashHits: 0, misses: 0, inWorkers: 0 });
    expect(warm.specs.map((s) => s.serviceName)).toEqual(['a.eu', 'b.eu']);
    expect(validations).toBe(3);
    expect(changed.specs.map((s) => s.serviceName)).toEqual(['a.eu', 'b2.eu']);
    expect(changed.specs[0]!.customizations.postInstallationScript).toMatchObject({ content: 'two!\n' });
  });

  it('reuses the parse of a file whose stat changed but whose content did not', async () => {
    const root = makeRepo({ 'servers/a.yaml': spec('a.eu') });
    const cache = new ReadCache();
    await readFleet(root, { cache });
    utimesSync(path.join(root, 'servers/a.yaml'), new Date(), new Date(Date.now() + 10_000));

    await readFleet(root, { cache });

    expect(cache.stats).toEqual({ statHits: 0, hashHits: 1, misses: 0, inWorkers: 0 });
  });
});
