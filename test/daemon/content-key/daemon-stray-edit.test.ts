/**
 * Fixed since (src/git/clone-memo.ts `cleanKey`: a sync that resets gives a new content key;
 * src/records/read-records.ts: a read with overlaid records proves nothing). Found by a
 * hostile review of the cycle work (a3da0f8), end to end in the daemon: with a separate status branch, a
 * stray edit of the daemon's clone made right after the sync of a new spec head is planned on for
 * every later cycle under that head, although the next sync discarded it (the clone is the
 * committed tree again). See stray-edit-sticks.test.ts for the mechanism: the load step's content
 * key (`git.cleanHead() === head`) is set after a RESET too, and the read caches trust what was
 * read under that key the first time, stray bytes included.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { systemClock } from '../../../src/core/clock.js';
import { SimpleGitRepo } from '../../../src/git/simple-git-repo.js';
import { closeSimulator, spec, World } from '../../daemon/helpers.js';

let world: World | null = null;
afterEach(async () => {
  await world?.close();
  world = null;
});
afterAll(closeSimulator);

/** The daemon's own adapter, with a hook run once right after a sync returns (before the load). */
class HookedRepo extends SimpleGitRepo {
  afterSync: (() => void) | null = null;
  override async sync(): Promise<string> {
    const head = await super.sync();
    const hook = this.afterSync;
    this.afterSync = null;
    hook?.();
    return head;
  }
}

const STATUS_BRANCH = 'fleet-status';

function phaseOf(w: World, name: string): string | null {
  try {
    const text = w.git(w.origin, ['show', `${STATUS_BRANCH}:status/${name}.yaml`]);
    return (parse(text) as { phase: string }).phase;
  } catch {
    return null;
  }
}

describe('daemon with a separate status branch', () => {
  it('plans on the committed spec again once the sync has discarded a stray edit of the clone', async () => {
    world = await World.create({ count: 2 });
    const w = world;
    const env = { OVH_FLEET_STATUS_BRANCH: STATUS_BRANCH };
    const config = w.config(env);
    const repo = new HookedRepo({
      url: w.origin,
      branch: 'main',
      dir: join(w.stateDir, 'repo'),
      statusBranch: STATUS_BRANCH,
      statusDir: 'status',
      committer: config.commit,
      clock: systemClock,
    });
    const daemon = await w.start({ git: repo }, env);
    const [target] = w.managed as [(typeof w.managed)[0]];
    expect(phaseOf(w, target.name)).toBe('ready');

    // A new spec head (nothing about the target), and a stray edit of the clone right after
    // the daemon's sync to it (someone on the host, not a commit).
    w.pull();
    w.write('README.md', 'fleet\n');
    const head = w.commit('docs');
    const clonedFile = join(w.stateDir, 'repo', target.file);
    repo.afterSync = () => writeFileSync(clonedFile, `${spec(target.name, target.os)}bogusField: 1\n`);
    const first = await daemon.trigger('manual');
    expect(first?.head).toBe(head);
    // The pre-existing window: the cycle that read the stray edit calls the spec invalid.
    const strayPhase = phaseOf(w, target.name);
    expect(strayPhase).not.toBe('ready');

    // The next cycle: the sync discards the stray edit; the clone is the commit again.
    const second = await daemon.trigger('manual');
    expect(second?.head).toBe(head);
    expect(readFileSync(clonedFile, 'utf8')).toBe(spec(target.name, target.os));
    // The committed spec is valid and the server runs it: the record must say so again.
    const third = await daemon.trigger('manual');
    expect(third?.head).toBe(head);
    expect(phaseOf(w, target.name)).toBe('ready');
  }, 60_000);
});
