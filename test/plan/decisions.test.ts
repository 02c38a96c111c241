import { describe, expect, it } from 'vitest';
import { makePlan } from '../../src/plan/make-plan.js';
import type { Observation, PlanInput, PlanServer } from '../../src/plan/types.js';
import type { ServerSpec } from '../../src/specs/types.js';
import type { StatusRecord } from '../../src/records/types.js';
import { input, observed, policy, record, spec } from './helpers.js';

const NAME = 'ns1.ip-1-2-3.eu';
const base = spec(NAME);
const ubuntu = spec(NAME, { operatingSystem: 'ubuntu2404-server_64' });
const running = { taskId: 7, status: 'doing' as const, startDate: '2026-11-27T11:00:00Z' };

function planOne(
  s: ServerSpec | null,
  o: Observation | undefined,
  r: StatusRecord | undefined,
  over: Partial<PlanInput> = {},
): PlanServer {
  const plan = makePlan(
    input({
      specs: s ? [s] : [],
      observed: o ? new Map([[NAME, o]]) : new Map(),
      applied: r ? new Map([[NAME, r]]) : new Map(),
      ...over,
    }),
  );
  expect(plan.servers).toHaveLength(1);
  return plan.servers[0] as PlanServer;
}

describe('makePlan: one action and one reason per server (DESIGN.md section 2)', () => {
  it.each([
    [
      'serviceName not in the account',
      base,
      observed({ presence: 'absent' }),
      undefined,
      'invalid',
      'unknown-server',
    ],
    [
      'protect: true',
      spec(NAME, { operatingSystem: 'rocky9_64', reinstall: { generation: 1, protect: true } }),
      observed(),
      undefined,
      'none',
      'protected',
    ],
    [
      'a reinstall task runs',
      ubuntu,
      observed({ runningTask: running }),
      record(NAME, base),
      'follow',
      'task-in-progress',
    ],
    ['no record, API shows the declared OS', base, observed(), undefined, 'adopt', 'adopted'],
    ['no record, OS differs', ubuntu, observed(), undefined, 'reinstall', 'spec-changed'],
    [
      'digest differs from the last applied one',
      ubuntu,
      observed(),
      record(NAME, base),
      'reinstall',
      'spec-changed',
    ],
    ['drift with drift: report', base, observed({ os: 'rocky9_64' }), record(NAME, base), 'none', 'drift'],
    ['last attempt at this digest failed', ubuntu, observed(), undefined, 'none', 'last-attempt-failed'],
    ['os empty, no record', ubuntu, observed({ os: '' }), undefined, 'none', 'os-unknown'],
    [
      'os not in the catalog, digest applied',
      base,
      observed({ os: 'my-custom-image' }),
      record(NAME, base),
      'none',
      'os-unknown',
    ],
    ['os not observed (offline), no record', ubuntu, undefined, undefined, 'none', 'os-unknown'],
    ['everything matches', base, observed(), record(NAME, base), 'none', 'in-sync'],
    ['OS changed back to what is installed', base, observed(), record(NAME, base), 'none', 'in-sync'],
  ])('%s -> %s/%s', (_name, s, o, r, action, reason) => {
    const failedRecord =
      reason === 'last-attempt-failed'
        ? record(NAME, base, {
            lastAttempt: {
              digest: makePlan(input({ specs: [s] })).servers[0]?.digest ?? '',
              result: 'failed',
              startedAt: '2026-11-27T10:00:00.000Z',
              finishedAt: '2026-11-27T10:30:00.000Z',
              taskId: 8,
              message: 'install failed',
            },
          })
        : r;

    const entry = planOne(s, o, failedRecord);

    expect([entry.action, entry.reason]).toEqual([action, reason]);
  });

  it('drift: reinstall reinstalls a drifted server', () => {
    const entry = planOne(base, observed({ os: 'rocky9_64' }), record(NAME, base), {
      policy: policy({}, { drift: 'reinstall' }),
    });

    expect([entry.action, entry.reason]).toEqual(['reinstall', 'drift']);
    expect(entry.changes).toEqual([{ path: '/operatingSystem', from: 'rocky9_64', to: 'debian12_64' }]);
  });

  it('an unknown os with a recorded spec change still reinstalls', () => {
    const entry = planOne(ubuntu, observed({ os: '' }), record(NAME, base));

    expect([entry.action, entry.reason]).toEqual(['reinstall', 'spec-changed']);
  });

  it('an invalid spec file is invalid, with or without a serviceName', () => {
    const plan = makePlan(
      input({
        invalid: [
          { file: 'servers/a.yaml', serviceName: NAME, diagnostics: [] },
          { file: 'servers/b.yaml', diagnostics: [] },
        ],
      }),
    );

    expect(plan.servers.map((s) => [s.serviceName, s.action, s.reason])).toEqual([
      [null, 'invalid', 'invalid-spec'],
      [NAME, 'invalid', 'invalid-spec'],
    ]);
  });

  it('a removed spec is unmanaged, never a reinstall', () => {
    const entry = planOne(null, observed({ os: 'rocky9_64' }), record(NAME, base));

    expect([entry.action, entry.reason]).toEqual(['none', 'unmanaged']);
  });

  it('a spec deleted while a task runs is followed, not reinstalled', () => {
    const entry = planOne(null, observed({ runningTask: running }), record(NAME, base));

    expect([entry.action, entry.reason]).toEqual(['follow', 'task-in-progress']);
  });

  it('a generation bump on an in-sync server reinstalls it', () => {
    const bumped = spec(NAME, { reinstall: { generation: 2, protect: false } });

    const entry = planOne(bumped, observed(), record(NAME, base));

    expect([entry.action, entry.reason]).toEqual(['reinstall', 'spec-changed']);
    expect(entry.changes).toEqual([{ path: '/reinstall/generation', from: 1, to: 2 }]);
  });

  it('a reinstall lists its changes from the applied record and every disk group it erases', () => {
    const changed = spec(NAME, {
      operatingSystem: 'ubuntu2404-server_64',
      customizations: {
        hostname: { kind: 'literal', value: 'b.example.com' },
        postInstallationScript: {
          kind: 'file',
          path: 'scripts/x.sh',
          content: 'echo secret-content',
          sha256: '1a2b3c4d'.repeat(8),
        },
        httpHeaders: { kind: 'literal', value: { Authorization: { kind: 'env', name: 'IMAGE_TOKEN' } } },
      },
    });

    const entry = planOne(changed, observed(), record(NAME, base));

    expect(entry.changes).toEqual([
      { path: '/customizations/hostname', from: `${NAME}.example.com`, to: 'b.example.com' },
      { path: '/customizations/httpHeaders', from: null, to: { Authorization: '(secret IMAGE_TOKEN)' } },
      { path: '/customizations/postInstallationScript', from: null, to: '(sha256:1a2b3c4d)' },
      { path: '/operatingSystem', from: 'debian12_64', to: 'ubuntu2404-server_64' },
    ]);
    expect(JSON.stringify(entry)).not.toContain('secret-content');
    expect(entry.erases).toEqual([
      {
        diskGroupId: 1,
        description: '2 X Disk SSD 480 GB, JBOD',
        numberOfDisks: 2,
        diskSize: { unit: 'GB', value: 480 },
      },
    ]);
  });

  it('a changed file shows as (changed, sha256:...)', () => {
    const withFile = (hash: string): ServerSpec =>
      spec(NAME, {
        customizations: {
          postInstallationScript: { kind: 'file', path: 's.sh', content: hash, sha256: hash.repeat(8) },
        },
      });

    const entry = planOne(withFile('bbbbbbbb'), observed(), record(NAME, withFile('aaaaaaaa')));

    expect(entry.changes).toEqual([
      {
        path: '/customizations/postInstallationScript',
        from: '(sha256:aaaaaaaa)',
        to: '(changed, sha256:bbbbbbbb)',
      },
    ]);
  });
});
