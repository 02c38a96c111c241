/**
 * The command probe: a script of a temporary fleet repository, run only when the daemon's
 * allow-list names it (and matches its pinned sha256), never through a symbolic link, with a
 * clean environment (the daemon's variables never reach it), its output never in the reason,
 * and killed at the timeout.
 */
import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/core/clock.js';
import { parseDaemonConfig } from '../../src/config/daemon-config.js';
import { parseCommandAllowList, type CommandHost } from '../../src/config/probe-commands.js';
import { runProbes } from '../../src/verify/run-round.js';
import { identityTarget, type MapTarget } from '../../src/verify/targets.js';
import { netTransport } from '../../src/verify/transport.js';

const FACTS = { serviceName: 'ns1001.ip-203-0-113.eu', ip: '203.0.113.10', reverse: 'ns1001.example.' };
const SCRIPTS: Record<string, string> = {
  'ok.sh': 'exit 0',
  'env.sh': [
    '[ "$OVH_FLEET_SERVER" = ns1001.ip-203-0-113.eu ] || exit 11',
    '[ "$OVH_FLEET_ADDRESS" = 127.0.0.1 ] || exit 12',
    '[ "$OVH_FLEET_REVERSE" = ns1001.example ] || exit 13',
    '[ -z "$OVH_FLEET_TEST_SECRET" ] || exit 14',
    '[ -f fleet.yaml ] || exit 15',
    '[ "$1" = --quick ] || exit 16',
    'exit 0',
  ].join('\n'),
  'three.sh': 'echo "password=hunter2"; echo "token hunter2" >&2; exit 3',
  'missing-tool.sh': 'exit 127',
  'forever.sh': 'exec sleep 30',
};
let root: string;
let scratch: string;
let host: CommandHost;

beforeAll(() => {
  root = mkdtempSync(path.join(tmpdir(), 'ovh-fleet-cmd-'));
  scratch = mkdtempSync(path.join(tmpdir(), 'ovh-fleet-scratch-'));
  mkdirSync(path.join(root, 'scripts'));
  writeFileSync(path.join(root, 'fleet.yaml'), 'apiVersion: ovh-fleet/v1\nkind: Fleet\n');
  for (const [name, body] of Object.entries(SCRIPTS)) {
    writeFileSync(path.join(root, 'scripts', name), `#!/bin/sh\n${body}\n`, { mode: 0o755 });
  }
  writeFileSync(path.join(root, 'scripts', 'plain.sh'), '#!/bin/sh\nexit 0\n', { mode: 0o644 });
  symlinkSync('ok.sh', path.join(root, 'scripts', 'link.sh'));
  symlinkSync('scripts', path.join(root, 'via'));
  chmodSync(path.join(root, 'scripts', 'ok.sh'), 0o755);
  const okHash = createHash('sha256').update('#!/bin/sh\nexit 0\n').digest('hex');
  const allow = parseCommandAllowList(
    [
      ...Object.keys(SCRIPTS).map((n) => `scripts/${n}`),
      'scripts/plain.sh',
      'scripts/link.sh',
      'via/ok.sh',
      'scripts/gone.sh',
      `scripts/ok.sh@sha256:${okHash}`,
    ].join(', '),
  );
  if (typeof allow === 'string') throw new Error(allow);
  host = { root, allow, scratchDir: scratch };
  process.env.OVH_FLEET_TEST_SECRET = 'must-not-leak';
});
afterAll(() => {
  delete process.env.OVH_FLEET_TEST_SECRET;
  rmSync(root, { recursive: true, force: true });
  rmSync(scratch, { recursive: true, force: true });
});

const toLoopback: MapTarget = (_sn, _address, port) => ({ host: '127.0.0.1', port });

/** Runs one command probe; `commands` null: the daemon allows no command. */
async function command(argv: string[], commands: CommandHost | null = host, timeoutMs = 2000) {
  const [result] = await runProbes([{ name: 'app', type: 'command', command: argv }], FACTS, timeoutMs, {
    targets: { simulator: true, mapTarget: toLoopback },
    transport: netTransport,
    commands: commands ?? undefined,
    clock: systemClock,
  });
  return result!;
}

describe('command probes', () => {
  it.each([
    ['exit 0', ['scripts/ok.sh'], 'success', ''],
    ['its environment and working directory', ['scripts/env.sh', '--quick'], 'success', ''],
    ['exit 3', ['scripts/three.sh'], 'failure', 'scripts/three.sh exited with 3'],
    ['exit 127', ['scripts/missing-tool.sh'], 'inconclusive', 'cannot run on this host'],
    [
      'a file without the executable bit',
      ['scripts/plain.sh'],
      'inconclusive',
      'scripts/plain.sh is not executable',
    ],
    ['a symbolic link', ['scripts/link.sh'], 'inconclusive', 'symbolic link'],
    ['a link on the way', ['via/ok.sh'], 'inconclusive', 'symbolic link'],
    ['a missing file', ['scripts/gone.sh'], 'inconclusive', 'does not exist'],
    [
      'a path not in the allow-list',
      ['scripts/other.sh'],
      'inconclusive',
      'not allowed by the daemon configuration',
    ],
  ])('%s', async (_, argv, outcome, reason) => {
    const result = await command(argv);

    expect(result.outcome).toBe(outcome);
    expect(result.reason ?? '').toContain(reason);
  });

  it('never puts the output in the reason', async () => {
    const result = await command(['scripts/three.sh']);

    expect(JSON.stringify(result)).not.toContain('hunter2');
  });

  it('kills a command at the timeout: a failure', async () => {
    const result = await command(['scripts/forever.sh'], host, 300);

    expect(result).toMatchObject({ outcome: 'failure', reason: 'no answer within 0.3s' });
  });

  it('runs nothing without an allow-list', async () => {
    const result = await command(['scripts/ok.sh'], null);

    expect(result).toMatchObject({
      outcome: 'inconclusive',
      reason: 'scripts/ok.sh is not allowed by the daemon configuration (probes.allowCommands)',
    });
  });

  it('runs a pinned command only with the pinned content', async () => {
    const pinned = { ...host, allow: [{ path: 'scripts/ok.sh', sha256: '0'.repeat(64) }] };

    const result = await command(['scripts/ok.sh'], pinned);

    expect(result).toMatchObject({ outcome: 'inconclusive' });
    expect(result.reason).toContain('differs from the content pinned');
    const right = host.allow.filter((e) => e.sha256 !== null);
    expect(right).toHaveLength(1);
    expect(await command(['scripts/ok.sh'], { ...host, allow: right })).toMatchObject({ outcome: 'success' });
  });

  it('is refused by the loopback guard when the mapped address is not loopback', async () => {
    const [result] = await runProbes(
      [{ name: 'app', type: 'command', command: ['scripts/ok.sh'] }],
      FACTS,
      2000,
      {
        targets: { simulator: true, mapTarget: identityTarget },
        transport: netTransport,
        commands: host,
        clock: systemClock,
      },
    );

    expect(result!.outcome).toBe('inconclusive');
    expect(result!.reason).toContain('refused 203.0.113.10');
  });
});

describe('probes.allowCommands', () => {
  it.each([
    ['', []],
    [
      ' scripts/a.sh , b ',
      [
        { path: 'scripts/a.sh', sha256: null },
        { path: 'b', sha256: null },
      ],
    ],
    [`a@sha256:${'ab'.repeat(32)}`, [{ path: 'a', sha256: 'ab'.repeat(32) }]],
  ])('reads %j', (text, entries) => {
    expect(parseCommandAllowList(text)).toEqual(entries);
  });

  it.each(['/bin/sh', '../x', 'a/./b', 'a@sha256:AB', 'a@md5:00', 'a b'])('refuses %j', (text) => {
    expect(typeof parseCommandAllowList(text)).toBe('string');
  });
});

describe('the daemon configuration key', () => {
  it('reads probes.allowCommands from the file and the environment, and refuses a bad entry', () => {
    const base = 'repository:\n  url: /srv/fleet.git\n';

    expect(parseDaemonConfig(base, {}).probes.allowCommands).toBe('');
    expect(
      parseDaemonConfig(`${base}probes:\n  allowCommands: scripts/a.sh\n`, {}).probes.allowCommands,
    ).toBe('scripts/a.sh');
    expect(parseDaemonConfig(base, { OVH_FLEET_PROBES_ALLOW_COMMANDS: 'b.sh' }).probes.allowCommands).toBe(
      'b.sh',
    );
    expect(() => parseDaemonConfig(`${base}probes:\n  allowCommands: /bin/sh\n`, {})).toThrow(
      /probes.allowCommands|not PATH/,
    );
  });
});
