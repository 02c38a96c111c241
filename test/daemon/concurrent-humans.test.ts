/**
 * Issue 6: while the daemon runs cycles and commits status (a rollout in progress), another
 * process pushes 20 human commits to unrelated files of the same branch. Afterwards every human
 * commit and every status record is there, every update of the branch was a fast-forward (the
 * origin's reflog), and the origin refuses non-fast-forward pushes, so a force-push would have
 * failed loudly.
 */
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { systemClock } from '../../src/core/clock.js';
import { SimpleGitRepo } from '../../src/git/simple-git-repo.js';
import { serializeStatusRecord } from '../../src/records/status-record.js';
import type { StatusRecord } from '../../src/records/types.js';
import { closeSimulator, spec, useSimulatorOptions, World } from './helpers.js';

const HUMAN_COMMITS = 20;

// Reinstalls of ~4 s (instead of ~2 s), 8 servers two at a time: the rollout, and with it the
// daemon's status commits, lasts ~16 s; the humans push for ~25 s from the start (a pause of
// 1.0-1.4 s after each push), so a status commit always lands between two human ones. With
// pauses of 0-0.7 s the pushes could all fall before or after the daemon's (a flake seen once
// on a loaded CI machine, twice in all).
useSimulatorOptions({ speed: 150 });

let world: World | null = null;
afterEach(async () => {
  await world?.close();
  world = null;
});
afterAll(closeSimulator);

/** The other process: commits one file at a time and pushes, rebasing on a rejected push. */
const HUMAN_SCRIPT = `set -eu
cd "$1"
mkdir -p notes
for i in $(seq 1 ${HUMAN_COMMITS}); do
  echo "note $i" > "notes/human-$i.txt"
  git add "notes/human-$i.txt"
  git commit --quiet -m "human note $i"
  n=0
  until git push --quiet origin HEAD:main 2>/dev/null; do
    n=$((n + 1))
    [ "$n" -gt 60 ] && exit 3
    git pull --quiet --rebase origin main
  done
  git rev-parse HEAD >> "$2"
  sleep "1.$((RANDOM % 5))"
done
`;

function runHumans(w: World): Promise<number | null> {
  const script = join(w.root, 'humans.sh');
  writeFileSync(script, HUMAN_SCRIPT);
  const child = spawn('bash', [script, w.human, join(w.root, 'pushed.txt')], {
    env: w.env,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return new Promise((resolve) => child.on('exit', (code) => resolve(code)));
}

describe('the daemon and concurrent humans on one branch', () => {
  it(`keeps all ${HUMAN_COMMITS} human commits and every status record, and never force-pushes`, async () => {
    world = await World.create({ count: 8 });
    world.git(world.origin, ['config', 'receive.denyNonFastForwards', 'true']);
    world.git(world.origin, ['config', 'core.logAllRefUpdates', 'always']);
    world.write(
      'fleet.yaml',
      'apiVersion: ovh-fleet/v1\nkind: Fleet\nrollout:\n  maxConcurrent: 2\n  maxPerHour: 100\n  maxFleetFraction: 1\napi:\n  requestsPerMinute: 100000\n',
    );
    world.commit('fleet policy');
    // The daemon's own clone, with push retries shortened (a human pushes every ~0.3 s here).
    const config = world.config();
    const git = new SimpleGitRepo({
      url: config.repository.url,
      branch: config.repository.branch,
      dir: join(config.stateDir, 'repo'),
      committer: config.commit,
      clock: systemClock,
      pushAttempts: 30,
      backoffBaseMs: 20,
      backoffMaxMs: 300,
    });
    const daemon = await world.start({ git });
    world.pull();
    for (const m of world.managed) world.write(m.file, spec(m.name, m.other));
    world.commit('move every server to another OS');
    const startHead = world.git(world.origin, ['rev-parse', 'main']);

    let humansDone = false;
    const humans = runHumans(world).finally(() => (humansDone = true));
    const statusCommits: string[] = [];
    while (!humansDone) {
      const summary = await daemon.trigger('manual');
      if (summary?.statusCommit) statusCommits.push(summary.statusCommit);
    }
    const exit = await humans;
    await world
      .until(
        () => world!.managed.every((m) => daemonRecord(world!, m.name)?.reason === 'in-sync'),
        'the rollout to end',
        // Each batch of starts also pushes its shared intent (retried while humans push): more time.
        45_000,
      )
      .catch((e: unknown) => {
        for (const m of world!.managed) console.log(m.name, JSON.stringify(daemonRecord(world!, m.name)));
        console.log(
          world!.logs
            .filter((l) => /"level":"(warn|error)"/.test(l))
            .slice(-20)
            .join(''),
        );
        throw e;
      });
    const last = await daemon.trigger('manual');
    const head = world.git(world.origin, ['rev-parse', 'main']);

    expect(exit).toBe(0);
    const pushed = readFileSync(join(world.root, 'pushed.txt'), 'utf8').trim().split('\n');
    expect(pushed).toHaveLength(HUMAN_COMMITS);
    for (const commit of pushed) expect(isAncestor(world, commit, head)).toBe(true);
    const subjects = world.git(world.origin, ['log', '--format=%s', 'main']).split('\n');
    expect(subjects.filter((s) => /^human note \d+$/.test(s)).sort()).toEqual(
      Array.from({ length: HUMAN_COMMITS }, (_, i) => `human note ${i + 1}`).sort(),
    );
    for (let i = 1; i <= HUMAN_COMMITS; i++)
      expect(world.originFile(`notes/human-${i}.txt`)).toBe(`note ${i}`);
    expect(statusCommits.length).toBeGreaterThan(0);
    // The daemon's pushes interleaved with the humans': a status commit lies between two human ones.
    const order = world
      .git(world.origin, ['rev-list', '--first-parent', '--reverse', `${startHead}..${head}`])
      .split('\n');
    const humanAt = pushed.map((c) => order.indexOf(c));
    expect(
      statusCommits.some(
        (c) => order.indexOf(c) > Math.min(...humanAt) && order.indexOf(c) < Math.max(...humanAt),
      ),
    ).toBe(true);
    for (const commit of statusCommits) expect(isAncestor(world, commit, head)).toBe(true);
    const live = new Map(daemon.status().servers.map((r) => [r.serviceName, r]));
    for (const m of world.managed) {
      const record = daemonRecord(world, m.name);
      expect(record).toMatchObject({ phase: 'ready', lastApplied: { operatingSystem: m.other } });
      expect(world.originFile(`status/${m.name}.yaml`)).toBe(serializeStatusRecord(live.get(m.name)!).trim());
      expect(world.posts(m.name)).toBe(1);
    }
    expect(world.originFile('status/FLEET.md')).toContain(`${world.managed.length} server(s)`);
    expect(last?.result).toBe('success');
    expect(fastForwardsOnly(world, startHead)).toBe(true);
    expect(forcePushRefused(world, startHead)).toMatch(/denying non-fast-forward|rejected/);
    expect(world.git(world.origin, ['rev-parse', 'main'])).toBe(head);
    const retried = world.logs.filter((l) => /"msg":"status committed"/.test(l) && !/"attempts":1\b/.test(l));
    console.log(
      `${statusCommits.length} status commits while ${HUMAN_COMMITS} human commits were pushed; ${retried.length} status push(es) needed a retry`,
    );
  }, 120_000);
});

function daemonRecord(w: World, name: string): StatusRecord | null {
  const text = w.originFile(`status/${name}.yaml`);
  return text === null ? null : (parse(text) as StatusRecord);
}

function isAncestor(w: World, commit: string, head: string): boolean {
  try {
    w.git(w.origin, ['merge-base', '--is-ancestor', commit, head]);
    return true;
  } catch {
    return false;
  }
}

/** Every update of main recorded in the origin's reflog since `from` moved it forward. */
function fastForwardsOnly(w: World, from: string): boolean {
  const lines = readFileSync(join(w.origin, 'logs', 'refs', 'heads', 'main'), 'utf8')
    .trim()
    .split('\n');
  const updates = lines.map((l) => l.split(' ').slice(0, 2) as [string, string]);
  const since = updates.findIndex(([, to]) => to === from);
  const checked = updates.slice(since + 1);
  return checked.length > HUMAN_COMMITS && checked.every(([old, to]) => isAncestor(w, old, to));
}

/** Tries to force-push main back to `old`; returns git's message (empty when it was accepted). */
function forcePushRefused(w: World, old: string): string {
  try {
    w.h(['push', '--force', 'origin', `${old}:refs/heads/main`]);
    return '';
  } catch (error) {
    return String((error as { stderr?: unknown }).stderr ?? error);
  }
}
