import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { DaemonProcess } from './daemon-process.js';
import { closeSimulator, World } from './helpers.js';

let world: World | null = null;
let daemon: DaemonProcess | null = null;
afterEach(async () => {
  if (daemon) await daemon.kill('SIGTERM');
  daemon = null;
  await world?.close();
  world = null;
});
afterAll(closeSimulator);

function record(w: World, name: string): Record<string, unknown> | null {
  const text = w.originFile(`status/${name}.yaml`);
  return text === null ? null : (parse(text) as Record<string, unknown>);
}

/** ~120,000 levels of flow nesting, under the 256 KiB limit (issue 11, failure 6). */
const nested = (name: string): string =>
  `apiVersion: ovh-fleet/v1\nkind: Server\nserviceName: ${name}\nlabels: ${'['.repeat(120_000)}\n`;

describe('the daemon process against hostile YAML', () => {
  it('survives a spec nested 120,000 levels, reports the file, and keeps the other servers', async () => {
    world = await World.create({ count: 2 });
    daemon = DaemonProcess.start(world, 'schedule: "* * * * * *"\n'); // a full cycle every second
    const [bad, good] = world.managed as [(typeof world.managed)[0], (typeof world.managed)[0]];
    await world.until(
      () => record(world!, bad.name)?.reason === 'in-sync' && record(world!, good.name)?.reason === 'in-sync',
      'both servers adopted and in sync',
      30_000,
    );
    const goodBefore = world.originFile(`status/${good.name}.yaml`);
    world.pull();
    // 1,000 levels first, then 120,000: the sequence that aborted the process (issue 11).
    world.write('servers/a-nested-1000.yaml', `labels: ${'['.repeat(1000)}${']'.repeat(1000)}\n`);
    world.write(bad.file, nested(bad.name));
    world.write('servers/extra-nested.yaml', `a:\n${'- '.repeat(100_000)}x\n`);
    world.write(`status/${good.name}-copy.yaml`, `a: ${'{a: '.repeat(50_000)}\n`);
    world.commit('hostile YAML: nested 120,000 levels');
    const cyclesAtPush = daemon.cycles;

    await world.until(
      () =>
        daemon!.child.exitCode !== null ||
        daemon!.child.signalCode !== null ||
        daemon!.cycles >= cyclesAtPush + 3,
      'three more cycles (or the death of the daemon)',
      40_000,
    );

    expect({ code: daemon.child.exitCode, signal: daemon.child.signalCode }).toEqual({
      code: null,
      signal: null,
    });
    expect(daemon.stderr).not.toMatch(/FATAL ERROR|Maximum call stack/);
    expect(daemon.stderr).toMatch(
      new RegExp(
        `${bad.file.replace(/[.]/g, '\\.')}:4:\\d+.*yaml-too-deep|yaml-too-deep.*${bad.file.replace(/[.]/g, '\\.')}`,
      ),
    );
    expect(world.posts(bad.name)).toBe(0);
    expect(world.posts(good.name)).toBe(0);
    expect(world.originFile(`status/${good.name}.yaml`)).toBe(goodBefore);
    expect(record(world, bad.name)).toMatchObject({ lastApplied: { result: 'adopted' } });
  }, 90_000);
});
