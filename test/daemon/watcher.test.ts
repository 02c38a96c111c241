/**
 * The local-directory trigger (chokidar): a change in the repository directory starts ONE cycle
 * after the debounce; a change under status/ or .git starts none (the daemon's own status pushes
 * into a local repository must not start cycles).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { silentLogger } from '../../src/core/logger.js';
import { startWatcher } from '../../src/daemon/triggers.js';
import { closeSimulator, spec, World } from './helpers.js';

const DEBOUNCE_MS = 100;
/** Long enough for chokidar to report a change and the debounce to expire several times over. */
const QUIET_MS = 1_000;

let world: World | null = null;
const dirs: string[] = [];
afterEach(async () => {
  await world?.close();
  world = null;
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
afterAll(closeSimulator);

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function until(check: () => boolean, what: string): Promise<void> {
  const end = Date.now() + 10_000;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

describe('startWatcher', () => {
  it('calls back once per burst of changes, and never for status/ or .git', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ovh-fleet-watch-'));
    dirs.push(dir);
    for (const sub of ['servers', 'status', '.git/refs/heads'])
      mkdirSync(join(dir, sub), { recursive: true });
    let calls = 0;
    const watcher = startWatcher(dir, DEBOUNCE_MS, () => calls++, silentLogger());
    await new Promise<void>((resolve) => watcher.once('ready', () => resolve()));

    for (let i = 0; i < 5; i++) writeFileSync(join(dir, 'status', `ns${i}.yaml`), `phase: ready ${i}\n`);
    writeFileSync(join(dir, 'status', 'FLEET.md'), '# status\n');
    writeFileSync(join(dir, '.git', 'index'), 'index');
    writeFileSync(join(dir, '.git', 'refs', 'heads', 'main'), '0'.repeat(40));
    await sleep(QUIET_MS);
    const afterIgnored = calls;
    for (let i = 0; i < 5; i++) writeFileSync(join(dir, 'servers', `ns${i}.yaml`), `serviceName: ns${i}\n`);
    writeFileSync(join(dir, 'fleet.yaml'), 'kind: Fleet\n');
    await until(() => calls > 0, 'the callback');
    await sleep(QUIET_MS);
    const afterBurst = calls;
    await watcher.close();

    expect(afterIgnored).toBe(0);
    expect(afterBurst).toBe(1);
  });
});

describe('the daemon on a local repository directory', () => {
  it('runs a watch cycle for a committed spec change, and none for its own status pushes', async () => {
    world = await World.create({ count: 1 });
    const [m] = world.managed as [(typeof world.managed)[0]];
    // The human clone is the repository; the daemon's status pushes update its working tree.
    world.h(['config', 'receive.denyCurrentBranch', 'updateInstead']);
    const watchCycles = (): number =>
      world!.logs.filter((l) => l.includes('"msg":"cycle ended"') && l.includes('"trigger":"watch"')).length;
    const daemon = await world.start(
      { triggers: { schedule: false, watch: true }, watchDebounceMs: DEBOUNCE_MS },
      { OVH_FLEET_REPOSITORY_URL: world.human },
    );
    await sleep(QUIET_MS);
    const afterAdoption = watchCycles();

    world.write(m.file, spec(m.name, m.other));
    world.h(['commit', '--quiet', '--all', '-m', 'change os']);
    await world.until(() => world!.posts(m.name) === 1, 'the reinstall POST from a watch cycle');
    await world.until(
      () =>
        (parse(world!.h(['show', `main:status/${m.name}.yaml`])) as { phase: string }).phase ===
        'reinstalling',
      'the status push into the local repository',
    );
    await world.until(() => watchCycles() > 0, 'the end of the watch cycle');
    const afterChange = watchCycles();
    await sleep(QUIET_MS);
    const afterStatusPush = watchCycles();

    expect(afterAdoption).toBe(0);
    expect(afterChange).toBeGreaterThanOrEqual(1);
    expect(afterStatusPush).toBe(afterChange);
    expect(daemon.status().lastCycle?.trigger).not.toBe('schedule');
    expect(world.posts(m.name)).toBe(1);
  });
});
