/**
 * Issue 11, confirmed failure 1, end to end through the REAL daemon process (dist/cli/main.js),
 * a bare git remote and the simulator: a reverted pull request, a re-applied one and a generation
 * bump each post exactly one reinstall (the simulator's request log), and the status records tell
 * the truth (lastApplied is the OS the server runs, set by the task that installed it).
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { StatusRecord } from '../../src/records/types.js';
import { DaemonProcess } from './daemon-process.js';
import { closeSimulator, spec, useSimulatorOptions, World } from './helpers.js';

useSimulatorOptions({ servers: 12, seed: 11, speed: 600 });

let world: World | null = null;
let daemon: DaemonProcess | null = null;
afterEach(async () => {
  if (daemon && daemon.child.exitCode === null && daemon.child.signalCode === null)
    await daemon.kill('SIGTERM');
  daemon = null;
  await world?.close();
  world = null;
});
afterAll(closeSimulator);

const LINUX = /^(debian12_64|debian13_64|alma9_64|rocky9_64|ubuntu2404-server_64)$/;

function record(w: World, name: string): StatusRecord | null {
  const text = w.originFile(`status/${name}.yaml`);
  return text ? (parse(text) as StatusRecord) : null;
}

/** The OS bodies of the reinstall POSTs the simulator accepted for `name`, in order. */
function postedOses(w: World, name: string): string[] {
  return w.sim.control
    .requests()
    .filter((r) => r.method === 'POST' && r.path.endsWith(`/dedicated/server/${name}/reinstall`))
    .filter((r) => r.status >= 200 && r.status < 300)
    .map((r) => (r.body as { operatingSystem: string }).operatingSystem);
}

function runningOs(w: World, name: string): string | undefined {
  return w.sim.control.account().find((s) => s.server.name === name)?.server.os;
}

describe('the daemon process reinstalls every requested change exactly once', () => {
  it('revert A → B → A, re-apply A → B → A → B and a generation bump: one POST each, and true status', async () => {
    world = await World.create({ count: 1 });
    const w = world;
    const [m] = w.managed as [(typeof w.managed)[0]];
    const account = w.sim.control.account().find((s) => s.server.name === m.name)!;
    const third = account.compatibleTemplates.ovh.find((t) => LINUX.test(t) && t !== m.os && t !== m.other);
    expect(third).toBeDefined();
    const A = m.other;
    const B = third as string;
    w.write(
      'fleet.yaml',
      'apiVersion: ovh-fleet/v1\nkind: Fleet\nrollout:\n  maxFleetFraction: 1\n  maxPerHour: 100\n  maxFailures: 100\n',
    );
    w.commit('fleet policy');
    daemon = DaemonProcess.start(w, 'schedule: "* * * * * *"\n');
    await w.until(() => record(w, m.name)?.phase === 'ready', 'the adoption', 30_000);

    const seenTasks = new Set<number>();
    /** Pushes `commit()`, waits until the server is recorded as reinstalled to `os` by a new task. */
    const step = async (what: string, commit: () => void, os: string, generation = 0): Promise<void> => {
      w.pull();
      commit();
      await w.until(
        () => {
          const r = record(w, m.name);
          return (
            r?.phase === 'ready' &&
            r.lastApplied?.result === 'done' &&
            r.lastApplied.operatingSystem === os &&
            r.lastApplied.spec.reinstall.generation === generation &&
            r.lastApplied.taskId !== null &&
            !seenTasks.has(r.lastApplied.taskId)
          );
        },
        `${what}: ${m.name} recorded as reinstalled to ${os}; posts ${JSON.stringify(postedOses(w, m.name))}`,
        60_000,
      );
      const r = record(w, m.name)!;
      seenTasks.add(r.lastApplied!.taskId!);
      // The record tells the truth: the server runs what lastApplied says, and no drift.
      expect(runningOs(w, m.name), what).toBe(os);
      expect(r, what).toMatchObject({
        reason: 'in-sync',
        desiredDigest: r.lastApplied!.digest,
        observedOs: os,
      });
    };
    const edit =
      (os: string, generation = 0) =>
      (): void => {
        const extra = generation === 0 ? '' : `reinstall:\n  generation: ${generation}\n`;
        w.write(m.file, spec(m.name, os) + extra);
        w.h(['add', '--all']);
        w.h(['commit', '--quiet', '-m', `${m.name}: ${os} generation ${generation}`]);
        push(w);
      };
    const revert = (): void => {
      // The spec commit is HEAD~n once the daemon's status commits are pulled: revert the last one that touched it.
      const last = w.h(['log', '-1', '--format=%H', '--', m.file]);
      w.h(['revert', '--no-edit', last]);
      push(w);
    };

    await step('merge A', edit(A), A);
    await step('merge B', edit(B), B);
    await step('revert B (back to A)', revert, A);
    await step('revert the revert (B again)', revert, B);
    await step('generation bump of B', edit(B, 1), B, 1);

    // One accepted POST per requested change, each with the requested OS, and nothing more later.
    const settled = daemon.cycles;
    await w.until(() => daemon!.cycles >= settled + 3, 'three more cycles', 60_000);
    expect(postedOses(w, m.name)).toEqual([A, B, A, B, B]);
    // The journal forgets an attempt once git records its outcome.
    await w.until(() => intentFiles(w).length === 0, 'the journal to forget recorded attempts', 30_000);
  }, 240_000);
});

function push(w: World): void {
  for (let i = 0; ; i++) {
    try {
      w.h(['push', '--quiet', 'origin', 'HEAD:main']);
      return;
    } catch (error) {
      if (i > 20) throw error;
      w.h(['pull', '--quiet', '--rebase', 'origin', 'main']);
    }
  }
}

function intentFiles(w: World): string[] {
  try {
    return readdirSync(join(w.stateDir, 'intents')).filter((f) => f.endsWith('.json'));
  } catch {
    return [];
  }
}
